"""Finishing touches on the generated OpenAPI document, so that it says what the API really does."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERRORS = {
    "400": "Malformed JSON, a wrong type, an unknown field, a NUL character or a bad query parameter.",
    "401": "No token, or an unknown, revoked or expired one.",
    "403": "Not allowed: another user's scorecard, a read-only token writing, a colleague's scores before yours.",
    "404": "No such object, or not one you can see.",
    "406": "The Accept header asks for something other than JSON.",
    "409": "Conflict: the scorecard was saved since the revision you sent, or the loop already has a decision.",
    "413": "The request body is larger than the server takes (DATA_UPLOAD_MAX_MEMORY_SIZE); nothing was saved.",
    "415": "The request body is not JSON.",
    "422": "Well-formed, but against a rule of the app (a score outside the scale, missing evidence…).",
    "429": "Too many requests for this token; retry after the Retry-After header's seconds.",
}
READ_ERRORS = ("400", "401", "403", "404", "406", "429")
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "message", "fields"],
    "properties": {
        "error": {"type": "string", "description": "A stable code: invalid, unauthenticated, forbidden, …"},
        "message": {"type": "string", "description": "What went wrong, in a sentence; nothing was saved."},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Messages by field, e.g. ratings.0.score or score_12.",
        },
        "revision": {"type": "integer", "description": "On a scorecard conflict: the current revision."},
    },
}


def postprocess(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Declare the JSON error answers on every operation, and refuse unknown fields in every request body."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    for name, schema in schemas.items():
        if name.endswith("Request") and schema.get("type") == "object":
            schema["additionalProperties"] = False
        _defaults_that_fit(schema)
        if name.endswith("Request"):
            _no_nul_characters(schema)
    for url, path in result.get("paths", {}).items():
        for method, operation in path.items():
            for parameter in operation.get("parameters", []):
                _no_nul_characters(parameter.get("schema"))
            codes = READ_ERRORS if method == "get" else tuple(ERRORS)
            if method == "get" and ("/exports/" in url or url.endswith("/hiring-health/")):
                codes = (*codes, "422")  # a filter naming no role or manager, or ending before it starts
            for code in codes:
                operation["responses"].setdefault(
                    code,
                    {
                        "description": ERRORS[code],
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
    return result


NO_NUL = "^[^\\u0000]*$"


def _no_nul_characters(node: Any) -> None:
    """Every free-text string refuses NUL characters (a 400: PostgreSQL cannot store them): say so, as a pattern
    on each string of a request body or query that has no format, enum or pattern of its own."""
    if isinstance(node, list):
        for item in node:
            _no_nul_characters(item)
        return
    if not isinstance(node, dict):
        return
    if node.get("type") == "string" and not {"format", "enum", "pattern"} & set(node):
        node["pattern"] = NO_NUL
    for value in node.values():
        _no_nul_characters(value)


def _defaults_that_fit(node: Any) -> None:
    """A blank-allowed field with a format (an email that may be "") is generated as oneOf [format, blank],
    with the default "" inside the format branch, where it does not fit. Put the default on the field, and
    make it anyOf: without format checking "" matches both branches, which oneOf forbids."""
    if isinstance(node, list):
        for item in node:
            _defaults_that_fit(item)
        return
    if not isinstance(node, dict):
        return
    branches = node.get("oneOf")
    if isinstance(branches, list) and any(branch.get("maxLength") == 0 for branch in branches):
        for branch in branches:
            if "default" in branch:
                node.setdefault("default", branch.pop("default"))
        node["anyOf"] = node.pop("oneOf")
    for value in node.values():
        _defaults_that_fit(value)


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "api.authentication.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token from /settings/tokens/ (read-only or read-write).",
        }
