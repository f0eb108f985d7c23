from __future__ import annotations

from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The project package as an app, so that its deployment checks are registered (``config.checks``)."""

    name = "config"
    verbose_name = "Configuration"

    def ready(self) -> None:
        from config import checks  # noqa: F401  (registers the checks)
