"""`--database-tests-only` (tests/database_only.py) keeps the tests that can reach the database and leaves out
the others, saying how many."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

REPOSITORY = Path(__file__).resolve().parents[1]


def test_the_postgresql_pass_keeps_only_the_tests_that_can_reach_the_database(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        test_kinds="""
        import pytest

        @pytest.fixture
        def db():
            return None

        @pytest.fixture
        def world(db):
            return "built"

        @pytest.mark.django_db
        def test_marked():
            pass

        @pytest.mark.database
        def test_reaches_its_own_database():
            pass

        def test_through_a_fixture_that_needs_the_database(world):
            assert world == "built"

        def test_a_parser_alone():
            pass
        """
    )
    # Only this plugin: no Django or other installed plugin in the child pytest.
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.setenv("PYTHONPATH", str(REPOSITORY))

    everything = pytester.runpytest_subprocess("-p", "tests.database_only", "-p", "no:cacheprovider", "-v")
    database_only = pytester.runpytest_subprocess(
        "-p", "tests.database_only", "-p", "no:cacheprovider", "-v", "--database-tests-only"
    )

    everything.assert_outcomes(passed=4)
    database_only.assert_outcomes(passed=3, deselected=1)
    assert "test_a_parser_alone" not in database_only.stdout.str()
