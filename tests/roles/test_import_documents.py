"""Real rubric documents, in every shape the issue lists, import with no edit: every dimension, level text,
question and signal lands where the document puts it, the document's scale is kept, and every line of the
rubric that the import did not place is listed with its line number."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from roles.blueprints import blueprint_problems
from roles.importing.building import fixture_import
from roles.importing.reading import document_file_read, document_parse

BLUEPRINTS = Path(__file__).parent / "blueprints"
CHOSEN = object()  # labels the document does not give: the import's ladder, listed as chosen


@dataclass(frozen=True)
class Dim:
    line: int = 0  # the line the dimension's name is on (0: not checked)
    description: str = ""
    anchors: dict[str, str] = field(default_factory=dict)  # "5" or "4-5" (a band) -> text
    questions: tuple[str, ...] = ()
    signals: dict[str, tuple[str, ...]] = field(default_factory=dict)  # kind -> texts listed under it
    optional: bool = False


@dataclass(frozen=True)
class Doc:
    title: str
    scale: tuple[int, int]
    labels: dict[int, str] | object  # what the document calls its levels, or CHOSEN
    dimensions: dict[str, Dim]
    signals: dict[str, tuple[str, ...]] = field(default_factory=dict)  # the rubric-wide ones
    questions: tuple[str, ...] = ()  # the role's own, under no dimension
    exercises: tuple[str, ...] = ()
    definitions: dict[int, str] = field(default_factory=dict)
    unplaced: tuple[int, ...] = ()  # the lines listed as not placed
    purpose: str = ""


LOOK = "strong"
DOCUMENTS: dict[str, Doc] = {
    "platform-engineer-ladder.md": Doc(
        title="Platform Engineer (L4)",
        purpose="Larkspur's platform engineers build the internal platform every product team deploys on. "
        "This rubric follows our engineering ladder: each competency lists what to look for at L4.",
        scale=(1, 5),
        labels=CHOSEN,
        dimensions={
            "Technical depth": Dim(
                line=8,
                description="Understands the systems they build on, down to the layer below.",
                signals={
                    LOOK: (
                        "Explains how a request moves through the load balancer, the service mesh and the database.",
                        "Names the failure modes of a design before being asked.",
                        "Chooses boring technology unless there is a measured reason not to.",
                    )
                },
            ),
            "Operational ownership": Dim(
                line=18,
                description="Runs what they build and makes it easy to run.",
                signals={
                    LOOK: (
                        "Has written runbooks that someone else used during an incident.",
                        "Sets alerts on symptoms that users feel, not on every metric.",
                    )
                },
            ),
            "Developer experience": Dim(
                line=27,
                description="Treats product engineers as the platform's customers.",
                signals={
                    LOOK: (
                        "Measures how long a new service takes to reach production.",
                        "Removes a manual step rather than documenting it.",
                    )
                },
            ),
        },
        unplaced=(46, 48, 49),  # the interviewers' notes and their checklist
    ),
    "customer-success-question-guide.md": Doc(
        title="Customer Success Manager",
        scale=(1, 4),
        labels={1: "No evidence", 2: "Some evidence", 3: "Clear evidence", 4: "Strong evidence"},
        dimensions={
            "Ownership": Dim(
                line=13,
                questions=(
                    "Tell me about a renewal you saved. What did you do first?",
                    "Describe a time a customer escalated to your manager. What happened next?",
                    "When did you last say no to a customer request, and how?",
                ),
            ),
            "Customer empathy": Dim(
                line=19,
                questions=(
                    "Walk me through how you learned what a new customer's business cared about.",
                    "Tell me about feedback you brought back to the product team. What changed?",
                ),
            ),
            "Commercial judgement": Dim(
                line=24,
                questions=(
                    "How do you decide which accounts need your time this quarter?",
                    "Tell me about an expansion you chose not to pursue.",
                ),
            ),
        },
        unplaced=(8, 29),  # the template includes
    ),
    "data-analyst-scale-table.md": Doc(
        title="Data Analyst",
        scale=(1, 4),
        labels={1: "Not yet", 2: "Developing", 3: "Proficient", 4: "Expert"},
        definitions={
            1: "Little or no evidence of the skill, even with prompting.",
            2: "Some evidence; needs guidance to apply it.",
            3: "Clear evidence; applies it without help.",
            4: "Strong evidence; teaches it to others.",
        },
        dimensions={
            "SQL and data modelling": Dim(
                line=12,
                description="Writes queries that answer the question asked, and knows when the data cannot.",
                questions=(
                    "How would you find patients who missed two appointments in a row?",
                    "What would you check before trusting a join across two source systems?",
                ),
                signals={
                    LOOK: ("Checks row counts before and after every join.", "Asks what a null means in this table.")
                },
            ),
            "Communicating findings": Dim(
                line=26,
                questions=("Tell me about a chart you redrew because people misread it.",),
                signals={
                    LOOK: ("Leads with the decision the finding supports.", "States the uncertainty in plain words.")
                },
            ),
        },
    ),
    "backend-engineer-levels-as-rows.md": Doc(
        title="Backend Engineer",
        scale=(1, 5),
        labels=CHOSEN,
        dimensions={
            "API design": Dim(
                line=5,
                anchors={
                    "5": "Designs versioned, consistent APIs and explains every trade-off",
                    "4": "Consistent APIs with minor gaps in error handling",
                    "3": "Working APIs; naming and errors vary between endpoints",
                    "2": "APIs that leak the database schema",
                    "1": "Cannot design an API beyond a single endpoint",
                },
            ),
            "Testing": Dim(
                line=15,
                anchors={
                    "5": "Tests behaviour at the right level and keeps the suite fast",
                    "3": "Unit tests for the happy path",
                    "1": "No tests, or tests that only mirror the code",
                },
            ),
            "Debugging": Dim(
                line=23,
                anchors={
                    "4-5": "Finds the root cause from logs and metrics, then prevents the class of bug",
                    "2-3": "Finds the cause with hints",
                    "1": "Changes code until the symptom goes away",
                },
            ),
        },
    ),
    "product-designer-banded-1-to-10.html": Doc(
        title="Product Designer",
        purpose="Quillon Books hires product designers who ship reading experiences people return to every day.",
        scale=(1, 10),
        labels={1: "Poor", 2: "Poor", 3: "Below", 4: "Below", 5: "Meets", 6: "Meets", 7: "Strong", 8: "Strong"}
        | {9: "Outstanding", 10: "Outstanding"},
        definitions=dict.fromkeys((9, 10), "Exceeds the bar in every respect; would raise the team's standard.")
        | dict.fromkeys((7, 8), "Clearly above the bar with no real gaps.")
        | dict.fromkeys((5, 6), "At the bar; minor gaps a mentor would close.")
        | dict.fromkeys((3, 4), "Gaps that would need close support.")
        | dict.fromkeys((1, 2), "Little evidence of the skill."),
        dimensions={
            "Interaction design": Dim(
                line=20,
                description="How the candidate turns a reading problem into flows and screens.",
                signals={
                    "strong": (
                        "Sketches several flows before choosing one.",
                        "Designs for interruption: the reader comes back mid-chapter.",
                    ),
                    "weak": ("Jumps to pixel-perfect screens.",),
                },
            ),
            "Research practice": Dim(
                line=32,
                signals={
                    "strong": ("Plans research around a decision the team must make.",),
                    "weak": ("Treats a survey as proof of what people do.", "Asks leading questions."),
                },
            ),
            "Visual craft": Dim(
                line=43,
                optional=True,
                description="Only for candidates applying to the brand team.",
                signals={
                    "strong": ("Typography that survives long reading sessions.",),
                    "weak": ("Decoration that competes with the text.",),
                },
            ),
        },
    ),
    "account-executive-hire-reconsider.md": Doc(
        title="Account Executive",
        purpose="Account executives at Tallowmere Bank win and grow business banking clients.",
        scale=(1, 2),
        labels={1: "Hire: RECONSIDERING", 2: "Hire: YES"},
        dimensions={
            "Discovery": Dim(
                line=9,
                anchors={
                    "2": "Asks about the client's cash cycle before pitching; Confirms the decision maker",
                    "1": "Pitches products in the first five minutes; Never asks who signs",
                },
            ),
            "Objection handling": Dim(
                line=10,
                anchors={
                    "2": "Restates the objection, then answers it with a client example",
                    "1": "Argues with the objection",
                },
            ),
            "Pipeline discipline": Dim(
                line=11,
                anchors={
                    "2": "Keeps every deal's next step dated in the CRM; Forecasts within 10%",
                    "1": "Forecast is a guess",
                },
            ),
        },
        unplaced=(5, 15),  # the panel's instructions, before the table and after the rule
    ),
    "support-lead-strong-hire-columns.txt": Doc(
        title="Support Team Lead",
        purpose="We hire support leads who keep players happy and agents growing.",
        scale=(1, 4),
        labels={1: "Strong No Hire", 2: "No Hire", 3: "Hire", 4: "Strong Hire"},
        dimensions={
            "Player advocacy": Dim(
                line=9,
                anchors={
                    "4": "Changes a policy that hurt players, with data",
                    "3": "Escalates player pain with examples",
                    "2": "Repeats policy without question",
                    "1": "Blames players",
                },
            ),
            "Coaching": Dim(
                line=10,
                anchors={
                    "4": "Agents they coached now coach others",
                    "3": "Gives specific, timely feedback",
                    "2": "Feedback is vague or rare",
                    "1": "Criticises agents in public",
                },
            ),
            "Queue management": Dim(
                line=11,
                anchors={
                    "4": "Plans staffing from forecasts and hits SLAs",
                    "3": "Rebalances queues during spikes",
                    "2": "Reacts only when SLAs are missed",
                    "1": "Ignores the queue",
                },
            ),
        },
        questions=(
            "Tell me about the last policy you changed.",
            "How do you run a one-to-one with a struggling agent?",
        ),
        unplaced=(1, 18, 20, 21),  # the company's name, the interviewer checklist and its items
    ),
    "qa-engineer-meets-exceeds.html": Doc(
        title="QA Engineer",
        purpose="The QA engineer keeps our routing software correct as it changes every week.",
        scale=(1, 3),
        labels={1: "Does not meet", 2: "Meets", 3: "Exceeds"},
        dimensions={
            "Test strategy": Dim(
                line=9,
                anchors={
                    "3": "Shapes the team's test strategy; Removes flaky tests for good",
                    "2": "Covers risks the ticket missed; Prioritises by impact",
                    "1": "Tests only what the ticket names",
                },
            ),
            "Automation": Dim(
                line=10,
                anchors={
                    "3": "Builds tooling others adopt",
                    "2": "Automates regression checks in CI",
                    "1": "Manual checks only",
                },
            ),
            "Bug reporting": Dim(
                line=11,
                anchors={
                    "3": "Finds the root cause before filing",
                    "2": "Clear steps, expected and actual results",
                    "1": "Reports lack steps to reproduce",
                },
            ),
        },
        signals={"red_flag": ("Signs off a release they have not tested.",)},
    ),
    "mobile-engineer-blog-export.json": Doc(
        title="Mobile Engineer",
        purpose="Mossgiel Energy builds the app our customers use to watch and shift their energy use.",
        scale=(1, 4),
        labels={1: "Weak", 2: "Developing", 3: "Solid", 4: "Exemplary"},
        dimensions={
            "Mobile architecture": Dim(
                description="Structures an app so features ship without breaking each other.",
                anchors={
                    "4": "Separates state, views and data access; explains what they would not abstract.",
                    "3": "Clear layers with some leakage between them.",
                    "1": "Business logic lives in the views.",
                },
            ),
            "Offline behaviour": Dim(
                anchors={
                    "4": "Designs for no signal first; syncs and resolves conflicts deliberately.",
                    "2": "Caches data but shows stale numbers without saying so.",
                },
                questions=("What should the app show when the meter reading is six hours old?",),
            ),
        },
        exercises=("Live pairing: usage chart",),
    ),
    "technical-writer-plain.txt": Doc(
        title="Technical Writer",
        purpose="Technical writers at Harrowgate explain policies and claims tools to agents and customers.",
        scale=(1, 5),
        labels={1: "Poor", 3: "Good", 5: "Excellent"},
        dimensions={
            "Clarity": Dim(
                line=9,
                anchors={
                    "5": "Every page answers one question; no sentence needs rereading.",
                    "3-4": "Mostly clear; some pages mix tasks and concepts.",
                    "1": "The reader cannot find the answer.",
                },
                questions=("Show us a page you rewrote. What did you cut?",),
            ),
            "Audience awareness": Dim(
                line=16,
                anchors={
                    "5": "Writes differently for agents and customers, and can say why.",
                    "1": "One voice for every reader.",
                },
                questions=("Who reads the claims guide, and what are they in the middle of?",),
            ),
        },
        unplaced=(1, 22, 24),  # the company's name and the notes
    ),
    "people-manager-0-to-4.md": Doc(
        title="Engineering Manager",
        purpose="Engineering managers at Juniper Freight lead teams of five to eight engineers.",
        scale=(0, 4),
        labels={0: "Concerning", 2: "At the bar", 4: "Role model"},
        dimensions={
            "Hiring and growing people": Dim(
                line=7,
                anchors={
                    "4": "Has grown engineers into leads; hiring bar rises on their teams.",
                    "2": "Runs regular one-to-ones and writes useful reviews.",
                    "0": "No examples of growing anyone.",
                },
                signals={"red_flag": ("Takes credit for their team's work.",)},
            ),
            "Delivery": Dim(
                line=19,
                anchors={
                    "4": "Teams ship predictably, and the manager can show it.",
                    "2": "Knows where each project stands.",
                    "0": "Surprised by missed deadlines.",
                },
            ),
            "Incident leadership": Dim(
                line=27,
                optional=True,
                description="Only for teams with an on-call rotation.",
                anchors={
                    "4": "Runs calm incidents and blameless reviews that change things.",
                    "0": "Looks for someone to blame.",
                },
            ),
        },
    ),
    # The shape of the five customer blueprints: a hiring-evaluation section, in five forms.
    "data-engineer-1-to-4.md": Doc(
        title="Senior Data Engineer",
        purpose="Build and run reliable data pipelines that analytics and machine learning can trust.",
        scale=(1, 4),
        labels={1: "Not yet", 2: "Developing", 3: "Solid", 4: "Outstanding"},
        dimensions={
            "Pipeline design": Dim(
                anchors={
                    "4": "Exactly-once results under replay, with a tested recovery path",
                    "3": "Correct pipelines with a recovery plan for common failures",
                    "2": "Working pipelines that break on late or duplicate data",
                    "1": "Cannot describe a pipeline's failure modes",
                }
            ),
            "Data modelling": Dim(
                anchors={
                    "4": "Clear grain and history; models serve every stated question",
                    "3": "Sound model with minor gaps in history handling",
                    "2": "Model answers today's question only",
                    "1": "No notion of grain or keys",
                }
            ),
            "Operational ownership": Dim(
                anchors={
                    "4": "Runs on-call with runbooks, alerting and rehearsed backfills",
                    "3": "Has handled incidents and backfills with help",
                    "2": "Aware of operations but has not owned them",
                    "1": "Hands pipelines over and walks away",
                }
            ),
            "Collaboration": Dim(
                anchors={
                    "4": "Agrees data contracts that producers and consumers keep",
                    "3": "Works well with neighbouring teams",
                    "2": "Collaborates when asked",
                    "1": "Dismisses other teams' needs",
                }
            ),
        },
        signals={
            "strong": (
                "Designs for replays, late events and idempotent writes from the start.",
                "Models data around the questions consumers ask, with clear grain.",
                "Has owned pipeline incidents end to end, including the backfill.",
            ),
            "weak": (
                "Treats data quality as someone else's problem.",
                "Describes pipelines only in terms of tools, not guarantees.",
            ),
            "red_flag": (
                "Cannot explain how their pipelines recover from a failed run.",
                "Blames producers for every data contract break.",
            ),
        },
        exercises=(
            "Case study A: Pipeline design review",
            "Exercise B: Data modelling session",
            "Optional take-home: contract tests",
        ),
    ),
    "product-analyst-meets-exceeds.txt": Doc(
        title="Product Analyst",
        purpose="Turn product usage into decisions that a product team acts on.",
        scale=(1, 3),
        labels={1: "Below", 2: "Meets", 3: "Exceeds"},
        dimensions={
            "Metric design": Dim(
                anchors={
                    "3": "Ties metrics to the goal and anticipates gaming",
                    "2": "Defines a primary metric and guardrails",
                    "1": "Picks vanity metrics",
                }
            ),
            "Experiment analysis": Dim(
                anchors={
                    "3": "Spots novelty, seasonality and sample ratio mismatch unprompted",
                    "2": "Reads effect sizes and intervals correctly",
                    "1": "Reads p-values only",
                }
            ),
            "Storytelling": Dim(
                anchors={
                    "3": "Changes a team's decision with a clear, honest story",
                    "2": "Explains the finding and its limits",
                    "1": "Lists numbers without a point",
                }
            ),
        },
        signals={
            "strong": (
                "Chooses metrics that the team can move and that track the goal.",
                "Says what an experiment does not show as clearly as what it shows.",
            ),
            "weak": ("Reports every metric the dashboard has.",),
            "red_flag": ("Calls a test a win on a metric chosen after the results came in.",),
        },
        exercises=("Case study 1: Metric design for onboarding", "Case study 2: Experiment readout"),
    ),
    "ml-platform-engineer-0-to-4.html": Doc(
        title="Staff ML Platform Engineer",
        purpose="Give every model team a fast, reliable and affordable path from training to serving.",
        scale=(0, 4),
        labels=CHOSEN,
        dimensions={
            "Serving architecture": Dim(
                anchors={
                    "4": "Meets latency and cost budgets with headroom and a tested fallback",
                    "2": "Meets the latency budget; cost is an afterthought",
                    "0": "No design that meets the budget",
                }
            ),
            "Platform adoption": Dim(
                anchors={
                    "4": "Teams adopt the platform by choice; adoption is measured",
                    "2": "Some teams use it; feedback is collected ad hoc",
                    "0": "Platform imposed; users ignored",
                }
            ),
            "Reliability": Dim(
                anchors={
                    "4": "SLOs, capacity plans and rehearsed failovers",
                    "2": "Alerting and incident response in place",
                    "0": "Reliability left to chance",
                }
            ),
        },
        signals={
            "strong": (
                "Designs serving around latency and cost budgets with numbers.",
                "Measures platform adoption and acts on what model teams say.",
                "Has kept a platform reliable through a tenfold growth in usage.",
            ),
            "weak": ("Talks about tools rather than the teams who use them.",),
            "red_flag": ("Mandates a platform without listening to its users.",),
        },
        exercises=("Serving design interview", "Platform adoption discussion"),
    ),
    "security-engineer-unnumbered.md": Doc(
        title="Principal Security Engineer",
        purpose="The Principal Security Engineer sets the security direction for the product and makes secure "
        "choices easy for every team.",
        scale=(1, 5),
        labels=CHOSEN,
        dimensions={name: Dim() for name in ("Threat modelling", "Secure design", "Incident response")}
        | {"Influence across teams": Dim()},
        signals={
            "strong": (
                "Ranks threats by likelihood and impact and explains the ranking.",
                "Ships secure defaults that teams adopt without being told to.",
                "Leads incident response calmly and writes blameless reviews.",
                "Changes engineering practice across many teams through influence.",
            ),
            "weak": (
                "Lists every possible threat without ranking them.",
                "Relies on policy documents rather than secure defaults.",
            ),
            "red_flag": ("Treats product teams as adversaries.", "Hides incidents or blames individuals."),
        },
        exercises=("Threat model review", "Incident simulation"),
    ),
    "site-reliability-engineer.txt": Doc(
        title="Site Reliability Engineer",
        purpose="Keep the product fast and available while teams ship quickly.",
        scale=(1, 5),
        labels=CHOSEN,
        dimensions={name: Dim() for name in ("Incident handling", "Capacity planning", "Automation")},
        signals={
            "strong": (
                "Leads incidents with clear roles and calm communication.",
                "Forecasts capacity from data and checks the forecast later.",
                "Automates recurring toil and measures the time saved.",
            ),
            "weak": ("Fixes the same incident by hand every week.",),
            "red_flag": ("Deploys risky changes without a rollback path.",),
        },
        exercises=("Case study 1: Outage drill", "Case study 2: Capacity forecast"),
    ),
}


def _imported(name: str) -> dict[str, Any]:
    return fixture_import(document_file_read(BLUEPRINTS / name))


def _band(anchor: dict[str, Any]) -> str:
    return str(anchor["level"]) if "level_max" not in anchor else f"{anchor['level']}-{anchor['level_max']}"


def _read_back(fixture: dict[str, Any]) -> dict[str, Dim]:
    """The fixture's dimensions in the shape of the expectations, lines from its sources."""
    rubric, sources = fixture["rubric"], fixture["sources"]
    dimensions = {}
    for index, dimension in enumerate(rubric["dimensions"]):
        signals: dict[str, list[str]] = {}
        for signal in rubric["signals"]:
            if signal.get("dimension") == dimension["slug"]:
                signals.setdefault(signal["kind"], []).append(signal["text"])
        dimensions[dimension["name"]] = Dim(
            line=sources.get(f"rubric.dimensions[{index}].name", 0),
            description=dimension.get("description", ""),
            anchors={_band(anchor): anchor["text"] for anchor in dimension.get("anchors", [])},
            questions=tuple(dimension.get("questions", [])),
            signals={kind: tuple(texts) for kind, texts in signals.items()},
            optional=dimension.get("optional", False),
        )
    return dimensions


