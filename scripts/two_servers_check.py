"""The scale-out scenario of scripts/two_servers.sh, over HTTP: sign in on server A, save a draft
on A, open the scorecard on server B with the same session cookie and submit it there; the API's
rate limit counts the requests of both servers together; signing out on B ends the session on A.

    python scripts/two_servers_check.py --a URL --b URL --target draft.json --password P --api-rate N

Exits 0 when every HTTP step answered as expected (the shell then checks the database).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from webclient import Session

REVISION_INPUT = re.compile(r'name="revision" value="(\d+)"')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def step(ok: bool, message: str) -> None:
    sys.stdout.write(f"  [{'ok' if ok else 'FAILED'}] {message}\n")
    if not ok:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--a", required=True, help="base URL of server A")
    parser.add_argument("--b", required=True, help="base URL of server B")
    parser.add_argument("--target", type=Path, required=True, help="JSON from seeded_targets.py draft")
    parser.add_argument("--password", required=True)
    parser.add_argument("--api-rate", type=int, required=True, help="the servers' API_RATE, per minute")
    args = parser.parse_args()
    target = json.loads(args.target.read_text())
    card, fields = target["scorecard"], target["fields"]
    page = f"/scorecards/{card}/"

    a = Session(args.a)
    a.login(username=target["username"], password=args.password)
    step(True, f"signed in on A ({args.a}) as {target['username']}")

    saved = a.post(f"{page}autosave/", {"revision": str(target["revision"]), **fields}, ajax=True)
    revision = json.loads(saved.body).get("revision") if saved.status == 200 else None
    step(
        saved.status == 200 and revision == target["revision"] + 1,
        f"draft saved on A: HTTP {saved.status}, revision {target['revision']} -> {revision}",
    )

    b = Session(args.b, cookies=dict(a.cookies))
    form = b.get(page)
    shown = REVISION_INPUT.search(form.body)
    evidence = next(value for key, value in fields.items() if key.startswith("evidence_"))
    step(form.status == 200, f"scorecard page on B ({args.b}) with A's session cookie: HTTP {form.status}")
    step(
        bool(shown) and int(shown.group(1)) == revision and evidence in form.body,
        f"B shows the draft saved on A (revision {shown.group(1) if shown else '?'}, evidence text present)",
    )

    token = CSRF_INPUT.search(form.body)
    submit = {
        **fields,
        "revision": shown.group(1),
        "recommendation": "yes",
        "action": "submit",
        "csrfmiddlewaretoken": token.group(1) if token else "",
    }
    answer = b.post(page, submit)
    location = answer.headers.get("Location", "")
    # A submit leads on to the interviewer's next scorecard to write (scorecard_next), which redirects in turn.
    step(
        answer.status == 302 and location.endswith("/scorecards/next/"),
        f"submitted on B: HTTP {answer.status} -> {location}",
    )
    after = b.get(page)
    step(after.status == 200 and "Scorecard · Submitted" in after.body, "B shows the scorecard as submitted")
    again = a.get(page)
    step(again.status == 200 and "Scorecard · Submitted" in again.body, "A shows it submitted too (shared database)")

    api_rate_is_shared(args.a, args.b, token=target["token"], rate=args.api_rate)

    signed_out = b.post("/accounts/logout/", {"csrfmiddlewaretoken": _csrf(b.get("/"))})
    step(signed_out.status == 302, f"signed out on B: HTTP {signed_out.status}")
    after_sign_out = a.get(page)
    step(
        after_sign_out.status == 302 and "/accounts/login/" in after_sign_out.headers.get("Location", ""),
        f"A no longer accepts the session at once: HTTP {after_sign_out.status} -> login",
    )


def _csrf(page: object) -> str:
    token = CSRF_INPUT.search(getattr(page, "body", ""))
    return token.group(1) if token else ""


def api_rate_is_shared(a_url: str, b_url: str, *, token: str, rate: int) -> None:
    """API_RATE requests spread over both servers use up the token's allowance: the next one, on either, is refused."""
    headers = {"Authorization": f"Bearer {token}"}
    servers = [Session(a_url), Session(b_url)]
    answers = [servers[n % 2].get("/api/v1/roles/", headers=headers).status for n in range(rate)]
    step(answers == [200] * rate, f"{rate} API requests, alternating A and B, answered: {answers}")
    over = servers[0].get("/api/v1/roles/", headers=headers).status
    step(over == 429, f"request {rate + 1} (on A) is over the shared limit: HTTP {over}")


if __name__ == "__main__":
    main()
