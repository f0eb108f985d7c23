"""The configured OpenID Connect provider: its settings and its discovery document.

Endpoints are never configured by hand: they come from the provider's discovery document
(`OIDC_DISCOVERY_URL`, or `OIDC_ISSUER` + `/.well-known/openid-configuration`), fetched on first
use and kept for the life of the process. Settings are read on every call, so tests (and a
configuration reload) can change them.
"""

from __future__ import annotations

import threading
from typing import Any

import requests
from django.conf import settings

# mozilla-django-oidc's setting name -> the discovery document's key.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}

_documents: dict[str, dict[str, Any]] = {}
_lock = threading.Lock()


class ProviderUnavailable(Exception):
    """The discovery document could not be fetched, or does not describe the configured issuer."""


def enabled() -> bool:
    return bool(settings.OIDC_ENABLED)


def display_name() -> str:
    return str(settings.OIDC_PROVIDER_NAME)


def discovery_url() -> str:
    return str(settings.OIDC_DISCOVERY_URL or settings.OIDC_ISSUER.rstrip("/") + "/.well-known/openid-configuration")


def metadata() -> dict[str, Any]:
    url = discovery_url()
    with _lock:
        document = _documents.get(url)
    if document is None:
        document = _fetch(url)
        with _lock:
            _documents[url] = document
    return document


def _fetch(url: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"discovery document {url}: {error}") from error
    if not isinstance(document, dict) or not all(isinstance(document.get(key), str) for key in ("issuer", "jwks_uri")):
        raise ProviderUnavailable(f"discovery document {url} names no issuer or jwks_uri")
    if settings.OIDC_ISSUER and document["issuer"] != settings.OIDC_ISSUER:
        raise ProviderUnavailable(f"discovery document {url} is for {document['issuer']}, not {settings.OIDC_ISSUER}")
    return document


def issuer() -> str:
    """The issuer every ID token must name: the configured one, else the discovery document's."""
    return settings.OIDC_ISSUER or str(metadata()["issuer"])


def setting(name: str, *default: Any) -> Any:
    """A mozilla-django-oidc setting, with the endpoints taken from the discovery document."""
    if name in ENDPOINTS:
        return metadata().get(ENDPOINTS[name])
    return getattr(settings, name, *default)


def end_session_endpoint() -> str | None:
    """Where RP-initiated logout goes, when the provider offers it."""
    try:
        value = metadata().get("end_session_endpoint")
    except ProviderUnavailable:
        return None
    return value if isinstance(value, str) else None
