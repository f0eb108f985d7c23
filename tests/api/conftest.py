from __future__ import annotations

import pytest

from tests.api import ApiClient


@pytest.fixture
def api():
    """api(user, scope="write") -> an ApiClient with a fresh token of that user."""

    def _api(user, scope: str = "write") -> ApiClient:
        return ApiClient(user, scope)

    return _api


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give each operation schemathesis collects its own test id.

    `schema.parametrize()` names each item after its operation (`test…[GET /api/v1/roles/]`) but leaves the
    bare function's id on all of them; pytest-xdist schedules by id, so on several workers all operations
    but one were silently dropped. The id gets the item's name, as pytest's own parametrize gives it.
    """
    for item in items:
        label = getattr(item, "operation_label", None)
        if type(item).__name__ == "SchemathesisFunction" and label and not item.nodeid.endswith("]"):
            item._id = item._id.with_params(label)  # pytest 9's structured id; the string id follows it
