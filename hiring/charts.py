"""Small charts drawn on the server as inline SVG: no JavaScript, no chart library, nothing from a CDN.

Every piece of text goes through format_html, so it is escaped. Each chart names itself for
screen readers (role="img", aria-labelledby its <title> and <desc>), and the desc holds the
figures as text. Colours are SVG presentation attributes (fill=, stroke=), which the
Content-Security-Policy allows, unlike style attributes; text and lines take the page's text colour
(currentColor, lighter by opacity where secondary), so they read in the light and the dark theme alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

BAR = "#0d6efd"  # 4.5:1 on the light page, 3.1:1 on the dark one (a graphical object needs 3:1)
INK = "currentColor"
MUTED = ".75"  # the opacity of secondary text and marks, in currentColor: Bootstrap's secondary text colour
GRID = ".3"  # the opacity of grid lines, in currentColor
FONT = "system-ui, sans-serif"


def _n(value: float) -> str:
    return f"{value:.1f}"


def _frame(*, chart_id: str, title: str, desc: str, width: int, height: int, body: SafeString) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'role="img" aria-labelledby="{id}-title {id}-desc" font-family="{font}" font-size="11">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        w=width,
        h=height,
        id=chart_id,
        font=FONT,
        title=title,
        desc=desc,
        body=body,
    )


def bar_chart(
    *, chart_id: str, title: str, desc: str, labels: Sequence[str], values: Sequence[int], width: int = 190
) -> SafeString:
    """Vertical bars with their count above and their label below."""
    height, top, bottom, pad = 96, 14, 16, 4
    slot = (width - 2 * pad) / max(len(values), 1)
    tallest = max(values, default=0) or 1
    bars = []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        bar_height = (height - top - bottom) * value / tallest
        x, y = pad + index * slot, height - bottom - bar_height
        bars.append(
            format_html(
                '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}"/>'
                '<text x="{centre}" y="{above}" text-anchor="middle" fill="{ink}">{value}</text>'
                '<text x="{centre}" y="{below}" text-anchor="middle" fill="{ink}" opacity="{muted}">{label}</text>',
                x=_n(x + slot * 0.15),
                y=_n(y),
                w=_n(slot * 0.7),
                h=_n(bar_height),
                fill=BAR,
                centre=_n(x + slot / 2),
                above=_n(y - 3),
                below=height - 4,
                ink=INK,
                muted=MUTED,
                value=value,
                label=label,
            )
        )
    body = format_html(
        '<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="currentColor" opacity="{grid}"/>{bars}',
        x1=pad,
        x2=width - pad,
        y=height - bottom,
        grid=GRID,
        bars=format_html_join("", "{}", ((bar,) for bar in bars)),
    )
    return _frame(chart_id=chart_id, title=title, desc=desc, width=width, height=height, body=body)


@dataclass(frozen=True)
class Dot:
    label: str
    value: float | None
    low: float | None = None
    high: float | None = None


def _reach(dots: Sequence[Dot]) -> float:
    """Half-width of the axis: the farthest value or interval end, rounded up to a quarter, at least 0.25."""
    ends = [abs(v) for d in dots for v in (d.value, d.low, d.high) if v is not None]
    quarters = int(max(ends, default=0) * 4 - 1e-9) + 1
    return min(max(quarters, 1), 4) / 4


def dot_plot(*, chart_id: str, title: str, desc: str, dots: Sequence[Dot], width: int = 640) -> SafeString:
    """One row per dot around a zero line, with its interval as a bar; rows without a value say so."""
    label_width, row, top, pad = 170, 22, 22, 24
    height = top + row * len(dots) + 8
    reach = _reach(dots)
    plot = width - label_width - pad

    def x(value: float) -> str:
        return _n(label_width + plot * (max(-reach, min(reach, value)) + reach) / (2 * reach))

    quarters = round(reach * 4)
    ticks = [step / 4 for step in range(-quarters, quarters + 1)]
    axis = format_html_join(
        "",
        '<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="currentColor" opacity="{3}"/>'
        '<text x="{0}" y="{4}" text-anchor="middle" fill="currentColor" opacity="{5}">{6}</text>',
        ((x(t), top - 6, height - 4, "1" if t == 0 else GRID, top - 10, MUTED, f"{t:+.2f}") for t in ticks),
    )
    rows = []
    for index, dot in enumerate(dots):
        y = top + row * index + row / 2
        label = format_html('<text x="0" y="{}" fill="{}">{}</text>', _n(y + 4), INK, dot.label)
        if dot.value is None:
            mark = format_html(
                '<text x="{}" y="{}" fill="currentColor" opacity="{}">no comparison</text>', x(0), _n(y + 4), MUTED
            )
        else:
            bar = (
                format_html(
                    '<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="currentColor" opacity="{}" stroke-width="2"/>',
                    x(dot.low),
                    x(dot.high),
                    MUTED,
                    y=_n(y),
                )
                if dot.low is not None and dot.high is not None
                else ""
            )
            mark = format_html('{}<circle cx="{}" cy="{}" r="5" fill="{}"/>', bar, x(dot.value), _n(y), BAR)
        rows.append(format_html("{}{}", label, mark))
    body = format_html("{}{}", axis, format_html_join("", "{}", ((r,) for r in rows)))
    return _frame(chart_id=chart_id, title=title, desc=desc, width=width, height=height, body=body)


# The calibration page's charts ---------------------------------------------------------------------------

BUCKET_LABELS = ("0", ".25", ".5", ".75", "1")


def distribution_chart(*, chart_id: str, name: str, counts: Sequence[int]) -> SafeString:
    """An interviewer's scores per normalised bucket (0 = bottom of the role's scale, 1 = top)."""
    figures = ", ".join(f"{label}: {count}" for label, count in zip(BUCKET_LABELS, counts, strict=True))
    return bar_chart(
        chart_id=chart_id,
        title=f"Rating distribution of {name}",
        desc=f"Number of scores per normalised level, 0 = bottom of the scale, 1 = top. {figures}.",
        labels=BUCKET_LABELS,
        values=counts,
    )


def leniency_chart(*, chart_id: str, dots: Sequence[Dot]) -> SafeString:
    """Leniency per interviewer (Dot: name, leniency, 95% interval ends) around zero."""
    figures = "; ".join(
        f"{dot.label}: {'no comparison' if dot.value is None else f'{dot.value:+.2f}'}"
        + (f" (95% interval {dot.low:+.2f} to {dot.high:+.2f})" if dot.low is not None else "")
        for dot in dots
    )
    return dot_plot(
        chart_id=chart_id,
        title="Leniency by interviewer",
        desc=(
            "Mean difference between the interviewer's normalised scores and the rest of the panel's on the same "
            f"loop and dimension; right of zero is lenient, left is harsh. {figures}."
        ),
        dots=dots,
    )
