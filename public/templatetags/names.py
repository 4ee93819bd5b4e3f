"""Records' names as data: kept as entered, never translated (issue 16).

{% load names %}
{% record_name cluster %}       <span translate="no" lang="en">Hosiery, Ludhiana</span>
                                (in Hindi, when the cluster has a Hindi name:)
                                <span translate="no" lang="hi">लुधियाना का होज़री क्लस्टर</span>
                                · <span translate="no" lang="en">Hosiery, Ludhiana</span>
{% record_name stakeholder stakeholder.name %}   the English text given explicitly
{{ cluster.place|data }}        <span translate="no">Ludhiana</span> (any record's text;
                                also inside {% blocktranslate with place=cluster.place|data %})

`translate="no"` (HTML) tells browsers' machine translation to leave the text alone, and
tells the Hindi page check (tests/e2e/test_every_reader.py) that it is data.
"""

from django import template
from django.template.defaultfilters import linebreaks_filter as linebreaks
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from common.local_names import reader_name

register = template.Library()


def _local_names(record):
    """Return the record's local names, or None when it has none or they were not loaded (a
    list's selector chose its columns: reading them would cost a query per row)."""
    deferred = getattr(record, "get_deferred_fields", None)
    if deferred is None or "local_names" in deferred():
        return None
    return record.local_names


@register.simple_tag
def record_name(record, english=None):
    """Return the record's name marked as data: its name in the reader's language (when it
    has one) with the English name beside it, or the English name alone."""
    if record is None or record == "":
        return ""
    english = str(record) if english is None else english
    local, code = reader_name(_local_names(record))
    if local:
        return format_html(
            '<span translate="no" lang="{}">{}</span> · <span translate="no" lang="en">{}</span>',
            code,
            local,
            english,
        )
    return format_html('<span translate="no">{}</span>', english)


@register.simple_tag
def record_local_name(record):
    """Return only the record's name in the reader's language, marked, or "" without one
    (for a page whose heading keeps the English name in its own parts)."""
    local, code = reader_name(_local_names(record))
    if not local:
        return ""
    return format_html('<span translate="no" lang="{}">{}</span>', code, local)


@register.filter
def data(value):
    """Return a record's own text (a name, a place, a source) marked as data, or "" for a
    blank. Text marked safe already (a linked source) keeps its markup."""
    if value is None or value == "":
        return ""
    return mark_safe(f'<span translate="no">{conditional_escape(value)}</span>')  # escaped


@register.filter
def data_block(value):
    """Return a record's longer text (a description) as paragraphs marked as data."""
    if not value:
        return ""
    return format_html('<div translate="no">{}</div>', linebreaks(value, autoescape=True))
