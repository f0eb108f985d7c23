"""Lighthouse's accessibility and best-practices scores of the main pages, signed in as each demo persona.

Run against a server holding the demo data (`make run`, or any server after `setup_demo`):

    .venv/bin/python scripts/lighthouse.py [BASE_URL]      # default http://127.0.0.1:8000

Each persona signs in through the login form (requests); Lighthouse (npm, a dev dependency) then loads
each page in Debian's Chromium with that session's cookie as an extra header: every persona's home, the
interviewer's scorecard, the hiring manager's debrief and the pipeline. Reports go to
artifacts/lighthouse/<page>.json; the table of scores and each failing audit are printed. Exit status 1
when a score is below --min (default 100).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

REPOSITORY = Path(__file__).resolve().parents[1]
LIGHTHOUSE = REPOSITORY / "node_modules" / ".bin" / "lighthouse"
REPORTS = REPOSITORY / "artifacts" / "lighthouse"
CATEGORIES = ("accessibility", "best-practices")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run"


@dataclass(frozen=True)
class Target:
    name: str
    persona: str
    path: str


def signed_in(base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    form = session.get(f"{base}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    if token is None:
        sys.exit(f"no login form at {base}/accounts/login/")
    answer = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=30,
    )
    if "sessionid" not in session.cookies:
        sys.exit(f"{username} could not sign in ({answer.status_code}): is the demo data loaded? (setup_demo)")
    return session


def first_link(session: requests.Session, url: str, pattern: str) -> str:
    """The first link on a page whose path matches ``pattern``: a scorecard to write, a debrief to read."""
    match = re.search(rf'href="({pattern})"', session.get(url, timeout=30).text)
    if match is None:
        sys.exit(f"no link matching {pattern} on {url}: is the demo data loaded? (setup_demo)")
    return match.group(1)


def targets(base: str, sessions: dict[str, requests.Session]) -> list[Target]:
    return [
        Target("interviewer-home", "interviewer", "/"),
        Target("scorecard", "interviewer", first_link(sessions["interviewer"], f"{base}/", r"/scorecards/\d+/")),
        Target("hiring-manager-home", "hiring-manager", "/"),
        Target("debrief", "hiring-manager", first_link(sessions["hiring-manager"], f"{base}/", r"/loops/\d+/debrief/")),
        Target("pipeline", "hiring-manager", "/loops/"),
        Target("recruiter-home", "recruiter", "/"),
        Target("staff-home", "admin", "/"),
    ]


def audit(base: str, target: Target, session: requests.Session) -> dict[str, Any]:
    REPORTS.mkdir(parents=True, exist_ok=True)
    report = REPORTS / f"{target.name}.json"
    cookie = "; ".join(f"{name}={value}" for name, value in session.cookies.items())
    subprocess.run(
        [
            str(LIGHTHOUSE),
            f"{base}{target.path}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={CHROME_FLAGS}",
            f"--extra-headers={json.dumps({'Cookie': cookie})}",
            "--output=json",
            f"--output-path={report}",
            "--quiet",
        ],
        check=True,
        env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
    )
    result: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return result


def failures(result: dict[str, Any]) -> list[str]:
    """Each weighed audit of the scored categories that did not pass, with Lighthouse's title."""
    found = []
    for category in CATEGORIES:
        for ref in result["categories"][category]["auditRefs"]:
            scored = result["audits"][ref["id"]]
            if ref["weight"] and scored.get("score") is not None and scored["score"] < 1:
                found.append(f"{category}: {ref['id']}: {scored['title']}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("--password", default=os.environ.get("DEMO_PASSWORD", "scorecards-demo"))
    parser.add_argument("--min", type=int, default=100, help="the lowest score that passes (default 100)")
    options = parser.parse_args()
    base = options.base.rstrip("/")
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is missing: run scripts/install.sh (npm ci installs it).")
    personas = ("interviewer", "hiring-manager", "recruiter", "admin")
    sessions = {persona: signed_in(base, persona, options.password) for persona in personas}
    below = False
    print(f"{'page':<22} {'accessibility':>13} {'best practices':>15}")
    for target in targets(base, sessions):
        result = audit(base, target, sessions[target.persona])
        scores = [round(result["categories"][category]["score"] * 100) for category in CATEGORIES]
        below |= min(scores) < options.min
        print(f"{target.name:<22} {scores[0]:>13} {scores[1]:>15}   {target.path}")
        for failure in failures(result):
            print(f"    {failure}")
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
