"""Sending one delivery: the signed POST to the address `url_check` allowed, retries with back-off.

The request goes to the address that was checked (no second lookup), follows no redirect and times out.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import socket
import ssl
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from webhooks.addresses import DeliveryRefused, url_check
from webhooks.models import WebhookDelivery
from webhooks.signing import HEADER, signature


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to an address already checked, with the certificate verified for the URL's host name."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    scheme, host, port, address = url_check(url)
    assert address is not None
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    timeout = settings.WEBHOOK_TIMEOUT
    if scheme == "https":
        connection: http.client.HTTPConnection = _PinnedHTTPSConnection(host, port, address, timeout)
    else:
        connection = http.client.HTTPConnection(address, port, timeout=timeout)
    try:
        connection.request("POST", path, body=body, headers={**headers, "Host": parts.netloc.rsplit("@", 1)[-1]})
        response = connection.getresponse()
        response.read(64 * 1024)
        return response.status
    finally:
        connection.close()


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential back-off: WEBHOOK_RETRY_BASE seconds after the first failure, doubling each time."""
    return dt.timedelta(seconds=settings.WEBHOOK_RETRY_BASE * 2 ** (attempts - 1))


def delivery_attempt(*, delivery: WebhookDelivery) -> dt.datetime | None:
    """Try one delivery; returns when to try again, or None when it is finished (delivered or given up)."""
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Scorecards-Webhooks/1",
        "Scorecards-Event": delivery.event,
        "Scorecards-Delivery": str(delivery.pk),
        HEADER: signature(secret=delivery.endpoint.secret, timestamp=int(time.time()), body=body),
    }
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_attempt_at = now
    retry_at = None
    try:
        status = _post(delivery.endpoint.url, body, headers)
    except DeliveryRefused as refused:
        delivery.status, delivery.last_error, delivery.last_status_code = (
            WebhookDelivery.Status.FAILED,
            str(refused),
            None,
        )
    except (OSError, http.client.HTTPException) as error:
        delivery.last_error, delivery.last_status_code = f"{type(error).__name__}: {error}", None
        retry_at = now + retry_delay(delivery.attempts)
    else:
        delivery.last_status_code = status
        if 200 <= status < 300:
            delivery.status, delivery.delivered_at, delivery.last_error = WebhookDelivery.Status.SUCCEEDED, now, ""
        else:
            delivery.last_error = f"HTTP {status}" + (" (redirects are not followed)" if 300 <= status < 400 else "")
            retry_at = now + retry_delay(delivery.attempts)
    if retry_at is not None and delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status, retry_at = WebhookDelivery.Status.FAILED, None
    delivery.next_attempt_at = retry_at
    delivery.save()
    return retry_at
