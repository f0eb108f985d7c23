"""The adverse-impact figures (hiring.impact) against values computed by hand, written out below."""

from __future__ import annotations

import math

import pytest
import scipy.stats

from hiring import impact


def test_fisher_p_of_the_textbook_table_sums_the_tables_no_likelier_than_it():
    # [[8, 2], [1, 5]]: rows 10 and 6, first column 9, 16 in all; C(16, 9) = 11440 tables.
    # P(x) ∝ C(10, x)·C(6, 9 − x) for x = 3..9: 120, 1260, 3780, 4200, 1800, 270, 10.
    # Seen x = 8 (270); no likelier: x = 3 (120), 8 (270), 9 (10) → 400 / 11440.
    assert impact.fisher_exact_p(8, 2, 1, 5) == pytest.approx(400 / 11440, rel=1e-12)


def test_fisher_p_of_a_split_table_is_its_two_extremes():
    # [[0, 5], [5, 0]]: C(10, 5) = 252 tables; only x = 0 and x = 5 are as unlikely (1 each) → 2 / 252.
    assert impact.fisher_exact_p(0, 5, 5, 0) == pytest.approx(2 / 252, rel=1e-12)


def test_fisher_p_of_an_even_table_is_one():
    assert impact.fisher_exact_p(3, 3, 3, 3) == pytest.approx(1.0)


def test_fisher_p_stays_exact_for_counts_whose_factorials_overflow_floats():
    # 2000 in each row: 2000! is far beyond a float's range; log space keeps an even table at 1, and 45% against
    # 50% lands where the normal approximation puts it: z = 0.05 / √(0.475·0.525·2/2000) = 3.17, p ≈ 0.0016.
    assert impact.fisher_exact_p(1000, 1000, 1000, 1000) == pytest.approx(1.0)
    assert 0.001 < impact.fisher_exact_p(900, 1100, 1000, 1000) < 0.003


def test_fisher_refuses_a_negative_count():
    with pytest.raises(ValueError, match="negative"):
        impact.fisher_exact_p(-1, 2, 3, 4)


def test_impact_ratio_flags_below_four_fifths_only():
    assert impact.impact_ratio(0.4, 0.8) == pytest.approx(0.5)
    assert impact.below_four_fifths(0.5) is True
    assert impact.below_four_fifths(0.8) is False
    assert impact.impact_ratio(0.0, 0.0) is None
    assert impact.below_four_fifths(None) is None


def test_cohens_d_and_its_interval_equal_the_hand_computed_values():
    # Means 0.75 and 0.5; each variance 0.125 / 4 = 0.03125, pooled the same: sd = 0.1767767.
    # d = 0.25 / 0.1767767 = √2; SE = √(10/25 + 2/20) = √0.5; interval √2 ± 1.959964·√0.5.
    difference = impact.cohens_d([0.5, 0.75, 0.75, 1.0, 0.75], [0.25, 0.5, 0.5, 0.75, 0.5])
    assert difference is not None
    assert difference.d == pytest.approx(math.sqrt(2))
    assert difference.low == pytest.approx(0.0283098, abs=1e-6)
    assert difference.high == pytest.approx(2.8001174, abs=1e-6)


def test_cohens_d_needs_two_scores_a_group_and_some_spread():
    assert impact.cohens_d([0.5], [0.5, 0.6]) is None
    assert impact.cohens_d([0.5, 0.5], [0.5, 0.5]) is None


@pytest.mark.parametrize(
    "table",
    [(3, 1, 1, 3), (0, 5, 5, 0), (12, 5, 7, 20), (1, 9, 11, 3), (40, 60, 55, 45), (0, 0, 4, 9), (7, 2, 0, 1)],
)
def test_fisher_p_equals_scipys_two_sided_test(table: tuple[int, int, int, int]) -> None:
    a, b, c, d = table
    expected = scipy.stats.fisher_exact([[a, b], [c, d]], alternative="two-sided").pvalue

    assert impact.fisher_exact_p(a, b, c, d) == pytest.approx(expected, rel=1e-9)
