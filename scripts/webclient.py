"""A tiny HTTP session for the load-test and scale-out scripts (standard library only).

Cookies are kept by hand rather than with http.cookiejar: production settings mark the
session and CSRF cookies Secure, and a cookie jar would not send them back over the plain
HTTP these scripts use against 127.0.0.1.

    python scripts/webclient.py login --base http://127.0.0.1:8000 --username U --password P

prints two lines, `COOKIE=<Cookie header value>` and `CSRF=<token>`, for a shell to eval.
"""

from __future__ import annotations

import argparse
import http.client
import re
import shlex
import sys
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str


@dataclass
class Session:
    base: str
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    @property
    def csrf(self) -> str:
        return self.cookies.get("csrftoken", "")

    def request(
        self,
        method: str,
        path: str,
        *,
        form: dict[str, str] | None = None,
        ajax: bool = False,
        headers: dict[str, str] | None = None,
    ) -> Response:
        url = urllib.parse.urlsplit(self.base)
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = self.cookie_header
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.csrf
        if ajax:
            headers["Accept"] = "application/json"
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            text = raw.read().decode("utf-8", "replace")
            for header in raw.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel.value:
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)
            return Response(raw.status, dict(raw.headers.items()), text)
        finally:
            connection.close()

    def get(self, path: str, *, headers: dict[str, str] | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, form: dict[str, str], *, ajax: bool = False) -> Response:
        return self.request("POST", path, form=form, ajax=ajax)

    def login(self, *, username: str, password: str) -> None:
        """Sign in through the real login form (CSRF token from the page, then POST)."""
        page = self.get("/accounts/login/")
        match = CSRF_INPUT.search(page.body)
        if page.status != 200 or not match:
            raise SystemExit(f"login page answered {page.status} without a CSRF token")
        form = {"username": username, "password": password, "csrfmiddlewaretoken": match.group(1), "next": "/"}
        answer = self.post("/accounts/login/", form)
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"login as {username} failed: HTTP {answer.status}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["login"])
    parser.add_argument("--base", required=True)
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    args = parser.parse_args()
    session = Session(args.base)
    session.login(username=args.username, password=args.password)
    sys.stdout.write(f"COOKIE={shlex.quote(session.cookie_header)}\nCSRF={shlex.quote(session.csrf)}\n")


if __name__ == "__main__":
    main()