@pytest.fixture(scope="module")
def imported() -> dict[str, dict[str, Any]]:
    return {name: _imported(name) for name in DOCUMENTS}


def test_there_are_at_least_ten_documents_besides_the_five_of_the_blueprint_shape() -> None:
    assert sorted(path.name for path in BLUEPRINTS.iterdir()) == sorted(DOCUMENTS)
    assert len(DOCUMENTS) >= 15


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_each_document_imports_with_every_dimension_level_text_question_and_signal_where_it_puts_them(
    name: str, imported: dict[str, dict[str, Any]]
) -> None:
    expected, fixture = DOCUMENTS[name], imported[name]
    rubric = fixture["rubric"]
    assert blueprint_problems(fixture, file=name) == []
    assert fixture["role"]["title"] == expected.title
    if expected.purpose:
        assert fixture["role"]["purpose"] == expected.purpose
    read = _read_back(fixture)
    for dimension_name, dimension in expected.dimensions.items():
        got = read[dimension_name]
        if not dimension.line:
            got = Dim(**{**got.__dict__, "line": 0})
        assert got == dimension, dimension_name
    assert list(read) == list(expected.dimensions)
    wide: dict[str, list[str]] = {}
    for signal in rubric["signals"]:
        if "dimension" not in signal:
            wide.setdefault(signal["kind"], []).append(signal["text"])
    assert {kind: tuple(texts) for kind, texts in wide.items()} == expected.signals
    assert tuple(rubric.get("questions", [])) == expected.questions
    assert tuple(exercise["title"] for exercise in rubric["exercises"]) == expected.exercises


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_each_document_keeps_its_scale_and_the_labels_and_definitions_it_gives(
    name: str, imported: dict[str, dict[str, Any]]
) -> None:
    expected, scale = DOCUMENTS[name], imported[name]["rubric"]["scale"]
    low, high = expected.scale
    assert (scale["min"], scale["max"]) == (low, high)
    labels = imported[name]["review"]
    chosen = next(item["message"] for item in labels if item["topic"] == "labels")
    if expected.labels is CHOSEN:
        assert chosen.count("(chosen)") == high - low + 1
    else:
        assert isinstance(expected.labels, dict)
        assert {level: scale["labels"][str(level)] for level in expected.labels} == expected.labels
        assert chosen.count("(chosen)") == high - low + 1 - len(expected.labels)
    assert {int(level): text for level, text in scale.get("definitions", {}).items()} == expected.definitions


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_every_line_the_import_did_not_place_is_listed_with_its_number(
    name: str, imported: dict[str, dict[str, Any]]
) -> None:
    review = imported[name]["review"]
    assert tuple(sorted(item["line"] for item in review if item["topic"] == "unplaced")) == DOCUMENTS[name].unplaced


