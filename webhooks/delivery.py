"""Sending one delivery: allow-list and address checks (no SSRF), the signed POST, retries with back-off.

A URL's host must be listed in WEBHOOK_ALLOWED_HOSTS (a name, ".example.com" for its subdomains, or an
IP address or network). The host is resolved once; an address that is private, loopback, link-local,
reserved or multicast is refused unless it is itself inside an allow-listed address or network. The
request goes to the address that was checked (no second lookup), follows no redirect and times out.
"""

from __future__ import annotations

import datetime as dt
import http.client
import ipaddress
import json
import socket
import ssl
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from webhooks.models import WebhookDelivery
from webhooks.signing import HEADER, signature

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class DeliveryRefused(Exception):
    """This URL may not be called; never retried."""


def _networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks = []
    for entry in settings.WEBHOOK_ALLOWED_HOSTS:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            continue
    return networks


def _host_listed(host: str) -> bool:
    for entry in settings.WEBHOOK_ALLOWED_HOSTS:
        entry = entry.lower()
        if host == entry or (entry.startswith(".") and host.endswith(entry)):
            return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in _networks())


def _public(address: Address) -> bool:
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )


def url_check(url: str, *, resolve: bool = True) -> tuple[str, str, int, str | None]:
    """(scheme, host, port, address to connect to) for an allowed URL; DeliveryRefused says why not."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise DeliveryRefused("Only http and https URLs with a host can receive webhooks.")
    if parts.username or parts.password:
        raise DeliveryRefused("Webhook URLs may not hold a user name or password.")
    if not _host_listed(host):
        raise DeliveryRefused(f"{host} is not in WEBHOOK_ALLOWED_HOSTS.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise DeliveryRefused("The URL's port is not a number between 0 and 65535.") from None
    if not resolve:
        return parts.scheme, host, port, None
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise DeliveryRefused(f"{host} does not resolve: {error}.") from None
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    networks = _networks()
    for address in addresses:
        if not _public(address) and not any(address in network for network in networks):
            raise DeliveryRefused(f"{host} resolves to {address}, a private or local address that is not allow-listed.")
    return parts.scheme, host, port, str(addresses[0])


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
