"""Personal access tokens: the settings page, hashing, expiry, revocation, scopes, last use and rate limits."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.utils import timezone

from api.admin import AccessTokenAdmin
from api.models import AccessToken
from api.services import token_authenticate, token_create
from tests.api import ApiClient
from tests.factories import InterviewerFactory, UserFactory
from tests.security.scenario import build_scenario, db_state

pytestmark = pytest.mark.django_db


def test_a_user_creates_a_token_on_the_settings_page_and_it_is_shown_once(login, interviewer):
    client = login(interviewer)

    created = client.post("/settings/tokens/", {"name": "ATS sync", "scope": "read", "expires_in_days": 30})

    assert created.status_code == 201
    [raw] = re.findall(r"sc_[0-9a-f]{12}_[A-Za-z0-9_-]{43}", created.content.decode())
    token = AccessToken.objects.get()
    assert (token.owner, token.name, token.scope) == (interviewer, "ATS sync", "read")
    assert token.secret_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(list(AccessToken.objects.values()))
    listed = client.get("/settings/tokens/").content.decode()
    assert "ATS sync" in listed
    assert f"sc_{token.prefix}_" in listed
    assert raw not in listed
    assert ApiClient(None, raw=raw).get("roles/").status_code == 200


def test_a_bad_form_creates_no_token(login, interviewer):
    response = login(interviewer).post("/settings/tokens/", {"name": "", "scope": "admin", "expires_in_days": 3})
    assert response.status_code == 400
    assert not AccessToken.objects.exists()


def test_a_user_revokes_their_token_and_it_no_longer_opens_the_api(login, interviewer):
    token, raw = token_create(owner=interviewer, name="old", scope="read", expires_in_days=7)

    response = login(interviewer).post(f"/settings/tokens/{token.pk}/revoke/")

    assert response.status_code == 302
    refused = ApiClient(None, raw=raw).get("roles/")
    assert refused.status_code == 401
    assert refused.json() == {"error": "unauthenticated", "message": "This token was revoked.", "fields": {}}


def test_nobody_revokes_someone_elses_token_on_the_settings_page(login, interviewer):
    token, _raw = token_create(owner=InterviewerFactory(), name="theirs", scope="read", expires_in_days=7)

    assert login(interviewer).post(f"/settings/tokens/{token.pk}/revoke/").status_code == 404
    assert AccessToken.objects.get(pk=token.pk).revoked_at is None


def test_the_admin_revokes_anyones_tokens(staff, monkeypatch):
    tokens = [
        token_create(owner=InterviewerFactory(), name=f"t{n}", scope="write", expires_in_days=7)[0] for n in (1, 2)
    ]
    request = RequestFactory().post("/admin/")
    request.user = staff
    admin = AccessTokenAdmin(AccessToken, site)
    monkeypatch.setattr(admin, "message_user", lambda *args, **kwargs: None)

    admin.revoke(request, AccessToken.objects.filter(pk__in=[t.pk for t in tokens]))

    assert AccessToken.objects.filter(revoked_at__isnull=True).count() == 0


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Bearer", "Send the token as"),
        ("Bearer not-a-token", "That is not an API token"),
        ("Bearer sc_000000000000_" + "a" * 43, "Unknown token."),
    ],
)
def test_a_malformed_or_unknown_token_is_a_401_with_a_clear_message(client, header, message):
    response = client.get("/api/v1/roles/", headers={"Authorization": header})
    assert response.status_code == 401
    assert message in response.json()["message"]
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_an_expired_token_is_refused(interviewer):
    token, raw = token_create(owner=interviewer, name="t", scope="read", expires_in_days=7)
    AccessToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    response = ApiClient(None, raw=raw).get("roles/")

    assert response.status_code == 401
    assert "This token expired on" in response.json()["message"]


def test_a_deactivated_users_token_is_refused(interviewer):
    _token, raw = token_create(owner=interviewer, name="t", scope="read", expires_in_days=7)
    interviewer.is_active = False
    interviewer.save()
    assert ApiClient(None, raw=raw).get("roles/").status_code == 401


def test_without_a_token_the_api_answers_401(client, db):
    response = client.get("/api/v1/loops/")
    assert response.status_code == 401
    assert response.json()["error"] == "unauthenticated"


def test_a_read_only_token_reads_but_never_writes():
    scenario = build_scenario()
    reader = ApiClient(scenario.interviewer, scope="read")
    before = db_state()

    assert reader.get(f"scorecards/{scenario.own_scorecard.pk}/").status_code == 200
    response = reader.put(f"scorecards/{scenario.own_scorecard.pk}/draft/", {"revision": 1, "key_takeaways": "x"})

    assert response.status_code == 403
    assert "read-only" in response.json()["message"]
    assert db_state() == before


def test_last_use_is_recorded_at_most_once_a_minute(interviewer, django_assert_num_queries):
    token, raw = token_create(owner=interviewer, name="t", scope="read", expires_in_days=7)
    now = timezone.now()

    token_authenticate(raw=raw, now=now)
    assert AccessToken.objects.get(pk=token.pk).last_used_at == now
    with django_assert_num_queries(1):  # the lookup only: no write within the minute
        token_authenticate(raw=raw, now=now + dt.timedelta(seconds=30))
    token_authenticate(raw=raw, now=now + dt.timedelta(seconds=61))
    assert AccessToken.objects.get(pk=token.pk).last_used_at == now + dt.timedelta(seconds=61)


def test_requests_are_rate_limited_per_token(settings, interviewer):
    settings.API_RATE = "3/minute"
    from django.core.cache import cache

    cache.clear()
    first, second = ApiClient(interviewer, scope="read"), ApiClient(interviewer, scope="read")

    statuses = [first.get("roles/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    assert first.get("roles/").json()["error"] == "throttled"
    assert second.get("roles/").status_code == 200  # another token has its own allowance
    cache.clear()


def test_the_stored_token_text_is_a_hash_and_a_prefix_only():
    token, raw = token_create(owner=UserFactory(), name="t", scope="read", expires_in_days=7)
    stored = " ".join(str(value) for value in AccessToken.objects.filter(pk=token.pk).values().get().values())
    assert raw not in stored
    assert raw.split("_", 2)[2] not in stored
