"""How many independent ratings a dimension needs (Spearman–Brown), against worked examples."""

from __future__ import annotations

import pytest

from hiring.reliability import MIN_PANEL_LOOPS, panel_size, ratings_needed, reliability_of_mean

# Worked example, by hand. One rating agrees with another at r = 0.6; the mean of k ratings has reliability
#   R(k) = k·0.6 / (1 + (k − 1)·0.6):  R(1) = 0.6,  R(2) = 1.2 / 1.6 = 0.75,  R(3) = 1.8 / 2.2 = 0.8181…
# so a target of 0.80 needs 3 ratings; the closed form gives 0.8·0.4 / (0.6·0.2) = 0.32 / 0.12 = 2.67, up to 3.
# At r = 0.5: 0.8·0.5 / (0.5·0.2) = 4 exactly, and R(4) = 2 / 2.5 = 0.80 (reached, not 5).
# At r = 0.25 for 0.90: 0.9·0.75 / (0.25·0.1) = 27, and R(27) = 6.75 / 7.5 = 0.90.


def test_the_mean_of_three_ratings_at_point_six_is_point_eight_one_eight():
    assert reliability_of_mean(single=0.6, ratings=1) == pytest.approx(0.6)
    assert reliability_of_mean(single=0.6, ratings=2) == pytest.approx(0.75)
    assert reliability_of_mean(single=0.6, ratings=3) == pytest.approx(0.818181, abs=1e-6)


@pytest.mark.parametrize(
    ("single", "target", "needed"),
    [(0.6, 0.8, 3), (0.5, 0.8, 4), (0.25, 0.9, 27), (0.8, 0.8, 1), (0.95, 0.8, 1), (0.4, 0.8, 6), (0.7, 0.8, 2)],
)
def test_ratings_needed_is_the_fewest_whose_mean_reaches_the_target(single, target, needed):
    assert ratings_needed(single=single, target=target) == needed
    assert reliability_of_mean(single=single, ratings=needed) >= target - 1e-9
    if needed > 1:
        assert reliability_of_mean(single=single, ratings=needed - 1) < target


@pytest.mark.parametrize("single", [0.0, -0.2, -0.9])
def test_no_panel_reaches_the_target_when_interviewers_agree_no_better_than_chance(single):
    assert ratings_needed(single=single, target=0.8) is None


@pytest.mark.parametrize("target", [0.0, 1.0, -0.5, 1.2])
def test_a_target_outside_zero_to_one_is_refused(target):
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        ratings_needed(single=0.5, target=target)


def test_the_range_comes_from_the_ends_of_alphas_interval():
    # alpha 0.6 [0.4, 0.7]: the upper end needs 2 (0.8·0.3 / (0.7·0.2) = 1.71), the lower 6 (0.48 / 0.08).
    size = panel_size(alpha=0.6, interval=(0.4, 0.7), loops=MIN_PANEL_LOOPS, target=0.8)
    assert (size.needed, size.fewest, size.most) == (3, 2, 6)
    assert not size.too_few_loops
    assert not size.unreachable


def test_an_interval_reaching_zero_has_no_upper_end():
    size = panel_size(alpha=0.3, interval=(-0.1, 0.5), loops=40, target=0.8)
    assert (size.needed, size.fewest, size.most) == (10, 4, None)  # 0.8·0.7 / (0.3·0.2) = 9.33 → 10


def test_nothing_is_recommended_before_enough_loops_or_without_alpha():
    assert panel_size(alpha=0.6, interval=None, loops=MIN_PANEL_LOOPS - 1, target=0.8).too_few_loops
    assert panel_size(alpha=None, interval=None, loops=50, target=0.8).too_few_loops
    assert panel_size(alpha=-0.2, interval=None, loops=50, target=0.8).unreachable
