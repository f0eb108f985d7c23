"""One definition per number: a loop's normalised mean (hiring.scoring) is the same on the debrief, the
pipeline, the printable summary and the exports, and matches the hand computation on 0–4 and 1–5 roles."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hiring.models import Loop, Rating, Scorecard
from hiring.selectors.pipeline import loop_figures
from tests import factories

pytestmark = pytest.mark.django_db

NA = "na"

# Hand computation (normalised = (score - min) / (max - min); "not assessed" left out):
# 0–4 role   D1: 4, 3 → 3.5/4 = 0.875   D2: 2 → 0.5   D3: n/a, 1 → 0.25   loop: (0.875 + 0.5 + 0.25) / 3
# 1–5 role   D1: 5, 4, 4 → 3.333/4 = 0.8333   D2: 3 → 0.5   D3: nobody   loop: (0.8333 + 0.5) / 2
# (The mean over all ratings would give 0.625 and 0.75: that is not the definition.)
# scale → (each scorecard's scores by dimension, each dimension's normalised mean, the loop's normalised mean)
CASES: dict[tuple[int, int], tuple[list[list[int | str | None]], list[float | None], float]] = {
    (0, 4): ([[4, 2, NA], [3, None, 1]], [0.875, 0.5, 0.25], (0.875 + 0.5 + 0.25) / 3),
    (1, 5): ([[5, 3, None], [4, None, NA], [4, None, None]], [10 / 12, 0.5, None], (10 / 12 + 0.5) / 2),
}


def _loop(scale: tuple[int, int], manager) -> Loop:
    scale_min, scale_max = scale
    rubric = factories.RubricVersionFactory(
        scale_min=scale_min, scale_max=scale_max, dimensions=3, signals=True, locked_at=timezone.now()
    )
    loop = factories.LoopFactory(rubric=rubric, hiring_manager=manager)
    dimensions = list(rubric.dimensions.order_by("position"))
    for scores in CASES[scale][0]:
        card = factories.InterviewFactory(loop=loop).scorecard
        for dimension, score in zip(dimensions, scores, strict=True):
            if score is not None:
                Rating.objects.create(
                    scorecard=card, dimension=dimension, score=None if score == NA else score,
                    not_assessed=score == NA, evidence="Worked example.",
                )  # fmt: skip
        Scorecard.objects.filter(pk=card.pk).update(
            status=Scorecard.Status.SUBMITTED, recommendation="yes", submitted_at=timezone.now()
        )
    factories.InterviewFactory(loop=loop)  # a draft never counts
    return loop


@pytest.fixture
def loops():
    manager = factories.HiringManagerFactory()
    return manager, {scale: _loop(scale, manager) for scale in CASES}


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def test_the_loop_normalised_mean_is_the_same_hand_computed_figure_on_every_surface(loops):
    manager, by_scale = loops
    client = Client()
    client.force_login(manager)
    pipeline = _text(client.get(reverse("loop_pipeline")))
    summary_rows = {
        int(row["loop_id"]): row
        for row in csv.DictReader(io.StringIO(_text(client.get(reverse("loop_export"), {"format": "csv"}))))
    }
    documents = {
        d["loop"]: d for d in json.loads(_text(client.get(reverse("loop_export"), {"format": "json"})))["loops"]
    }
    for scale, loop in by_scale.items():
        _, dimension_means, expected = CASES[scale]
        shown = f"{expected:.2f}"
        debrief = _text(client.get(reverse("loop_debrief", args=[loop.pk])))
        summary = _text(client.get(reverse("loop_summary", args=[loop.pk])))
        for page in (debrief, summary):
            assert re.search(rf'id="loop-normalised-mean">{re.escape(shown)}<', page), scale
            cells = re.findall(r'class="text-center normalised-mean">([^<]*)<', page)
            assert cells == [f"{m:.2f}" if m is not None else "—" for m in dimension_means], scale
        found = re.search(rf"{re.escape(loop.candidate.name)}</a>.*?</tr>", pipeline, re.DOTALL)
        assert found is not None
        row = found.group(0)
        assert f"<td>{shown}</td>" in row, scale
        assert summary_rows[loop.pk]["normalised_mean"] == f"{expected:.3f}"
        assert documents[loop.pk]["normalised_mean"] == pytest.approx(expected, abs=5e-4)
        in_sql = loop_figures(loop_ids=[loop.pk], columns=[])[loop.pk].normalised_mean
        assert in_sql == pytest.approx(expected)


def test_per_dimension_columns_of_a_role_are_normalised_means(loops):
    manager, by_scale = loops
    client = Client()
    client.force_login(manager)
    loop = by_scale[(0, 4)]
    role = loop.rubric.role.slug
    rows = list(csv.DictReader(io.StringIO(_text(client.get(reverse("loop_export"), {"format": "csv", "role": role})))))
    [row] = rows
    slugs = list(loop.rubric.dimensions.order_by("position").values_list("slug", flat=True))
    assert [row[f"normalised_{slug}"] for slug in slugs] == ["0.875", "0.500", "0.250"]
    page = _text(client.get(reverse("loop_pipeline"), {"role": role}))
    assert "(normalised, 0–1)" in page
    assert re.findall(r"<td class=\"dimension-col\">([^<]*)</td>", page) == ["0.88", "0.50", "0.25"]
