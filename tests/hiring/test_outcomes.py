"""Hiring outcomes by CSV: recorded all or nothing; each problem named by row and column."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from hiring.models import AuditEvent, Decision, HiringOutcome, Loop
from tests.factories import DecisionFactory, LoopFactory

pytestmark = pytest.mark.django_db

HEADER = "loop_id,candidate_id,date,rating,scale_min,scale_max,still_employed\n"


def _hire(recruiter) -> Loop:
    return DecisionFactory(loop=LoopFactory(recruiter=recruiter), outcome=Decision.Outcome.HIRE).loop


def _post(client, text: str | bytes, name: str = "outcomes.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(reverse("outcomes_import"), {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def _problems(response) -> str:
    assert response.status_code == 400
    return response.content.decode()


def test_a_good_file_records_every_outcome(recruiter, login):
    first, second = _hire(recruiter), _hire(recruiter)
    client = login(recruiter)

    response = _post(
        client,
        HEADER + f"{first.pk},,2026-03-31,4,1,5,yes\n,{second.candidate_id},2026-03-31,2.5,0,10,no\n",
    )

    assert response.status_code == 302
    assert "2 hiring outcomes recorded." in client.get(response.url).content.decode()
    rows = list(HiringOutcome.objects.order_by("loop_id").values_list("loop_id", "rating", "still_employed"))
    assert rows == [(first.pk, Decimal("4.000"), True), (second.pk, Decimal("2.500"), False)]
    assert HiringOutcome.objects.get(loop=second).normalised == 0.25  # (2.5 − 0) / (10 − 0)
    assert AuditEvent.objects.filter(action="outcomes", summary="2 hiring outcomes recorded").count() == 1


def test_one_bad_row_saves_nothing_and_every_problem_names_its_row_and_column(recruiter, login):
    hired = _hire(recruiter)
    not_hired = DecisionFactory(loop=LoopFactory(recruiter=recruiter), outcome=Decision.Outcome.NO_HIRE).loop
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    text = HEADER + "\n".join(
        [
            f"{hired.pk},,2026-01-05,4,1,5,yes",  # row 2: good
            "999999,,2026-01-05,4,1,5,yes",  # row 3: unknown loop
            f"{hired.pk},,2026-02-05,7,1,5,yes",  # row 4: outside its scale
            f"{hired.pk},,{tomorrow},4,1,5,yes",  # row 5: in the future
            f"{hired.pk},,9999-12-31,4,1,5,yes",  # row 6: year 9999
            f"{not_hired.pk},,2026-01-05,4,1,5,yes",  # row 7: not a hire
            f"{hired.pk},,2026-01-05,3,1,5,no",  # row 8: same loop and date as row 2
            f"{hired.pk},,2026-04-01,four,1,5,maybe",  # row 9: not a number, not yes/no
            f",{not_hired.candidate_id},2026-04-01,4,1,5,yes",  # row 10: candidate without a hire
        ]
    )

    page = _problems(_post(login(recruiter), text))

    assert "nothing was saved" in page
    assert "Row 3, loop_id: no loop 999999 among the loops you run." in page
    assert "Row 4, rating: 7 is outside its stated scale 1–5." in page
    assert f"Row 5, date: {tomorrow} is not from 2000-01-01 to today" in page
    assert "Row 6, date: 9999-12-31 is not from 2000-01-01 to today" in page
    assert f"Row 7, loop_id: loop {not_hired.pk} is not decided “hire”." in page
    assert f"Row 8, date: row 2 already gives loop {hired.pk} on this date." in page
    assert "Row 9, rating: “four” is not a number" in page
    assert "Row 9, still_employed: “maybe” is not yes or no." in page
    assert f"Row 10, candidate_id: candidate {not_hired.candidate_id} has no loop decided “hire”" in page
    assert not HiringOutcome.objects.exists()


def test_a_file_without_a_required_column_is_refused(recruiter, login):
    page = _problems(_post(login(recruiter), "loop_id,date,rating,scale_min\n1,2026-01-01,3,1\n"))

    assert "Row 1, scale_max: this column is missing from the header row." in page
    assert "Row 1, still_employed: this column is missing from the header row." in page


def test_a_binary_file_is_refused_as_not_text(recruiter, login):
    page = _problems(_post(login(recruiter), b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", name="photo.csv"))

    assert "The file: it is not a text file (CSV)." in page


def test_a_file_over_the_size_limit_is_refused_unread(recruiter, login):
    hired = _hire(recruiter)
    row = f"{hired.pk},,2026-01-05,4,1,5,yes\n"

    page = _problems(_post(login(recruiter), HEADER + row * 100_000))  # 100,000 rows, about 3 MB

    assert "The file: it is larger than 1,000,000 bytes; split it." in page
    assert not HiringOutcome.objects.exists()


def test_a_file_of_more_rows_than_the_limit_is_refused(recruiter, login):
    page = _problems(
        _post(login(recruiter), "loop_id,date,rating,scale_min,scale_max,still_employed\n" + "1,x,,,,\n" * 5_001)
    )

    assert "The file: it has more than 5,000 rows; split it." in page


def test_loops_of_other_recruiters_are_unknown(recruiter, login):
    other = _hire(LoopFactory().recruiter)

    page = _problems(_post(login(recruiter), HEADER + f"{other.pk},,2026-01-05,4,1,5,yes\n"))

    assert f"Row 2, loop_id: no loop {other.pk} among the loops you run." in page


def test_interviewers_and_hiring_managers_cannot_import(interviewer, hiring_manager, login):
    for person in (interviewer, hiring_manager):
        assert login(person).get(reverse("outcomes_import")).status_code == 403
        assert _post(login(person), HEADER).status_code == 403


def test_the_page_lists_the_columns(recruiter, login):
    page = login(recruiter).get(reverse("outcomes_import")).content.decode()

    assert "loop_id,candidate_id,date,rating,scale_min,scale_max,still_employed" in page
