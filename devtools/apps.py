from __future__ import annotations

from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Development-only tooling: the bulk data generator, `seed_loops` and `bench`.

    Installed only while DJANGO_DEBUG is on (config/settings.py), so production servers
    ship none of its commands.
    """

    name = "devtools"
    verbose_name = "Development tools"
