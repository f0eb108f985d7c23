from __future__ import annotations

from django.apps import AppConfig
from django.db.backends.signals import connection_created

from hiring.percentiles import sqlite_percentile_register


class HiringConfig(AppConfig):
    name = "hiring"
    verbose_name = "Hiring"

    def ready(self) -> None:
        connection_created.connect(sqlite_percentile_register, dispatch_uid="hiring.percentiles")
        from hiring import receivers  # the models are ready only now

        receivers.connect()
