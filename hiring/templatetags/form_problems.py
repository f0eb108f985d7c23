"""The problems of a bound form, listed for its error summary (templates/_error_summary.html)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from django import forms, template

register = template.Library()


@dataclass(frozen=True)
class FormProblem:
    """One message of a form's errors: about a field (its label, id and name, for the summary's link) or the whole."""

    message: str
    label: str = ""
    target: str = ""
    name: str = ""


class FormOfRows(Protocol):
    """A page form made of one form per row (the plan page's PlanForm): `rows`, each with a `row_label`."""

    rows: Sequence[forms.BaseForm]


@register.filter
def form_problems(form: forms.BaseForm | FormOfRows | None) -> list[FormProblem]:
    """The form's messages in the order its fields are shown, the form's own (not about one field) first; for a
    form of rows, each row's in row order, their labels naming the row."""
    if form is None:
        return []
    if not isinstance(form, forms.BaseForm):
        return [problem for row in form.rows for problem in _problems(row, prefix=_row_prefix(row))]
    return _problems(form)


def _row_prefix(row: forms.BaseForm) -> str:
    """What names a row's messages: its label and a colon, or nothing for a row without a label."""
    label = getattr(row, "row_label", "")
    return f"{label}: " if label else ""


def _problems(form: forms.BaseForm, *, prefix: str = "") -> list[FormProblem]:
    if not form.is_bound or not form.errors:
        return []
    problems = [FormProblem(message=f"{prefix}{message}") for message in form.non_field_errors()]
    for field in form:
        if field.is_hidden:
            problems.extend(FormProblem(message=f"{prefix}{message}") for message in field.errors)
            continue
        for message in field.errors:
            problems.append(
                FormProblem(
                    message=str(message), label=f"{prefix}{field.label}", target=field.auto_id, name=field.html_name
                )
            )
    return problems
