"""Sessions: nothing written on a read, the idle timeout kept, sign-out and deactivation at once (issue 27)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.sessions.models import Session
from django.core.cache.backends import base as cache_base
from django.core.cache.backends import locmem as locmem_backend
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.backends import session_user
from accounts.models import Profile
from accounts.timezones import LOADED_ZONE
from devtools.urls import FLOOR_PATH
from hiring import policy
from roles.policy import ROLE_EDITORS
from tests.factories import PASSWORD, InterviewerFactory, RecruiterFactory

pytestmark = pytest.mark.django_db

ENGINES = ["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"]
BACKENDS = ["accounts.backends.LocalPasswordBackend", "accounts.backends.OIDCBackend"]

Clock = Callable[[dt.timedelta], None]
WRITES = {"INSERT", "UPDATE", "DELETE"}


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Moves time forward by the given amount: the app's (timezone.now: the sessions' expiry, their renewal)
    and the local-memory cache's (time.time: the expiry of sessions read from the cache)."""
    start = timezone.now()
    offset = [dt.timedelta()]
    monkeypatch.setattr(timezone, "now", lambda: start + offset[0])
    real = time.time
    monkeypatch.setattr(locmem_backend, "time", SimpleNamespace(time=lambda: real() + offset[0].total_seconds()))
    monkeypatch.setattr(cache_base, "time", SimpleNamespace(time=lambda: real() + offset[0].total_seconds()))

    def forward(by: dt.timedelta) -> None:
        offset[0] += by

    return forward


@pytest.fixture(params=ENGINES, ids=["db", "cached_db"])
def engine(request: pytest.FixtureRequest, settings) -> str:
    """Sessions in the database (no CACHE_URL) and read from the shared cache (CACHE_URL set)."""
    from django.core.cache import cache

    settings.SESSION_ENGINE = request.param
    cache.clear()
    return str(request.param)


def _signed_in(user: User) -> Client:
    client = Client()
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def _writes(captured: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"] for q in captured.captured_queries if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]


def _is_signed_in(client: Client) -> bool:
    response = client.get(reverse("home"))
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))
        return False
    assert response.status_code == 200
    return True


def test_a_page_that_only_reads_writes_nothing(engine: str) -> None:
    client = _signed_in(InterviewerFactory())
    assert _is_signed_in(client)

    for url in (reverse("home"), reverse("roles:list"), reverse("my_interviews")):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        assert _writes(captured) == [], url


def test_an_active_session_is_renewed_and_an_idle_one_expires(engine: str, clock: Clock) -> None:
    age = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    active, idle = _signed_in(InterviewerFactory()), _signed_in(InterviewerFactory())

    # Active: a request every 0.6 of the timeout keeps the session for three timeouts and more.
    for _ in range(5):
        clock(age * 0.6)
        assert _is_signed_in(active)
    key = active.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.get(session_key=key).expire_date > timezone.now() + age * 0.9
    assert int(active.cookies[settings.SESSION_COOKIE_NAME]["max-age"]) == settings.SESSION_COOKIE_AGE

    # Idle: nothing for as long as the timeout, and the session is over.
    assert not _is_signed_in(idle)


def test_a_renewal_is_written_only_once_the_session_is_getting_stale(engine: str, clock: Clock) -> None:
    client = _signed_in(InterviewerFactory())
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    expiry = Session.objects.get(session_key=key).expire_date

    clock(dt.timedelta(seconds=settings.SESSION_RENEW_SECONDS - 1))
    with CaptureQueriesContext(connection) as fresh:
        assert _is_signed_in(client)
    clock(dt.timedelta(seconds=1))
    with CaptureQueriesContext(connection) as stale:
        assert _is_signed_in(client)

    assert _writes(fresh) == []
    assert [sql.split()[0] for sql in _writes(stale)] == ["UPDATE"]
    assert Session.objects.get(session_key=key).expire_date == expiry + dt.timedelta(
        seconds=settings.SESSION_RENEW_SECONDS
    )


def test_sign_out_ends_the_session_at_once(engine: str) -> None:
    client = _signed_in(InterviewerFactory())
    copied = Client()
    copied.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert _is_signed_in(copied)

    assert client.post(reverse("logout")).status_code == 302

    assert not _is_signed_in(copied)


