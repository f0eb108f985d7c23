"""Time each rubric document of tests/roles/blueprints/ from upload to a published role, through the real pages.

    .venv/bin/python -m devtools.import_timings [--headed] [FILE ...]

A measurement, not a test: it makes a throwaway SQLite database (the configured one is never touched), migrates it,
serves the app on a free local port and drives Debian's Chromium with Playwright as a role editor would: the import
page, Upload and preview, Open in the editor, Publish as a new role. Per document it prints the machine's time from
choosing the file to the published kit, the import's review list as the editor shows it, whether the publish was
refused (and what for: each refusal is a correction a person must make), and any document markup left in the
published kit (`<br>`, table rules, template tags: each one a correction too). The corrections a person must make
beyond those come from reading the review list against the document (docs/ROLE_FIXTURES.md); the machine's time is
a lower bound on a recruiter's, who also reads the review list and the preview.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
BLUEPRINTS = REPOSITORY / "tests" / "roles" / "blueprints"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "timings-only-password"
TIMEOUT_MS = 30_000
# What a published kit must not show: markup the document carried that the import should have read, not kept.
LEFTOVERS = re.compile(r"<br\s*/?>|\|\s*-{1,}\s*\||\{%|%\}|\{\{|^\s*-{3,}\s*$|\*\*|`", re.MULTILINE)


@dataclass
class Timing:
    document: str
    seconds: float = 0.0
    published: str = ""  # the published role's title and version, empty when refused
    review: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)


def _setup(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_DEBUG"] = "true"  # devtools, and static files served from static/
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _editor_user() -> str:
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("timings", password=PASSWORD, first_name="Tim", last_name="Ings")
    user.groups.add(Group.objects.get_or_create(name="Role editors")[0])
    return user.username


def _measure(files: list[Path], *, headed: bool) -> list[Timing]:
    from django.test.testcases import LiveServerThread, _StaticFilesHandler
    from playwright.sync_api import expect, sync_playwright

    username = _editor_user()
    server = LiveServerThread("localhost", _StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    base = f"http://localhost:{server.port}"
    timings = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=not headed, args=["--no-sandbox", "--disable-gpu"]
            )
            context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900}, locale="en-GB")
            context.set_default_timeout(TIMEOUT_MS)
            expect.set_options(timeout=TIMEOUT_MS)
            page = context.new_page()
            page.goto("/accounts/login/")
            page.locator("#id_username").fill(username)
            page.locator("#id_password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_load_state()
            for path in files:
                timing = Timing(path.name)
                page.goto("/roles/import/")
                start = time.perf_counter()
                page.locator("input[type=file]").set_input_files(str(path))
                page.get_by_role("button", name="Upload and preview").click()
                page.get_by_role("button", name="Open in the editor").click()
                expect(page.locator("#role-editor")).to_be_visible()
                review = page.locator("#review-heading").locator("..").locator("li")
                timing.review = [" ".join(text.split()) for text in review.all_inner_texts()]
                page.get_by_role("button", name=re.compile("^Publish as")).click()
                page.wait_for_load_state()
                timing.seconds = time.perf_counter() - start
                if page.locator("#role-editor").count():  # still in the editor: refused
                    timing.refused = [
                        " ".join(text.split())
                        for text in page.locator(".invalid-feedback, .alert-danger").all_inner_texts()
                        if text.strip()
                    ]
                else:
                    heading = page.get_by_role("heading", level=1).inner_text()
                    version = page.locator("article.kit header p.small").first.inner_text()
                    timing.published = f"{heading} ({version.split('·')[0].strip()})"
                    timing.leftovers = sorted(set(LEFTOVERS.findall(page.locator("article.kit").inner_text())))
                timings.append(timing)
            browser.close()
    finally:
        server.terminate()
    return timings


def _report(timings: list[Timing]) -> str:
    lines = []
    for timing in timings:
        lines.append(f"== {timing.document}: {timing.seconds:.2f} s, {timing.published or 'REFUSED'}")
        for item in timing.review:
            lines.append(f"   review: {item}")
        for item in timing.refused:
            lines.append(f"   refused: {item}")
        for item in timing.leftovers:
            lines.append(f"   markup left in the kit: {item!r}")
    lines.append("")
    lines.append("| document | machine time, upload to published | review items | refused | markup left |")
    lines.append("| --- | ---: | ---: | --- | --- |")
    for timing in timings:
        lines.append(
            f"| `{timing.document}` | {timing.seconds:.1f} s | {len(timing.review)} | "
            f"{'; '.join(timing.refused) or 'no'} | {', '.join(map(repr, timing.leftovers)) or 'none'} |"
        )
    seconds = [timing.seconds for timing in timings]
    if seconds:
        lines.append("")
        lines.append(f"median {statistics.median(seconds):.1f} s, slowest {max(seconds):.1f} s over {len(seconds)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("files", nargs="*", type=Path, help="documents to time (default: every test blueprint)")
    parser.add_argument("--headed", action="store_true", help="show the browser")
    args = parser.parse_args(argv)
    files = args.files or sorted(path for path in BLUEPRINTS.iterdir() if path.is_file())
    with tempfile.TemporaryDirectory(prefix="import-timings-") as folder:
        _setup(Path(folder) / "timings.sqlite3")
        print(_report(_measure(files, headed=args.headed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
