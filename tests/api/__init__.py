"""Tests of the JSON API (issue 19): tokens, endpoints, errors, access, schema."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.models import User
from django.test import Client

from api.services import token_create


class ApiClient:
    """A client that speaks JSON to /api/v1/ with a real personal access token."""

    def __init__(self, user: User | None, scope: str = "write", raw: str | None = None) -> None:
        self.client = Client()
        self.raw = raw
        if raw is None and user is not None:
            self.token, self.raw = token_create(owner=user, name="test", scope=scope, expires_in_days=30)

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.raw}"} if self.raw else {}

    def get(self, path: str, params: dict[str, Any] | None = None):
        return self.client.get(f"/api/v1/{path}", params or {}, headers=self._headers())

    def send(self, method: str, path: str, body: Any = None, *, raw: str | None = None):
        data = raw if raw is not None else json.dumps(body)
        call = getattr(self.client, method.lower())
        return call(f"/api/v1/{path}", data, content_type="application/json", headers=self._headers())

    def post(self, path: str, body: Any = None, **kwargs: Any):
        return self.send("POST", path, body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any):
        return self.send("PUT", path, body, **kwargs)
