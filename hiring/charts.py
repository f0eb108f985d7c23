"""Small charts drawn on the server as inline SVG: no JavaScript, no chart library, nothing from a CDN.

Every piece of text is escaped (format_html, or escape where the calibration charts write their marks
from plain template strings). Each chart names itself for
screen readers (role="img", aria-labelledby its <title> and <desc>), and the desc holds the
figures as text. Colours are SVG presentation attributes (fill=, stroke=), which the
Content-Security-Policy allows, unlike style attributes; text and lines take the page's text colour
(currentColor, lighter by opacity where secondary), so they read in the light and the dark theme alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape  # Django's escape is this one, marked safe (and lazy-aware: charts are given plain text)

from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

BAR = "#0d6efd"  # 4.5:1 on the light page, 3.1:1 on the dark one (a graphical object needs 3:1)
INK = "currentColor"
MUTED = ".75"  # the opacity of secondary text and marks, in currentColor: Bootstrap's secondary text colour
GRID = ".3"  # the opacity of grid lines, in currentColor
FONT = "system-ui, sans-serif"


def _n(value: float) -> str:
    return f"{value:.1f}"


def _frame(
    *, chart_id: str, title: str, desc: str, width: int, height: int, body: SafeString, fluid: bool = False
) -> SafeString:
    """The chart's <svg>. A `fluid` chart scales to its container (class health-chart: sized and coloured by its
    stylesheet) and is named by its title and described by its figures; otherwise it keeps its size and is
    named by both. One plain template string: its text escaped once, its numbers formatted by Python."""
    ident = escape(chart_id)
    size = "" if fluid else f' width="{int(width)}" height="{int(height)}"'
    naming = (
        f'aria-labelledby="{ident}-title" aria-describedby="{ident}-desc"'
        if fluid
        else f'aria-labelledby="{ident}-title {ident}-desc"'
    )
    return mark_safe(  # numbers and constants, the text escaped here, the body safe already
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{"health-chart" if fluid else "chart"}" '
        f'viewBox="0 0 {int(width)} {int(height)}"{size} role="img" {naming} font-family="{FONT}" '
        f'font-size="{12 if fluid else 11}"><title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(desc)}</desc>{conditional_escape(body)}</svg>'
    )


# The calibration page's two chart kinds (about fifty charts a page): each mark is written by one plain template
# string, its text escaped once (escape) and its numbers formatted by Python, and the marks joined once; format_html
# per mark (an escape of every argument, a SafeString each time) was about half of the page's CPU. The output is
# the same markup, character for character.

_BAR_MARK = (
    '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="' + BAR + '"/>'
    '<text x="{centre}" y="{above}" text-anchor="middle" fill="' + INK + '">{value}</text>'
    '<text x="{centre}" y="{below}" text-anchor="middle" fill="' + INK + '" opacity="' + MUTED + '">{label}</text>'
)


def bar_chart(
    *, chart_id: str, title: str, desc: str, labels: Sequence[str], values: Sequence[int], width: int = 190
) -> SafeString:
    """Vertical bars with their count above and their label below."""
    height, top, bottom, pad = 96, 14, 16, 4
    slot = (width - 2 * pad) / max(len(values), 1)
    tallest = max(values, default=0) or 1
    marks = []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        bar_height = (height - top - bottom) * value / tallest
        x, y = pad + index * slot, height - bottom - bar_height
        marks.append(
            _BAR_MARK.format(
                x=_n(x + slot * 0.15),
                y=_n(y),
                w=_n(slot * 0.7),
                h=_n(bar_height),
                centre=_n(x + slot / 2),
                above=_n(y - 3),
                below=height - 4,
                value=int(value),
                label=escape(label),
            )
        )
    base = f'<line x1="{pad}" y1="{height - bottom}" x2="{width - pad}" y2="{height - bottom}" stroke="currentColor" '
    body = mark_safe(f'{base}opacity="{GRID}"/>' + "".join(marks))  # numbers, and text escaped above
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


_TICK = (
    '<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" stroke="currentColor" opacity="{opacity}"/>'
    '<text x="{x}" y="{above}" text-anchor="middle" fill="currentColor" opacity="' + MUTED + '">{label}</text>'
)
_DOT_LABEL = '<text x="0" y="{y}" fill="' + INK + '">{label}</text>'
_NO_DOT = '<text x="{x}" y="{y}" fill="currentColor" opacity="' + MUTED + '">no comparison</text>'
_INTERVAL = (
    '<line x1="{low}" y1="{y}" x2="{high}" y2="{y}" stroke="currentColor" opacity="' + MUTED + '" stroke-width="2"/>'
)
_DOT = '<circle cx="{x}" cy="{y}" r="5" fill="' + BAR + '"/>'


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
    marks = [
        _TICK.format(
            x=x(t), top=top - 6, bottom=height - 4, opacity="1" if t == 0 else GRID, above=top - 10, label=f"{t:+.2f}"
        )
        for t in ticks
    ]
    for index, dot in enumerate(dots):
        y = top + row * index + row / 2
        marks.append(_DOT_LABEL.format(y=_n(y + 4), label=escape(dot.label)))
        if dot.value is None:
            marks.append(_NO_DOT.format(x=x(0), y=_n(y + 4)))
            continue
        if dot.low is not None and dot.high is not None:
            marks.append(_INTERVAL.format(low=x(dot.low), high=x(dot.high), y=_n(y)))
        marks.append(_DOT.format(x=x(dot.value), y=_n(y)))
    body = mark_safe("".join(marks))  # numbers, and text escaped above
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


# The hiring health page's charts ---------------------------------------------------------------------------
# Coloured by the page's stylesheet (static/css/health.css: Bootstrap's colour variables and currentColor),
# not by fixed colours, so they follow the light and dark themes. A handful of nodes per bar.


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: nothing to draw (no data), said in `text`
    text: str  # the figure as the table beside the chart writes it


def _described(bars: Sequence[Bar]) -> str:
    return "; ".join(f"{bar.label}: {bar.text}" for bar in bars) + "."


def horizontal_bars(
    *,
    chart_id: str,
    title: str,
    desc: str,
    bars: Sequence[Bar],
    marker: tuple[float, str] | None = None,
    width: int = 360,
) -> SafeString:
    """One bar per row, its label left and its figure right; `marker` (value, label) draws a dashed line
    across the rows (the due time, say)."""
    label_width, text_width, row, top = 120, 70, 24, 18 if marker else 4
    plot = width - label_width - text_width
    largest = max([bar.value or 0 for bar in bars] + [marker[0] if marker else 0]) or 1
    height = top + row * len(bars) + 4

    def x(value: float) -> str:
        return _n(label_width + plot * max(value, 0) / largest)

    rows = format_html_join(
        "",
        '<text x="0" y="{}">{}</text><rect class="bar" x="{}" y="{}" width="{}" height="{}"/>'
        '<text x="{}" y="{}">{}</text>',
        (
            (
                _n(top + row * index + 16),
                bar.label,
                label_width,
                _n(top + row * index + 4),
                _n(plot * max(bar.value or 0, 0) / largest),
                row - 8,
                _n(float(x(bar.value or 0)) + 4),
                _n(top + row * index + 16),
                bar.text,
            )
            for index, bar in enumerate(bars)
        ),
    )
    line = (
        format_html(
            '<line class="marker" x1="{x}" y1="{top}" x2="{x}" y2="{bottom}"/>'
            '<text class="muted" x="{x}" y="12" text-anchor="middle">{label}</text>',
            x=x(marker[0]),
            top=top,
            bottom=height,
            label=marker[1],
        )
        if marker
        else ""
    )
    return _frame(
        chart_id=chart_id, title=title, desc=f"{desc} {_described(bars)}", width=width, height=height,
        body=format_html("{}{}", rows, line), fluid=True,
    )  # fmt: skip


def vertical_bars(
    *, chart_id: str, title: str, desc: str, bars: Sequence[Bar], marker: tuple[float, str] | None = None
) -> SafeString:
    """One column per bar (a week, say), at most six of them labelled below; `marker` draws a dashed line
    across the columns."""
    width, height, left, bottom, top = 360, 150, 4, 18, 16
    slot = (width - 2 * left) / max(len(bars), 1)
    largest = max([bar.value or 0 for bar in bars] + [marker[0] if marker else 0]) or 1
    plot = height - top - bottom

    def y(value: float) -> float:
        return height - bottom - plot * max(value, 0) / largest

    columns = format_html_join(
        "",
        '<rect class="bar" x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>',
        (
            (
                _n(left + index * slot + slot * 0.15),
                _n(y(bar.value or 0)),
                _n(slot * 0.7),
                _n(height - bottom - y(bar.value or 0)),
                bar.label,
                bar.text,
            )
            for index, bar in enumerate(bars)
        ),
    )
    step = -(-len(bars) // 6) or 1  # at most six labels: they stay apart at any width
    labels = format_html_join(
        "",
        '<text class="muted" x="{}" y="{}" text-anchor="middle">{}</text>',
        ((_n(left + index * slot + slot / 2), height - 4, bars[index].label) for index in range(0, len(bars), step)),
    )
    axis = format_html(
        '<line class="grid" x1="{}" y1="{y}" x2="{}" y2="{y}"/>', left, width - left, y=_n(height - bottom)
    )
    line = (
        format_html(
            '<line class="marker" x1="{}" y1="{y}" x2="{}" y2="{y}"/><text class="muted" x="{}" y="{}">{}</text>',
            left,
            width - left,
            left,
            _n(y(marker[0]) - 3),
            marker[1],
            y=_n(y(marker[0])),
        )
        if marker
        else ""
    )
    return _frame(
        chart_id=chart_id, title=title, desc=f"{desc} {_described(bars)}", width=width, height=height,
        body=format_html("{}{}{}{}", axis, columns, labels, line), fluid=True,
    )  # fmt: skip
