"""The legal holds page: staff and the Compliance group set and release holds; a bad hold is refused, nothing set."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from hiring.models import AuditEvent, LegalHold
from tests.factories import CandidateFactory, LoopFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    user = UserFactory(username="carla")
    user.groups.add(Group.objects.get_or_create(name="Compliance")[0])
    return user


def test_a_compliance_officer_holds_a_candidate_and_releases_the_hold(officer, login):
    candidate = CandidateFactory(name="Noor Held")
    client = login(officer)

    response = client.post(reverse("legal_holds"), {"candidate": candidate.pk, "reason": "EEOC charge 12"})

    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    hold = LegalHold.objects.get()
    assert f"Legal hold {hold.pk} set" in page
    assert "Noor Held" in page
    assert "EEOC charge 12" in page
    assert f"Release hold {hold.pk}" in page

    released = client.post(reverse("legal_hold_release", args=[hold.pk]))

    assert released.status_code == 302
    hold.refresh_from_db()
    assert hold.released_by == officer
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == ["hold", "release"]


def test_a_role_can_be_held(staff, login):
    loop = LoopFactory()

    response = login(staff).post(reverse("legal_holds"), {"role": loop.rubric.role_id, "reason": "Class claim"})

    assert response.status_code == 302
    assert LegalHold.objects.get().role == loop.rubric.role


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"candidate": "1", "reason": ""}, "Give the reason for the hold"),
        ({"reason": "Claim"}, "Give either a candidate id or a role (one of them)."),
        ({"candidate": "987654", "reason": "Claim"}, "No candidate has the id 987654."),
        ({"candidate": "abc", "reason": "Claim"}, "Enter a whole number."),
        ({"candidate": "99999999999999999999", "reason": "Claim"}, "less than or equal to"),
        ({"candidate": "1", "reason": "x" * 2_001}, "at most 2000 characters"),
    ],
)
def test_a_bad_hold_is_refused_naming_the_field_and_nothing_is_set(officer, login, data, message):
    response = login(officer).post(reverse("legal_holds"), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LegalHold.objects.exists()


def test_recruiters_hiring_managers_and_interviewers_are_refused(recruiter, hiring_manager, interviewer, login):
    candidate = CandidateFactory()
    for person in (recruiter, hiring_manager, interviewer):
        client = login(person)
        assert client.get(reverse("legal_holds")).status_code == 403
        assert client.post(reverse("legal_holds"), {"candidate": candidate.pk, "reason": "x"}).status_code == 403
    assert not LegalHold.objects.exists()


def test_releasing_a_released_hold_is_not_found(officer, login):
    client = login(officer)
    client.post(reverse("legal_holds"), {"candidate": CandidateFactory().pk, "reason": "Claim"})
    hold = LegalHold.objects.get()
    client.post(reverse("legal_hold_release", args=[hold.pk]))

    assert client.post(reverse("legal_hold_release", args=[hold.pk])).status_code == 404
