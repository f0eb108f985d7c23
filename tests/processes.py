"""Running manage.py in a child process, for what must be seen from outside the test's own process:
start-up checks under another environment, exit codes, a database left as it was."""

from __future__ import annotations

import subprocess
import sys

from django.conf import settings


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
