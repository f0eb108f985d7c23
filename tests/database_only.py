"""A pytest plugin: `--database-tests-only` keeps only the tests that can reach the database.

CI runs the suite on SQLite, then again on PostgreSQL for what differs between them: the database. A test
that neither carries the `django_db` mark nor uses a fixture that opens the database (pytest-django refuses
it any query) gives the same result on both, so the second run leaves it out and says how many. A test that
reaches the database by its own means (a throwaway database, a subprocess) says so with the `database` mark.
"""

from __future__ import annotations

import pytest

DATABASE_FIXTURES = frozenset(
    {
        "db",
        "django_db_setup",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
        "admin_user",
        "admin_client",
    }
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that can query the database (the PostgreSQL pass of CI)",
    )


def reaches_the_database(item: pytest.Item) -> bool:
    if item.get_closest_marker("django_db") is not None or item.get_closest_marker("database") is not None:
        return True
    return bool(DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("database_tests_only"):
        return
    kept = [item for item in items if reaches_the_database(item)]
    left = [item for item in items if not reaches_the_database(item)]
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept
