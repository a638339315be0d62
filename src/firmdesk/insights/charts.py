"""Charts as server-rendered SVG (pygal), the same on the page and in the PDF.

A chart is handed to templates as a ``Chart``: ``data_uri`` for an
``<img src>`` (the page's Content Security Policy forbids inline styles, and
an SVG shown as an image keeps its own), and ``alt`` describing it. Pages
show the figures in a table beside the chart, so nothing depends on seeing
it. Series differ by line pattern and marker as well as colour, so the chart
reads in black and white; pygal renders with no script (``js=[]``,
PITFALLS.md).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pygal
from pygal.style import Style

# Dark enough on white, and told apart by pattern as well (DASHES).
COLOURS = ("#1f4e79", "#b35900", "#2e7d32", "#6a1b9a", "#424242")
DASHES = ("0", "8, 4", "2, 4", "12, 4, 2, 4", "4, 4")
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#6c757d",
    colors=COLOURS,
    font_family="DejaVu Sans, Arial, sans-serif",
    title_font_size=16,
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=12,
    value_font_size=11,
)

Number = float | int | None


# pygal writes its configuration into a <script> even with js=[]; an SVG
# shown as an image never runs it, and we drop it so no copy carries one.
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


def _render(chart) -> str:
    return _SCRIPT.sub("", chart.render(is_unicode=True))


@dataclass(frozen=True)
class Chart:
    svg: str
    alt: str

    @property
    def data_uri(self) -> str:
        encoded = base64.b64encode(self.svg.encode()).decode()
        return f"data:image/svg+xml;base64,{encoded}"


def _config(chart, title: str, labels: Sequence[str], unit: str) -> None:
    chart.title = title
    chart.x_labels = list(labels)
    if unit:
        chart.value_formatter = lambda value: f"{value:g} {unit}".strip()


def _options() -> dict:
    return {
        "js": [],
        "style": STYLE,
        "width": 720,
        "height": 320,
        "disable_xml_declaration": True,
        "tooltip_border_radius": 0,
        "legend_at_bottom": True,
        "show_legend": True,
        "print_values": False,
        "truncate_legend": -1,
        "no_data_text": "No figures for these months yet",
    }


def _alt(title: str, labels: Sequence[str], series: Sequence[tuple[str, list]]) -> str:
    parts = []
    for name, values in series:
        shown = ", ".join(
            f"{label}: {'no data' if value is None else f'{value:g}'}"
            for label, value in zip(labels, values, strict=False)
        )
        parts.append(f"{name} — {shown}")
    return f"{title}. " + "; ".join(parts)


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, list[Number]]],
    *,
    unit: str = "",
) -> Chart:
    """One line per series over ``labels`` (months); a None is a gap."""
    chart = pygal.Line(**_options(), dots_size=4, allow_interruptions=True)
    _config(chart, title, labels, unit)
    for index, (name, values) in enumerate(series):
        chart.add(
            name,
            [None if v is None else float(v) for v in values],
            stroke_style={"width": 2.5, "dasharray": DASHES[index % len(DASHES)]},
        )
    return Chart(_render(chart), _alt(title, labels, series))


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, list[Number]]],
    *,
    unit: str = "",
    stacked: bool = False,
) -> Chart:
    """Bars per label, one bar (or one stacked part) per series, each with
    its value printed on it."""
    kind = pygal.StackedBar if stacked else pygal.Bar
    options = {**_options(), "print_values": True}
    chart = kind(**options)
    _config(chart, title, labels, unit)
    if stacked:
        # A part of a stack with nothing in it has no height: print nothing
        # on it rather than a "0" over the part above.
        chart.formatter = lambda value: f"{value:g} {unit}".strip() if value else ""
    for name, values in series:
        chart.add(name, [None if v is None else float(v) for v in values])
    return Chart(_render(chart), _alt(title, labels, series))
