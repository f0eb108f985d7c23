"""The importer runs in time linear in the document's size, however hostile the document (issue 24: a regular
expression once took 40 s at 40,000 characters of nested brackets).

Each example repeats a hostile unit (brackets, emphasis runs, table pipes, list markers, anchor lines, HTML
cells, JSON strings …) to a document of SIZE characters and to one four times as long, and compares the best
of three CPU times of reading, parsing and building each. Linear work takes four times as long; the bound
allows ten (Python's garbage collector adds a little with the object count), while quadratic work takes
sixteen. The size limit itself (1 MB of brackets, JSON 100,000 deep) is refused quickly in
test_import_blueprint.py.
"""

from __future__ import annotations

import contextlib
import time

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from roles.importing.building import fixture_import
from roles.importing.reading import ImportRefused, document_parse

SIZE = 10_000
GROWTH = 4
BOUND = 10  # times as long for GROWTH times the size; quadratic work would take GROWTH ** 2
NOISE = 0.02  # seconds: below this a timing is mostly the clock

ATOMS = (
    "[",
    "](",
    "![",
    "*a",
    "**",
    "_",
    "`",
    "<",
    "&",
    "\\",
    "|",
    "| a | b |\n",
    "|-|-|\n",
    "\t",
    "- ",
    "  ",
    "\n",
    "> ",
    "#",
    "9-10 (",
    "5 - ",
    "1 = a, ",
    "Look for:",
    "?",
    ":",
    "<br>",
    "word.",
    "Hire: YES ",
    "(optional)",
    "19) ",
    "[ ] ",
    "{%",
    "---\n",
    "## D{n}\n- Why?\n- How?\n",  # {n} counts the repetitions: a thousand distinct dimensions
)
WRAPPERS = (
    "# Data Analyst\n\n{}",
    "# Data Analyst\n\n## Scorecard dimensions\n\n| Dimension | 5 | 3 | 1 |\n|---|---|---|---|\n| A | {} | b | c |\n",
    "<h1>Data Analyst</h1><table><tr><th>Dimension</th><th>5</th></tr><tr><td>A</td><td>{}</td></tr></table>",
    '{{"title": {{"rendered": "Data Analyst"}}, "content": {{"rendered": "<p>{}</p>"}}}}',
    "---\ntitle: Data Analyst\n---\n\n## Communication\n\n- {}\n",
)


def _cpu_seconds(text: str) -> float:
    data = text.encode()
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        with contextlib.suppress(ImportRefused):
            fixture_import(document_parse(file="hostile.md", data=data))
        best = min(best, time.process_time() - start)
    return best


def _document(wrapper: str, unit: str, size: int) -> str:
    body = "".join(unit.replace("{n}", str(n)) for n in range(size // len(unit) + 1))
    if wrapper.startswith("{{"):  # inside a JSON string: quote what JSON needs quoted
        body = body.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return wrapper.replace("{}", "\0").replace("{{", "{").replace("}}", "}").replace("\0", body[:size])


@example(unit="[", wrapper=WRAPPERS[0])  # the nested brackets of the issue
@example(unit="**a** ", wrapper=WRAPPERS[0])
@example(unit="## D{n}\n- Why?\n- How?\n", wrapper=WRAPPERS[0])
@example(unit="word.\n", wrapper=WRAPPERS[0])
@example(unit="<b>a</b><br>", wrapper=WRAPPERS[2])
@settings(max_examples=10, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    unit=st.lists(st.sampled_from(ATOMS), min_size=1, max_size=4).map("".join),
    wrapper=st.sampled_from(WRAPPERS),
)
def test_a_hostile_document_four_times_as_long_takes_about_four_times_as_long_to_import(unit: str, wrapper: str):
    small = _cpu_seconds(_document(wrapper, unit, SIZE))
    large = _cpu_seconds(_document(wrapper, unit, SIZE * GROWTH))
    assert large <= BOUND * max(small, NOISE), (unit, wrapper, small, large)
