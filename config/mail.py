"""The mail configuration, built from the environment into Django 6.1's ``MAILERS`` setting.

Two ways to say where reminders go, never both:

- ``EMAIL_URL``: one URL, as django-environ reads it, e.g. ``smtp+tls://user:password@smtp.example.com:587``
  (``smtp+ssl://`` for implicit TLS on 465; ``consolemail://`` prints mail, for development);
- or ``EMAIL_HOST`` with ``EMAIL_PORT``, ``EMAIL_HOST_USER``, ``EMAIL_HOST_PASSWORD``,
  ``EMAIL_USE_TLS`` / ``EMAIL_USE_SSL`` and ``EMAIL_TIMEOUT``: the SMTP backend with those options.

``DJANGO_EMAIL_BACKEND`` still names a backend class (dotted path); with neither of the above it
defaults to the console. ``check --deploy`` builds the connection object from the result
(``config.checks``), so a value that cannot work is reported before the first reminder is due.
"""

from __future__ import annotations

from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"

# django-environ's names -> the SMTP backend's keyword arguments (MAILERS "OPTIONS").
_SMTP_OPTIONS = {
    "EMAIL_HOST": "host",
    "EMAIL_PORT": "port",
    "EMAIL_HOST_USER": "username",
    "EMAIL_HOST_PASSWORD": "password",
    "EMAIL_USE_TLS": "use_tls",
    "EMAIL_USE_SSL": "use_ssl",
    "EMAIL_TIMEOUT": "timeout",
}


class MailConfigError(ImproperlyConfigured):
    """The mail variables contradict each other or cannot be read."""


def _from_url(env: environ.Env) -> dict[str, Any]:
    try:
        parsed = env.email_url("EMAIL_URL")
    except Exception as error:  # django-environ raises ImproperlyConfigured or ValueError
        raise MailConfigError(f"EMAIL_URL cannot be read: {error}") from error
    backend = parsed["EMAIL_BACKEND"]
    if backend != SMTP_BACKEND:
        return {"BACKEND": backend}
    options = {name: parsed[key] for key, name in _SMTP_OPTIONS.items() if parsed.get(key) not in (None, "")}
    options.setdefault("timeout", 30)
    return {"BACKEND": backend, "OPTIONS": options}


def _from_host(env: environ.Env) -> dict[str, Any]:
    options: dict[str, Any] = {
        "host": env.str("EMAIL_HOST"),
        "port": env.int("EMAIL_PORT", default=587),
        "use_tls": env.bool("EMAIL_USE_TLS", default=True),
        "use_ssl": env.bool("EMAIL_USE_SSL", default=False),
        "timeout": env.int("EMAIL_TIMEOUT", default=30),
    }
    if options["use_ssl"]:
        options["use_tls"] = env.bool("EMAIL_USE_TLS", default=False)
    if env.str("EMAIL_HOST_USER", default=""):
        options["username"] = env.str("EMAIL_HOST_USER")
        options["password"] = env.str("EMAIL_HOST_PASSWORD", default="")
    return {"BACKEND": SMTP_BACKEND, "OPTIONS": options}


def default_mailer(env: environ.Env) -> dict[str, Any]:
    """The ``MAILERS["default"]`` entry that the environment describes."""
    chosen = [name for name in ("EMAIL_URL", "EMAIL_HOST") if env.str(name, default="")]
    if len(chosen) > 1:
        raise MailConfigError("Set EMAIL_URL or EMAIL_HOST (with its EMAIL_* variables), not both.")
    if chosen == ["EMAIL_URL"]:
        return _from_url(env)
    if chosen == ["EMAIL_HOST"]:
        return _from_host(env)
    return {"BACKEND": env.str("DJANGO_EMAIL_BACKEND", default=CONSOLE_BACKEND)}
