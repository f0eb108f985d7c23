from __future__ import annotations

from collections import Counter

import pytest
from django.test import Client

from tests.factories import HiringManagerFactory, InterviewerFactory, RecruiterFactory, UserFactory


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Refuse a run in which two tests share an id: pytest-xdist schedules by id and would run only one of
    them, reporting nothing about the others (schemathesis's operations did so until tests/api/conftest.py)."""
    counts = Counter(item.nodeid for item in items)
    twice = sorted(nodeid for nodeid, count in counts.items() if count > 1)
    if twice:
        raise pytest.UsageError(f"{len(twice)} test ids are shared by several tests, e.g. {twice[:3]}")


# The memory guard, and the hypothesis profiles (loaded before any test module is imported).
pytest_plugins = ["tests.memory_budget", "tests.fuzzing", "tests.database_only"]


@pytest.fixture
def interviewer(db):
    return InterviewerFactory()


@pytest.fixture
def hiring_manager(db):
    return HiringManagerFactory()


@pytest.fixture
def recruiter(db):
    return RecruiterFactory()


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def login():
    """Return a client logged in as the given user."""

    def _login(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def role_fixtures(db):
    """The five real role fixtures, loaded."""
    from roles.services import default_fixture_paths, roles_load

    return roles_load(paths=default_fixture_paths())


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def work(monkeypatch):
    """work() runs the task worker in batch mode (everything due now, then it stops), inside the test.

    The worker closes "old" database connections between tasks; inside a test's transaction that would
    close the test's own connection on PostgreSQL, so that step is skipped here.
    """
    from django.core.management import call_command

    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    # Nor may the worker take over this process's SIGINT and SIGTERM: its handler (never reset) turned
    # pytest-xdist's interrupt of a worker process into sys.exit(0) later in the run.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.Worker.configure_signals", lambda self: None)

    def _work() -> None:
        call_command("run_worker", batch=True, interval=0)

    return _work
