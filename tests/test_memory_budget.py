"""The memory guard (tests/memory_budget.py) fails a test that peaks over its budget, and only that test."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

REPOSITORY = Path(__file__).resolve().parents[1]


def test_a_test_over_the_budget_fails_and_the_next_one_is_measured_afresh(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeini("[pytest]\nmemory_budget_mb = 150\n")
    pytester.makepyfile(
        test_sizes="""
        def test_holds_300_mb_at_once():
            held = b"x" * (300 * 1024 * 1024)
            assert len(held) == 300 * 1024 * 1024

        def test_holds_little_after_it():
            assert len(b"x" * 1024) == 1024
        """
    )
    # Only the guard: no Django, hypothesis or other installed plugin in the child pytest.
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.setenv("PYTHONPATH", str(REPOSITORY))

    result = pytester.runpytest_subprocess("-p", "tests.memory_budget", "-p", "no:cacheprovider")

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*MemoryBudgetExceeded: in call, this process's resident memory peaked at *MB, over the budget of 150 MB*",
            "FAILED test_sizes.py::test_holds_300_mb_at_once*",
        ]
    )
    assert "test_holds_little_after_it" not in result.stdout.str().split("short test summary")[-1]
