"""Small horizontal bar charts drawn on the server as inline SVG (no JavaScript, no CDN).

Every chart is decoration over a table that carries the same numbers: the SVG is labelled
for screen readers with a title and a description, and the page shows the table beside it.
Colours come from the stylesheet through CSS classes, so the palette lives in one place.
"""

from dataclasses import dataclass

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from common.numbers import format_count

WIDTH = 520
LABEL_WIDTH = 150
VALUE_WIDTH = 64
BAR_HEIGHT = 22
GAP = 10
LABEL_CHARACTERS = 20


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value and an optional CSS class for its colour."""

    label: str
    value: int
    css_class: str = ""
    # The value as shown ("₹1,350 crore"); blank shows it as a count.
    value_label: str = ""
    # More for the bar's tooltip ("known for 12 of 40 clusters").
    note: str = ""
    # Whether the label is a record's own text (a state's or a sector's name): data, kept
    # as entered in every language and marked translate="no".
    is_data: bool = False

    @property
    def shown(self):
        """Return the value as the chart writes it."""
        return self.value_label or format_count(self.value)

    @property
    def tooltip(self):
        """Return the bar's tooltip: its label, value and note."""
        text = f"{self.label}: {self.shown}"
        return f"{text} ({self.note})" if self.note else text


@dataclass(frozen=True)
class Segment:
    """One part of a stacked bar: its series name, value and CSS class."""

    label: str
    value: int
    css_class: str


@dataclass(frozen=True)
class StackedBar:
    """One stacked bar: a label and its segments, drawn left to right."""

    label: str
    segments: tuple
    is_data: bool = False

    @property
    def total(self):
        """Return the sum of the segments."""
        return sum(segment.value for segment in self.segments)


def _short(label):
    if len(label) <= LABEL_CHARACTERS:
        return label
    return label[: LABEL_CHARACTERS - 1].rstrip() + "…"


def _svg(chart_id, title, description, height, body):
    return format_html(
        '<svg class="chart" id="{id}" viewBox="0 0 {w} {h}" width="100%" role="img" '
        'aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        id=chart_id,
        w=WIDTH,
        h=height,
        title=title,
        desc=description,
        body=body,
    )


def _join(parts):
    # Every part comes from format_html (escaped); conditional_escape keeps it that way.
    return mark_safe("".join(conditional_escape(part) for part in parts))


def _label(y, label, is_data=False):
    return format_html(
        '<text class="chart__label" x="{}" y="{}" text-anchor="end" dominant-baseline="middle"'
        "{}><title>{}</title>{}</text>",
        LABEL_WIDTH - 8,
        y,
        mark_safe(' translate="no"') if is_data else "",
        label,
        _short(label),
    )


def _height(rows):
    return max(len(rows), 1) * (BAR_HEIGHT + GAP) + GAP


def _scale(maximum):
    available = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    return available / maximum if maximum else 0


def bar_chart(*, chart_id, title, description, bars, empty_text="No data"):
    """Return an SVG horizontal bar chart of `bars` (a list of Bar), largest value fills the width."""
    scale = _scale(max((bar.value for bar in bars), default=0))
    parts = []
    for index, bar in enumerate(bars):
        top = GAP + index * (BAR_HEIGHT + GAP)
        middle = top + BAR_HEIGHT / 2
        width = round(bar.value * scale, 1)
        parts.append(_label(middle, bar.label, bar.is_data))
        parts.append(
            format_html(
                '<rect class="chart__bar {}" x="{}" y="{}" width="{}" height="{}" rx="2">'
                "<title>{}</title></rect>",
                bar.css_class,
                LABEL_WIDTH,
                top,
                width,
                BAR_HEIGHT,
                bar.tooltip,
            )
        )
        parts.append(
            format_html(
                '<text class="chart__value" x="{}" y="{}" dominant-baseline="middle">{}</text>',
                LABEL_WIDTH + width + 6,
                middle,
                bar.shown,
            )
        )
    if not bars:
        parts.append(
            format_html(
                '<text class="chart__label" x="{}" y="{}" dominant-baseline="middle">{}</text>',
                LABEL_WIDTH,
                GAP + BAR_HEIGHT / 2,
                empty_text,
            )
        )
    return _svg(chart_id, title, description, _height(bars), _join(parts))


def stacked_bar_chart(*, chart_id, title, description, bars):
    """Return an SVG chart of horizontal stacked bars (a list of StackedBar)."""
    scale = _scale(max((bar.total for bar in bars), default=0))
    parts = []
    for index, bar in enumerate(bars):
        top = GAP + index * (BAR_HEIGHT + GAP)
        middle = top + BAR_HEIGHT / 2
        parts.append(_label(middle, bar.label, bar.is_data))
        x = LABEL_WIDTH
        for segment in bar.segments:
            if not segment.value:
                continue
            width = round(segment.value * scale, 1)
            parts.append(
                format_html(
                    '<rect class="chart__bar {}" x="{}" y="{}" width="{}" height="{}">'
                    "<title>{}, {}: {}</title></rect>",
                    segment.css_class,
                    round(x, 1),
                    top,
                    width,
                    BAR_HEIGHT,
                    bar.label,
                    segment.label,
                    format_count(segment.value),
                )
            )
            x += width
        parts.append(
            format_html(
                '<text class="chart__value" x="{}" y="{}" dominant-baseline="middle">{}</text>',
                round(x + 6, 1),
                middle,
                format_count(bar.total),
            )
        )
    return _svg(chart_id, title, description, _height(bars), _join(parts))


# Small multiples: one small column chart per measure, years along the bottom -------------

SMALL_WIDTH = 320
SMALL_HEIGHT = 200
SMALL_TOP = 24
SMALL_BOTTOM = 44
SMALL_SIDE = 8


@dataclass(frozen=True)
class Column:
    """One column of a small chart: its label (a year), value, value as shown and a second
    line under the label (how many clusters it adds)."""

    label: str
    value: int | None
    value_label: str = ""
    sublabel: str = ""


def column_chart(*, chart_id, title, description, columns, empty_text):
    """Return a small SVG column chart of `columns` (a list of Column); a column whose value
    is None is drawn as a gap marked "?" (not known), never as a zero-height column."""
    plot_height = SMALL_HEIGHT - SMALL_TOP - SMALL_BOTTOM
    maximum = max((column.value or 0 for column in columns), default=0)
    scale = plot_height / maximum if maximum else 0
    slot = (SMALL_WIDTH - 2 * SMALL_SIDE) / max(len(columns), 1)
    bar_width = round(min(slot * 0.7, 48), 1)
    baseline = SMALL_TOP + plot_height
    parts = [
        format_html(
            '<line class="chart__axis" x1="{}" y1="{}" x2="{}" y2="{}"></line>',
            SMALL_SIDE,
            baseline,
            SMALL_WIDTH - SMALL_SIDE,
            baseline,
        )
    ]
    for index, column in enumerate(columns):
        centre = round(SMALL_SIDE + slot * index + slot / 2, 1)
        shown = column.value_label or ("?" if column.value is None else format_count(column.value))
        height = round((column.value or 0) * scale, 1)
        if column.value is not None:
            parts.append(
                format_html(
                    '<rect class="chart__bar" x="{}" y="{}" width="{}" height="{}" rx="2">'
                    "<title>{}: {} ({})</title></rect>",
                    round(centre - bar_width / 2, 1),
                    round(baseline - height, 1),
                    bar_width,
                    height,
                    column.label,
                    shown,
                    column.sublabel,
                )
            )
        parts.append(
            format_html(
                '<text class="chart__value chart__value--small" x="{}" y="{}" '
                'text-anchor="middle">{}</text>',
                centre,
                round(baseline - height - 5, 1),
                shown,
            )
        )
        parts.append(
            format_html(
                '<text class="chart__label chart__label--small" x="{}" y="{}" '
                'text-anchor="middle">{}</text>',
                centre,
                baseline + 16,
                column.label,
            )
        )
        parts.append(
            format_html(
                '<text class="chart__value chart__value--small" x="{}" y="{}" '
                'text-anchor="middle">{}</text>',
                centre,
                baseline + 32,
                column.sublabel,
            )
        )
    if not columns:
        parts.append(
            format_html(
                '<text class="chart__label" x="{}" y="{}" dominant-baseline="middle">{}</text>',
                SMALL_SIDE,
                SMALL_TOP + plot_height / 2,
                empty_text,
            )
        )
    return format_html(
        '<svg class="chart chart--small" id="{id}" viewBox="0 0 {w} {h}" width="100%" '
        'role="img" aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        id=chart_id,
        w=SMALL_WIDTH,
        h=SMALL_HEIGHT,
        title=title,
        desc=description,
        body=_join(parts),
    )
