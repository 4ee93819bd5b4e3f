"""Indicator small multiples drawn on the server as inline SVG (no JavaScript, no CDN).

One small chart per indicator of an initiative: the baseline, the cluster's measurements
over the years joined by a line, and the target as a dashed line. Like public/charts.py,
each chart is decoration over a table that carries the same numbers (the page shows it
beside the chart); the SVG has a title and a description for screen readers, and the
three series differ by shape as well as colour (square, circle, dashed line with a
diamond), so that colour is never the only signal.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from common.numbers import format_amount, group_indian, group_international

WIDTH = 320
HEIGHT = 170
LEFT = 12
RIGHT = 12
TOP = 22
BOTTOM = 30

BASELINE = "baseline"
MEASUREMENT = "measurement"
TARGET = "target"


def format_indicator_value(value, unit="", country="IN"):
    """Return an indicator's value for reading: Indian digit grouping for Indian data,
    decimals kept where there are any, lakh / crore for rupee amounts."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    if unit in ("INR", "₹", "Rs"):
        return format_amount(value.to_integral_value(), "INR")
    whole = int(value)
    fraction = abs(value - whole).normalize()
    group = group_indian if country == "IN" else group_international
    text = group(whole)
    if whole == 0 and value < 0:
        text = "-0"
    if fraction:
        text += f"{fraction:f}"[1:]
    return text


@dataclass(frozen=True)
class Point:
    """One value of an indicator: its year (as shown and as a number), kind and provenance."""

    kind: str
    year: int
    year_label: str
    value: Decimal
    estimated: bool = False
    source: str = ""


@dataclass
class IndicatorSeries:
    """What one small chart shows: the indicator, its unit and its points."""

    slug: str
    name: str
    unit: str
    level_label: str = ""
    computed: bool = False
    computed_note: str = ""
    baseline: Point | None = None
    target: Point | None = None
    measurements: list = field(default_factory=list)
    country: str = "IN"

    @property
    def latest(self):
        """Return the most recent measurement, or None."""
        return self.measurements[-1] if self.measurements else None

    @property
    def rows(self):
        """Return every point in year order, baseline first and target last at equal years."""
        order = {BASELINE: 0, MEASUREMENT: 1, TARGET: 2}
        points = [*filter(None, [self.baseline, self.target]), *self.measurements]
        return sorted(points, key=lambda point: (point.year, order[point.kind]))

    @property
    def table(self):
        """Return (point, value as read) for each row of the chart's table."""
        return [(point, self.shown(point.value)) for point in self.rows]

    def shown(self, value):
        return format_indicator_value(value, self.unit, self.country)

    def description(self):
        """Return the chart's numbers in one sentence (its SVG description)."""
        parts = []
        if self.baseline:
            parts.append(
                _("baseline %(value)s in %(year)s")
                % {"value": self.shown(self.baseline.value), "year": self.baseline.year_label}
            )
        if self.latest:
            parts.append(
                _("latest %(value)s in %(year)s")
                % {"value": self.shown(self.latest.value), "year": self.latest.year_label}
            )
        if self.target:
            parts.append(
                _("target %(value)s by %(year)s")
                % {"value": self.shown(self.target.value), "year": self.target.year_label}
            )
        if not parts:
            return _("No values recorded yet.")
        return "; ".join(parts) + (f" ({self.unit})" if self.unit else "") + "."


def _join(parts):
    # Every part comes from format_html (escaped); conditional_escape keeps it that way.
    return mark_safe("".join(conditional_escape(part) for part in parts))


