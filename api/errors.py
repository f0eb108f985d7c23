"""Every API error is JSON: {"error": code, "message": sentence, "fields": {field: [messages]}}.

Shape problems (malformed JSON, wrong types, unknown fields) are 400; a well-formed request that
breaks a rule of the app (a score outside the scale, missing evidence at the ends of the scale,
a decided loop) is 422, with the same messages as the web forms.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from hiring.forms import problem_field
from hiring.services.decisions import DecisionConflict
from hiring.services.outcomes import OutcomesRefused
from hiring.services.refusals import InputRefused
from hiring.services.scorecards import ScorecardConflict

CODES = {
    400: "invalid",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "rule_broken",
    429: "throttled",
}
NOT_FOUND = "No such object, or not one you can see."


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"ratings.0.score": ["…"]}."""
    if isinstance(detail, dict):
        fields: dict[str, list[str]] = {}
        for key, value in detail.items():
            if key == "non_field_errors":
                fields.update(_flatten(value, prefix or "__all__"))
            else:
                fields.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return fields
    if isinstance(detail, list) and detail and all(isinstance(item, str) for item in detail):
        return {prefix or "__all__": [str(item) for item in detail]}
    if isinstance(detail, list):
        fields = {}
        for index, value in enumerate(detail):
            fields.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return fields
    return {prefix or "__all__": [str(detail)]}


def error_response(
    status_code: int, message: str, fields: dict[str, list[str]] | None = None, **extra: Any
) -> Response:
    body: dict[str, Any] = {"error": CODES.get(status_code, "error"), "message": message, "fields": fields or {}}
    body.update(extra)
    return Response(body, status=status_code)


def _outcome_fields(refused: OutcomesRefused) -> dict[str, list[str]]:
    """Refused outcomes by their place in the request's list (``outcomes[0].rating``; the input as a whole: __all__)."""
    fields: dict[str, list[str]] = {}
    for problem in refused.problems:
        key = f"outcomes[{problem.row - 1}].{problem.column}" if problem.row and problem.column else "__all__"
        fields.setdefault(key, []).append(str(problem))
    return fields


def _problem_fields(refused: InputRefused) -> dict[str, list[str]]:
    """A refused input's problems by the web form's field names ("__all__" for the input as a whole)."""
    fields: dict[str, list[str]] = {}
    for problem in refused.problems:
        fields.setdefault(problem_field(problem) or "__all__", []).append(problem.message)
    return fields


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, RequestDataTooBig):  # else Django's HTML 400 page
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return error_response(413, f"The request body is larger than {limit:,} bytes; nothing was saved.")
    if isinstance(exc, ScorecardConflict):
        return error_response(409, str(exc), revision=exc.scorecard.revision)
    if isinstance(exc, DecisionConflict):
        return error_response(409, str(exc))
    if isinstance(exc, DjangoValidationError):
        if isinstance(exc, InputRefused):
            fields = _problem_fields(exc)
        elif isinstance(exc, OutcomesRefused):
            fields = _outcome_fields(exc)
        elif hasattr(exc, "error_dict"):
            fields = {key: list(messages) for key, messages in exc.message_dict.items()}
        else:
            fields = {}
        request = context.get("request")
        prefix = "Refused: " if request is not None and request.method == "GET" else "Not saved: "
        return error_response(422, prefix + " ".join(exc.messages), fields)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(NOT_FOUND)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        shown = "; ".join(f"{key}: {' '.join(messages)}" for key, messages in fields.items())
        new = error_response(status.HTTP_400_BAD_REQUEST, f"Invalid request: {shown}", fields)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        new = error_response(response.status_code, str(detail))
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            new[header] = response[header]
    return new