@pytest.mark.parametrize("backend", BACKENDS)
def test_deactivating_an_account_ends_its_sessions_at_once(engine: str, backend: str) -> None:
    user = InterviewerFactory()
    client = Client()
    client.force_login(user, backend=backend)
    assert _is_signed_in(client)

    user.is_active = False
    user.save()

    assert not _is_signed_in(client)


def test_a_bare_signed_in_request_costs_the_session_and_one_query_for_the_user(settings) -> None:
    settings.ROOT_URLCONF = "devtools.urls"
    client = _signed_in(InterviewerFactory())
    assert client.get(FLOOR_PATH).status_code == 200

    with CaptureQueriesContext(connection) as captured:
        assert client.get(FLOOR_PATH).content == b"ok\n"

    tables = [q["sql"].split(" FROM ")[1].split()[0].strip('"') for q in captured.captured_queries]
    assert tables == ["django_session", "auth_user"]


def test_a_change_of_groups_counts_from_the_next_request() -> None:
    recruiter = RecruiterFactory()
    client = _signed_in(recruiter)
    assert client.get(reverse("loop_pipeline")).status_code == 200

    recruiter.groups.remove(Group.objects.get(name=policy.RECRUITERS))
    assert client.get(reverse("loop_pipeline")).status_code == 403

    recruiter.groups.add(Group.objects.get(name=policy.RECRUITERS))
    assert client.get(reverse("loop_pipeline")).status_code == 200


def test_a_change_of_the_profiles_zone_counts_from_the_next_request() -> None:
    user = InterviewerFactory()
    client = _signed_in(user)
    client.cookies["browser_tz"] = "Asia%2FTokyo"
    assert "Asia/Tokyo" in client.get(reverse("account_settings")).context["active_zone"]

    Profile.objects.create(user=user, time_zone="Europe/Paris")
    assert client.get(reverse("account_settings")).context["active_zone"] == "Europe/Paris"

    Profile.objects.filter(user=user).update(time_zone="")
    client.cookies["browser_tz"] = "America%2FLima"  # the browser moved: followed at once
    assert client.get(reverse("account_settings")).context["active_zone"] == "America/Lima"


def test_each_request_loads_its_own_person_with_their_own_groups_and_zone() -> None:
    """The user's statement is compiled once per process and run again for each request: two people taking
    turns each get their own groups, Role editors membership and zone, every time."""
    recruiter = RecruiterFactory(groups=[policy.RECRUITERS, ROLE_EDITORS])
    Profile.objects.create(user=recruiter, time_zone="Europe/Paris")
    interviewer = InterviewerFactory()
    Profile.objects.create(user=interviewer, time_zone="Asia/Tokyo")
    as_recruiter, as_interviewer = _signed_in(recruiter), _signed_in(interviewer)

    for _ in range(2):
        assert as_recruiter.get(reverse("loop_pipeline")).status_code == 200
        assert as_interviewer.get(reverse("loop_pipeline")).status_code == 403
        assert as_recruiter.get(reverse("roles:list")).context["can_edit"] is True
        assert as_interviewer.get(reverse("roles:list")).context["can_edit"] is False
        assert as_recruiter.get(reverse("account_settings")).context["active_zone"] == "Europe/Paris"
        assert as_interviewer.get(reverse("account_settings")).context["active_zone"] == "Asia/Tokyo"


def test_the_session_user_is_the_row_the_orm_would_read_and_only_while_active() -> None:
    """Every field arrives converted as the ORM converts it (dates aware, flags booleans), whatever the
    database; an unknown or deactivated account is no one."""
    user = InterviewerFactory(groups=[policy.INTERVIEWERS, policy.COMPLIANCE], first_name="Ada")
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    Profile.objects.create(user=user, time_zone="America/Lima")
    session_user(user.pk)  # the statement compiled for this connection before the reads below

    loaded = session_user(str(user.pk))  # the session keeps the id as text
    expected = User.objects.get(pk=user.pk)

    assert loaded is not None
    fields = [field.attname for field in User._meta.concrete_fields]
    assert {name: (type(getattr(loaded, name)), getattr(loaded, name)) for name in fields} == {
        name: (type(getattr(expected, name)), getattr(expected, name)) for name in fields
    }
    assert policy.is_compliance(loaded)
    assert not policy.is_recruiter(loaded)
    assert getattr(loaded, LOADED_ZONE) == "America/Lima"
    assert session_user(user.pk + 1000) is None

    User.objects.filter(pk=user.pk).update(is_active=False)
    assert session_user(user.pk) is None
