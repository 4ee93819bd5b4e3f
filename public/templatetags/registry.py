"""Template tags for the registry's public pages: Indian number formats, badges, sorting.

{% load registry %}
{{ cluster.employment|as_count:cluster.country }}     12,00,000
{{ cluster.annual_turnover|as_amount:cluster.currency }}   ₹1,350 crore
{% status_badge cluster.classification_status %}
{% kind_badge stakeholder.kind %}
{% figure_value figure %}                              ≈3,200 (estimated)
"""

import re
from urllib.parse import unquote, urlsplit

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from clusters.choices import AMOUNT_MEASURES, ClassificationStatus, ClusterType, Measure
from clusters.selectors import classification_sentence
from common.numbers import format_amount, format_count
from stakeholders.choices import Kind, RelationshipType, Role

register = template.Library()

# A shape as well as a colour, so that the status reads without colour too.
_STATUS_SYMBOLS = {
    ClassificationStatus.QUALIFIES: "✓",
    ClassificationStatus.POTENTIAL: "◐",
    ClassificationStatus.INSUFFICIENT_DATA: "?",
    ClassificationStatus.NO_BENCHMARK: "–",
}


@register.filter
def as_count(value, country="IN"):
    """Return a count with the digit grouping readers in `country` expect (Indian by default)."""
    if value is None or value == "":
        return ""
    return format_count(value, country or "IN")


@register.filter
def as_amount(value, currency="INR"):
    """Return a money amount: lakh / crore for rupees, ISO code and groups of three otherwise."""
    if value is None or value == "":
        return ""
    return format_amount(value, currency or "INR")


def _register_label_filter(name, choices, what):
    labels = dict(choices)

    def label(value):
        return labels.get(value, value)

    label.__doc__ = f"Return the readable label of {what}."
    register.filter(name, label)
    return label


status_label = _register_label_filter(
    "status_label", ClassificationStatus.choices, "a classification status"
)
kind_label = _register_label_filter("kind_label", Kind.choices, "a stakeholder kind")
role_label = _register_label_filter("role_label", Role.choices, "a stakeholder role")
type_label = _register_label_filter("type_label", ClusterType.choices, "a cluster type")
measure_label = _register_label_filter("measure_label", Measure.choices, "a measure")
relationship_label = _register_label_filter(
    "relationship_label", RelationshipType.choices, "a relationship type ('buys from')"
)


@register.filter
def css_token(value):
    """Return `value` as a CSS class fragment ('insufficient_data' -> 'insufficient-data')."""
    return str(value or "").replace("_", "-")


@register.simple_tag
def status_badge(status, reason=""):
    """Return the classification badge: a symbol and the status in words, the reason as title."""
    css = css_token(status)
    label = status_label(status)
    symbol = _STATUS_SYMBOLS.get(status, "")
    if reason:
        return format_html(
            '<span class="badge badge--{}" title="{}"><span aria-hidden="true">{}</span> {}</span>',
            css,
            reason,
            symbol,
            label,
        )
    return format_html(
        '<span class="badge badge--{}"><span aria-hidden="true">{}</span> {}</span>',
        css,
        symbol,
        label,
    )


@register.simple_tag
def kind_badge(kind):
    """Return a stakeholder kind as a coloured badge with its name."""
    return format_html(
        '<span class="kind kind--{}"><span class="kind__dot" aria-hidden="true"></span>{}</span>',
        css_token(kind),
        kind_label(kind),
    )


def _format_measure(measure, value, currency, country):
    if measure in AMOUNT_MEASURES:
        return format_amount(value, currency or "INR")
    return format_count(value, country or "IN")


@register.simple_tag
def figure_value(figure, country="IN", currency="INR"):
    """Return a ClusterFigure's value formatted, marked ≈ and 'estimated' when it is one."""
    text = _format_measure(figure.measure, figure.value, figure.currency or currency, country)
    if figure.estimated:
        return format_html(
            '<span class="estimate"><abbr title="{}">≈</abbr>{}</span>', _("estimated"), text
        )
    return text


@register.simple_tag
def measure_value(measure, value, country="IN", currency="INR"):
    """Return a current value of `measure` formatted (count or amount)."""
    if value is None:
        return ""
    return _format_measure(measure, value, currency, country)


@register.inclusion_tag("includes/sort_header.html", takes_context=True)
def sort_header(context, param, label, numeric=False):
    """Return a sortable column header: a link that sorts by `param`, then reverses it."""
    request = context["request"]
    current = request.GET.get("ordering", "")
    if current == param:
        direction, next_value = "ascending", f"-{param}"
    elif current == f"-{param}":
        direction, next_value = "descending", param
    else:
        direction, next_value = "", f"-{param}" if numeric else param
    query = request.GET.copy()
    query["ordering"] = next_value
    query.pop("page", None)
    return {
        "label": label,
        "direction": direction,
        "url": "?" + query.urlencode(),
        "numeric": numeric,
    }


@register.filter
def reason(cluster):
    """Return why `cluster` is classified as it is, in the reader's language."""
    return classification_sentence(cluster)


_URL = re.compile(r"https?://[^\s<>\"']+")


def _readable_address(url):
    """Return how a source's address reads: its site, and its page's last words."""
    parts = urlsplit(url.rstrip(".,;)"))
    site = parts.netloc.removeprefix("www.")
    words = [unquote(word) for word in parts.path.split("/") if word]
    if not words:
        return site
    last = re.sub(r"\.(html?|php|aspx?|pdf)$", "", words[-1]).replace("-", " ").replace("_", " ")
    return f"{site} › {last[:40]}{'…' if len(last) > 40 else ''}"


@register.filter
def source_links(text):
    """Return a source's text with each address as a link that reads as its site and page
    ("clusterobservatory.in › ludhiana knitwear"), not as a cut raw URL."""
    if not text:
        return ""
    text = str(text)
    pieces, position = [], 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;)")
        pieces.append(conditional_escape(text[position : match.start()]))
        pieces.append(
            format_html('<a href="{}" class="source-link">{}</a>', url, _readable_address(url))
        )
        position = match.start() + len(url)
    pieces.append(conditional_escape(text[position:]))
    return mark_safe("".join(str(piece) for piece in pieces))
