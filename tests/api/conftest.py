from __future__ import annotations

import pytest

from tests.api import ApiClient


@pytest.fixture
def api():
    """api(user, scope="write") -> an ApiClient with a fresh token of that user."""

    def _api(user, scope: str = "write") -> ApiClient:
        return ApiClient(user, scope)

    return _api