def test_a_review_entry_names_the_field_it_concerns(imported: dict[str, dict[str, Any]]) -> None:
    review = imported["product-designer-banded-1-to-10.html"]["review"]
    assert {
        "topic": "optional",
        "message": '"Visual craft" is marked optional.',
        "field": "rubric.dimensions[2].optional",
    } | {"line": 43} in review
    manager = imported["people-manager-0-to-4.md"]
    assert manager["sources"]["rubric.dimensions[0].anchors[0]"] == 9  # "**4 – Role model:** …"


def test_a_two_column_meets_exceeds_table_keeps_a_two_level_scale() -> None:
    """A criteria table whose only level columns are "Meets" and "Exceeds" is a 1–2 scale, not the import's 1–5."""
    text = (
        "# Sales Engineer\n\n"
        "| Criterion | Meets | Exceeds |\n"
        "|-|-|-|\n"
        "| Discovery | Asks about the customer's stack | Finds the real problem behind the ask |\n"
        "| Demo craft | Shows the product working | Tailors the demo to the buyer's pain |\n"
    )
    fixture = fixture_import(document_parse(file="sales-engineer.md", data=text.encode()))

    scale = fixture["rubric"]["scale"]
    assert (scale["min"], scale["max"]) == (1, 2)
    assert scale["labels"] == {"1": "Meets", "2": "Exceeds"}
    anchors = {d["name"]: {a["level"]: a["text"] for a in d["anchors"]} for d in fixture["rubric"]["dimensions"]}
    assert anchors == {
        "Discovery": {1: "Asks about the customer's stack", 2: "Finds the real problem behind the ask"},
        "Demo craft": {1: "Shows the product working", 2: "Tailors the demo to the buyer's pain"},
    }
