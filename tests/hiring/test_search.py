"""Finding a candidate: the header's search box and the pipeline's search field (hiring.search), and the pipeline's
empty state, quick filters and export names around it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from hiring import policy
from hiring.models import Candidate, Loop
from hiring.search import SEARCH_TEXT_MAX, search_key
from hiring.services.privacy import candidate_forget
from tests.factories import CandidateFactory, LoopFactory, UserFactory

pytestmark = pytest.mark.django_db


def _person(username: str, *groups: str, staff: bool = False) -> User:
    return UserFactory(username=username, groups=groups, is_staff=staff)


def _loop(name: str, email: str, manager: User) -> Loop:
    recruiter = _person(f"rec-{Loop.objects.count()}", policy.RECRUITERS)
    return LoopFactory(candidate=CandidateFactory(name=name, email=email), hiring_manager=manager, recruiter=recruiter)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _found(user: User, query: str) -> list[str]:
    response = _client(user).get(reverse("loop_pipeline"), {"q": query})
    assert response.status_code == 200
    return sorted(row.loop.candidate_name for row in response.context["rows"])


@pytest.fixture
def manager() -> User:
    return _person("harper", policy.HIRING_MANAGERS)


@pytest.mark.parametrize(
    ("stored", "typed"),
    [("Søren Ødegård", "soren odegard"), ("ÉLODIE Brûlé", "elodie brule"), ("Straße", "STRASSE"), ("Łukasz", "lukasz")],
)
def test_a_name_and_what_people_type_for_it_normalise_alike(stored: str, typed: str) -> None:
    assert search_key(stored) == search_key(typed)


@pytest.mark.parametrize("query", ["Søren", "soren", "SØREN", "ødeg", "odegard", "GÅRD", "soren@ex", "EXAMPLE.COM"])
def test_the_pipeline_finds_a_candidate_by_any_part_of_name_or_email_whatever_the_case_and_accents(
    manager: User, query: str
) -> None:
    _loop("Søren Ødegård", "soren@example.com", manager)
    _loop("Amara Okafor", "amara@elsewhere.org", manager)

    assert _found(manager, query) == ["Søren Ødegård"]


def test_a_search_finds_only_the_loops_the_person_may_see(manager: User) -> None:
    other_manager = _person("morgan", policy.HIRING_MANAGERS)
    _loop("Amara Okafor", "amara@example.com", manager)
    _loop("Amara Mensah", "mensah@example.com", other_manager)
    staff = _person("sam", staff=True)

    assert _found(manager, "amara") == ["Amara Okafor"]
    assert _found(other_manager, "amara") == ["Amara Mensah"]
    assert _found(staff, "amara") == ["Amara Mensah", "Amara Okafor"]


def test_an_interviewer_has_no_search_box_and_no_pipeline_to_search(manager: User) -> None:
    _loop("Amara Okafor", "amara@example.com", manager)
    interviewer = _person("ines", policy.INTERVIEWERS)
    client = _client(interviewer)

    assert 'role="search"' not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("loop_pipeline"), {"q": "amara"}).status_code == 403


def test_the_header_search_box_is_offered_to_hiring_managers_and_recruiters() -> None:
    for user in (_person("harper", policy.HIRING_MANAGERS), _person("riley", policy.RECRUITERS)):
        html = _client(user).get(reverse("home")).content.decode()
        assert 'role="search"' in html
        assert 'name="q"' in html


def test_the_header_search_goes_straight_to_the_loop_when_one_candidate_matches(manager: User) -> None:
    loop = _loop("Søren Ødegård", "soren@example.com", manager)
    _loop("Amara Okafor", "amara@example.com", manager)
    _loop("Amara Mensah", "mensah@example.com", manager)
    client = _client(manager)

    one = client.get(reverse("loop_pipeline"), {"q": "soren", "jump": "1"})
    two = client.get(reverse("loop_pipeline"), {"q": "amara", "jump": "1"})

    assert one.status_code == 302
    assert one["Location"] == reverse("loop_detail", args=[loop.pk])
    assert two.status_code == 200
    assert len(two.context["rows"]) == 2
    # The pipeline's own search field never jumps away from the list.
    assert client.get(reverse("loop_pipeline"), {"q": "soren"}).status_code == 200


def test_a_renamed_or_forgotten_candidate_is_found_by_their_current_name_only(manager: User) -> None:
    loop = _loop("Amara Okafor", "amara@example.com", manager)
    candidate = Candidate.objects.get(pk=loop.candidate_id)
    candidate.name = "Amara Ndlovu"
    candidate.save(update_fields=["name"])

    assert _found(manager, "ndlovu") == ["Amara Ndlovu"]
    assert _found(manager, "okafor") == []

    candidate_forget(candidate=candidate, by=_person("sam", staff=True))
    assert _found(manager, "amara") == []
    assert _found(manager, "forgotten") == [f"Forgotten candidate {candidate.pk}"]


def test_a_search_longer_than_a_name_is_refused_with_a_message_not_a_500(manager: User) -> None:
    response = _client(manager).get(reverse("loop_pipeline"), {"q": "x" * 201})

    assert response.status_code == 400
    assert "Search for at most 200 characters of a name or email." in response.content.decode()


def test_a_search_of_sql_wildcards_matches_them_literally(manager: User) -> None:
    _loop("Amara Okafor", "amara@example.com", manager)

    assert _found(manager, "%") == []
    assert _found(manager, "_") == []


# The pipeline around the search --------------------------------------------------------------------------------


def test_a_filter_that_matches_nothing_says_so_and_keeps_the_exports(manager: User) -> None:
    _loop("Amara Okafor", "amara@example.com", manager)

    html = _client(manager).get(reverse("loop_pipeline"), {"q": "nobody-by-this-name"}).content.decode()

    assert "No loops match these filters." in html
    assert "clear them all" in html
    assert html.count(reverse("loop_export") + "?q=nobody-by-this-name&amp;kind=") == 3


def test_a_pipeline_with_no_loops_at_all_says_so(manager: User) -> None:
    html = _client(manager).get(reverse("loop_pipeline")).content.decode()

    assert "No loops yet." in html
    assert "No loops match these filters." not in html


def test_the_quick_filter_of_the_forms_filters_is_the_current_one_and_the_others_keep_the_rest(manager: User) -> None:
    _loop("Amara Okafor", "amara@example.com", manager)
    # As the form sends it: every field, most of them empty.
    query = {"q": "amara", "role": "", "status": "", "since": "", "red_flag": "on", "sort": "newest"}

    tabs = _client(manager).get(reverse("loop_pipeline"), query).context["quick_filters"]

    assert [tab.label for tab in tabs if tab.current] == ["Has a red flag"]
    by_label = {tab.label: tab.query for tab in tabs}
    assert by_label["Awaiting decision"] == "q=amara&sort=newest&status=complete"
    assert by_label["All loops"] == "q=amara&sort=newest"


def test_a_quick_filter_stays_current_whatever_else_is_filtered(manager: User) -> None:
    tabs = (
        _client(manager)
        .get(reverse("loop_pipeline"), {"status": "complete", "sort": "oldest"})
        .context["quick_filters"]
    )

    assert [tab.label for tab in tabs if tab.current] == ["Awaiting decision"]


def test_the_recommendations_read_as_a_compact_tally(manager: User) -> None:
    _loop("Amara Okafor", "amara@example.com", manager)

    html = _client(manager).get(reverse("loop_pipeline")).content.decode()

    assert "none yet" in html
    assert "; " not in html.split('class="small text-nowrap tally"')[1].split("</td>")[0]


def test_an_exported_files_name_carries_its_filters(manager: User) -> None:
    _loop("Søren Ødegård", "soren@example.com", manager)
    client = _client(manager)

    filtered = client.get(
        reverse("loop_export"), {"q": "Søren Ø", "status": "in_progress", "kind": "ratings", "format": "csv"}
    )
    plain = client.get(reverse("loop_export"), {"kind": "summary", "format": "json"})

    disposition = filtered["Content-Disposition"]
    assert disposition.startswith('attachment; filename="loops-ratings-status-in_progress-q-soren-o-2')
    assert disposition.endswith('.csv"')
    assert disposition.isascii()
    assert plain["Content-Disposition"].startswith('attachment; filename="loops-summary-2')
    for response in (filtered, plain):
        assert isinstance(response, StreamingHttpResponse)
        assert b"".join(response.streaming_content)


def test_an_audit_log_filter_that_matches_nothing_says_so() -> None:
    staff = _person("sam", staff=True)

    response = _client(staff).get(reverse("audit_log"), {"since": "2099-01-01"})

    assert response.status_code == 200
    assert "No events match these filters." in response.content.decode()


def test_a_refused_audit_filter_lists_its_problem_at_the_top() -> None:
    staff = _person("sam", staff=True)

    response = _client(staff).get(reverse("audit_log"), {"since": "not a date"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "1 problem to fix; the filters were not applied" in html
    assert 'href="#id_since"' in html


def test_a_name_that_spells_out_to_more_than_the_column_holds_is_stored_cut_and_found_by_its_beginning(
    manager: User,
) -> None:
    # U+FDFA is one character that NFKD spells out in eighteen: 200 of them are 3,600 characters.
    loop = _loop("\ufdfa" * 200, "long@example.com", manager)

    stored = Candidate.objects.get(pk=loop.candidate_id).search_text
    assert len(stored) == SEARCH_TEXT_MAX
    assert _found(manager, "\ufdfa") == ["\ufdfa" * 200]
