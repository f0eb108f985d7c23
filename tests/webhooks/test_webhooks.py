"""Webhooks: signed deliveries by the worker, retries with back-off, the allow-list, and events from hiring."""

from __future__ import annotations

import datetime as dt
import http.server
import importlib.util
import json
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError

from hiring.models import Scorecard
from tests.api import ApiClient
from tests.security.scenario import build_scenario
from webhooks.delivery import retry_delay
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.services import deliveries_enqueue
from webhooks.signing import signature

pytestmark = pytest.mark.django_db
SECRET = "whsec_test-secret"


def _example():
    """docs/webhook_verify.py, the verification example the README points receivers to."""
    path = Path(django_settings.BASE_DIR) / "docs" / "webhook_verify.py"
    spec = importlib.util.spec_from_file_location("webhook_verify", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Receiver:
    """A local HTTP endpoint on 127.0.0.1 that answers the given statuses in turn and records each request."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = list(statuses)
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append((self.path, dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *args: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def local(settings) -> None:
    """The local test endpoint allow-listed, retries without waiting."""
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.WEBHOOK_RETRY_BASE = 0
    settings.WEBHOOK_TIMEOUT = 2


def _endpoint(url: str, events: list[str] | None = None) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(url=url, events=events or ["scorecard.submitted"], secret=SECRET)


def test_the_signature_verifies_with_the_documented_example():
    verify = _example().verify
    body = b'{"event":"scorecard.submitted"}'
    now = int(time.time())
    header = signature(secret=SECRET, timestamp=now, body=body)

    assert header.startswith(f"t={now},v1=")
    assert verify(secret=SECRET, header=header, body=body)
    assert not verify(secret=SECRET, header=header, body=body + b" ")
    assert not verify(secret="whsec_other", header=header, body=body)
    assert not verify(secret=SECRET, header=header, body=body, now=now + 301)  # a replay, too late
    assert not verify(secret=SECRET, header="v1=abc", body=body)


def test_a_failing_endpoint_is_retried_until_it_accepts_and_every_attempt_is_signed(local, work):
    verify = _example().verify
    with Receiver([500, 503, 200]) as receiver:
        _endpoint(receiver.url)
        [delivery] = deliveries_enqueue(event="scorecard.submitted", data={"scorecard": 7})
        assert receiver.requests == []  # enqueued only: the worker sends

        work()

    assert len(receiver.requests) == 3
    for path, headers, body in receiver.requests:
        assert path == "/hook"
        assert headers["Scorecards-Event"] == "scorecard.submitted"
        assert verify(secret=SECRET, header=headers["Scorecards-Signature"], body=body)
        assert json.loads(body)["data"] == {"scorecard": 7}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 3, 200)


def test_an_endpoint_that_never_accepts_is_given_up_after_the_last_attempt(local, work, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    with Receiver([500] * 5) as receiver:
        _endpoint(receiver.url)
        [delivery] = deliveries_enqueue(event="scorecard.submitted", data={})
        work()

    delivery.refresh_from_db()
    assert len(receiver.requests) == 3
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("failed", 3, "HTTP 500")


def test_a_redirect_is_not_followed(local, work, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    with Receiver([302]) as receiver:
        _endpoint(receiver.url)
        [delivery] = deliveries_enqueue(event="scorecard.submitted", data={})
        work()

    assert [path for path, _headers, _body in receiver.requests] == ["/hook"]
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert "redirects are not followed" in delivery.last_error


@pytest.mark.parametrize(
    ("allowed", "url", "why"),
    [
        ([], "http://127.0.0.1:{port}/hook", "is not in WEBHOOK_ALLOWED_HOSTS"),
        (["localhost"], "http://localhost:{port}/hook", "a private or local address"),  # listed name, loopback address
        (["127.0.0.1"], "http://169.254.169.254/latest/meta-data", "is not in WEBHOOK_ALLOWED_HOSTS"),
        (["169.254.169.254"], "http://[::1]:{port}/hook", "is not in WEBHOOK_ALLOWED_HOSTS"),
    ],
)
def test_addresses_outside_the_allow_list_are_never_called(settings, work, allowed, url, why):
    settings.WEBHOOK_ALLOWED_HOSTS = allowed
    with Receiver([200]) as receiver:
        port = receiver.server.server_address[1]
        WebhookEndpoint.objects.bulk_create([WebhookEndpoint(url=url.format(port=port), events=["loop.completed"])])
        [delivery] = deliveries_enqueue(event="loop.completed", data={})
        work()

    assert receiver.requests == []
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert why in delivery.last_error


def test_an_endpoint_is_registered_only_for_known_events_on_an_allowed_host(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = [".ats.example"]
    WebhookEndpoint(url="https://hooks.ats.example/in", events=["decision.recorded"]).full_clean()
    with pytest.raises(ValidationError, match="WEBHOOK_ALLOWED_HOSTS"):
        WebhookEndpoint(url="https://evil.example/in", events=["decision.recorded"]).full_clean()
    with pytest.raises(ValidationError, match="Choose events"):
        WebhookEndpoint(url="https://hooks.ats.example/in", events=["scorecard.deleted"]).full_clean()


def test_submitting_through_the_api_only_enqueues_and_the_worker_delivers_the_events(
    local, work, django_capture_on_commit_callbacks
):
    scenario = build_scenario()
    with Receiver([]) as receiver:
        _endpoint(receiver.url, ["scorecard.submitted", "loop.completed", "decision.recorded"])
        client = ApiClient(scenario.interviewer)
        dimensions = scenario.rubric.dimensions.order_by("position")
        body = {
            "revision": Scorecard.objects.get(pk=scenario.own_scorecard.pk).revision,
            "ratings": [{"dimension": d.pk, "score": 3, "evidence": "Seen."} for d in dimensions],
            "recommendation": "yes",
        }
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"scorecards/{scenario.own_scorecard.pk}/submit/", body)
        assert response.status_code == 200
        assert receiver.requests == []
        assert set(WebhookDelivery.objects.values_list("event", "status")) == {
            ("scorecard.submitted", "pending"),
            ("loop.completed", "pending"),
        }
        with django_capture_on_commit_callbacks(execute=True):
            decided = ApiClient(scenario.hiring_manager).post(
                f"loops/{scenario.loop.pk}/decision/",
                {"outcome": "hire", "rationale": "Strong.", "override_reason": "Seen more than the rule."},
            )
        assert decided.status_code == 201

        work()

    events = {json.loads(body)["event"]: json.loads(body)["data"] for _path, _headers, body in receiver.requests}
    assert events["scorecard.submitted"]["scorecard"] == scenario.own_scorecard.pk
    assert events["loop.completed"]["loop"] == scenario.loop.pk
    assert events["decision.recorded"]["outcome"] == "hire"
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"succeeded"}


def test_retries_back_off_exponentially(settings):
    settings.WEBHOOK_RETRY_BASE = 30
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [dt.timedelta(seconds=s) for s in (30, 60, 120, 240)]
