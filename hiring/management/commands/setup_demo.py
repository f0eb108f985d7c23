from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from hiring.demo import demo_accounts_create, demo_loops_create


class Command(BaseCommand):
    help = "Create the demo accounts and demo loops (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        password = settings.DEMO_PASSWORD
        users = demo_accounts_create(password=password)
        loops = demo_loops_create(users=users)
        self.stdout.write(self.style.SUCCESS(f"Demo accounts ready: {', '.join(users)}"))
        self.stdout.write(self.style.SUCCESS(f"Password for every demo account: {password}"))
        if loops:
            self.stdout.write(f"Created {loops} demo loops.")
        self.stdout.write("Open http://127.0.0.1:8000/ and log in.")