def indicator_chart(series, *, chart_id):
    """Return the SVG small multiple of `series` (an IndicatorSeries)."""
    points = series.rows
    title = series.name
    if not points:
        body = format_html(
            '<text class="chart__label" x="{}" y="{}">{}</text>',
            LEFT,
            HEIGHT / 2,
            _("No values recorded yet"),
        )
        return _svg(chart_id, title, series.description(), body)
    years = [point.year for point in points]
    first, last = min(years), max(years)
    span = max(last - first, 1)
    maximum = max(max(point.value for point in points), Decimal(0))
    minimum = min(min(point.value for point in points), Decimal(0))
    height = (maximum - minimum) or Decimal(1)
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM

    def x(year):
        if last == first:
            return round(LEFT + plot_width / 2, 1)
        return round(LEFT + (year - first) / span * plot_width, 1)

    def y(value):
        return round(TOP + float((maximum - value) / height) * plot_height, 1)

    parts = [
        # The axis at zero, and the first and last years under it.
        format_html(
            '<line class="ichart__axis" x1="{}" y1="{}" x2="{}" y2="{}"/>',
            LEFT,
            y(Decimal(0)),
            WIDTH - RIGHT,
            y(Decimal(0)),
        )
    ]
    labelled_years = {}
    for point in points:
        labelled_years.setdefault(point.year, point.year_label)
    for year in sorted({first, last}):
        anchor = "start" if year == first and last != first else "end"
        if last == first:
            anchor = "middle"
        parts.append(
            format_html(
                '<text class="ichart__year" x="{}" y="{}" text-anchor="{}">{}</text>',
                LEFT if anchor == "start" else (WIDTH - RIGHT if anchor == "end" else x(year)),
                HEIGHT - 8,
                anchor,
                labelled_years[year],
            )
        )
    if series.target:
        target_y = y(series.target.value)
        parts.append(
            format_html(
                '<line class="ichart__target" x1="{}" y1="{}" x2="{}" y2="{}">'
                "<title>{}</title></line>",
                LEFT,
                target_y,
                WIDTH - RIGHT,
                target_y,
                _("Target %(value)s by %(year)s")
                % {"value": series.shown(series.target.value), "year": series.target.year_label},
            )
        )
        tx, size = x(series.target.year), 6
        parts.append(
            format_html(
                '<path class="ichart__target-mark" d="M{} {} l{} {} l-{} {} l-{} -{} z"/>',
                tx,
                round(target_y - size, 1),
                size,
                size,
                size,
                size,
                size,
                size,
            )
        )
        parts.append(
            format_html(
                '<text class="ichart__value" x="{}" y="{}" text-anchor="end">{} {}</text>',
                WIDTH - RIGHT,
                round(target_y - 8, 1),
                _("target"),
                series.shown(series.target.value),
            )
        )
    line = [point for point in points if point.kind in (BASELINE, MEASUREMENT)]
    if len(line) > 1:
        parts.append(
            format_html(
                '<polyline class="ichart__line" points="{}"/>',
                " ".join(f"{x(point.year)},{y(point.value)}" for point in line),
            )
        )
    for point in line:
        label = format_html(
            "{}{} ({})",
            "≈" if point.estimated else "",
            series.shown(point.value),
            point.year_label,
        )
        if point.kind == BASELINE:
            parts.append(
                format_html(
                    '<rect class="ichart__baseline" x="{}" y="{}" width="8" height="8">'
                    "<title>{} {}</title></rect>",
                    round(x(point.year) - 4, 1),
                    round(y(point.value) - 4, 1),
                    _("Baseline"),
                    label,
                )
            )
        else:
            parts.append(
                format_html(
                    '<circle class="ichart__point{}" cx="{}" cy="{}" r="4"><title>{}</title>'
                    "</circle>",
                    " ichart__point--estimated" if point.estimated else "",
                    x(point.year),
                    y(point.value),
                    label,
                )
            )
    latest = series.latest or series.baseline
    if latest is not None:
        parts.append(
            format_html(
                '<text class="ichart__value" x="{}" y="{}" text-anchor="{}">{}{}</text>',
                x(latest.year),
                round(y(latest.value) + 16, 1),
                "end" if x(latest.year) > WIDTH * 0.75 else "start",
                "≈" if latest.estimated else "",
                series.shown(latest.value),
            )
        )
    return _svg(chart_id, title, series.description(), _join(parts))


def _svg(chart_id, title, description, body):
    return format_html(
        '<svg class="chart ichart" id="{id}" viewBox="0 0 {w} {h}" width="100%" role="img" '
        'aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        id=chart_id,
        w=WIDTH,
        h=HEIGHT,
        title=title,
        desc=description,
        body=body,
    )
