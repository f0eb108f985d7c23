"""The problems of a bound form, listed for its error summary (templates/_error_summary.html)."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms, template

register = template.Library()


@dataclass(frozen=True)
class FormProblem:
    """One message of a form's errors: about a field (its label, id and name, for the summary's link) or the whole."""

    message: str
    label: str = ""
    target: str = ""
    name: str = ""


@register.filter
def form_problems(form: forms.BaseForm | None) -> list[FormProblem]:
    """The form's messages in the order its fields are shown, the form's own (not about one field) first."""
    if form is None or not form.is_bound or not form.errors:
        return []
    problems = [FormProblem(message=str(message)) for message in form.non_field_errors()]
    for field in form:
        if field.is_hidden:
            problems.extend(FormProblem(message=str(message)) for message in field.errors)
            continue
        for message in field.errors:
            problems.append(
                FormProblem(message=str(message), label=str(field.label), target=field.auto_id, name=field.html_name)
            )
    return problems
