"""Which webhook URLs may be called: the allow-list and address checks (no SSRF).

A URL's host must be listed in WEBHOOK_ALLOWED_HOSTS (a name, ".example.com" for its subdomains, or an
IP address or network). The host is resolved once; an address that is private, loopback, link-local,
reserved or multicast is refused unless it is itself inside an allow-listed address or network.
Used by the endpoint's validation (without resolving) and by each delivery (`webhooks.delivery`).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

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
