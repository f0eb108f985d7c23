"""How a score looks on a page: the colour band of a score on the normalised scale (``static/css/app.css``)."""

from __future__ import annotations

from django import template

register = template.Library()

LEVELS = 5  # colour bands, level-0 (the scale's bottom) … level-4 (its top)


@register.filter
def level_class(normalised: float | None) -> str:
    """The colour class of a score on the normalised 0–1 scale: level-0 … level-4, or level-none without a score."""
    if normalised is None:
        return "level-none"
    return f"level-{round(normalised * (LEVELS - 1))}"
