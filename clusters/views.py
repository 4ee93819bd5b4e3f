"""Public pages of the registry: home, the cluster list and its exports, profiles, statistics.

Views only parse the request and call selectors; everything public starts from a selector
that keeps published clusters only.
"""

import io
import re
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    QueryDict,
)
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from common.exports import export_response
from common.tabular import write_csv
from stakeholders import maps as stakeholder_maps
from stakeholders import selectors as stakeholder_selectors

from . import charts, selectors
from .choices import ClassificationStatus, ClusterType, Origin, Stage, Structure
from .exports import EXPORT_COLUMNS, cluster_export_rows
from .filtersets import ClusterFilterSet

PAGE_SIZE = 50
NOT_FILTERS = ("page", "ordering")
BOOLEAN_LABELS = {
    "true": gettext_lazy("yes"),
    "yes": gettext_lazy("yes"),
    "1": gettext_lazy("yes"),
    "on": gettext_lazy("yes"),
    "false": gettext_lazy("no"),
    "no": gettext_lazy("no"),
    "0": gettext_lazy("no"),
    "off": gettext_lazy("no"),
}


# Filtered lists (shared with the stakeholder pages) ---------------------------------------


@dataclass(frozen=True)
class Chip:
    """An active filter value, and the address of the same list without it."""

    name: str
    label: str
    value: str
    remove_url: str


@dataclass(frozen=True)
class Suggestion:
    """A filter to relax when nothing matches, and how many results that would give."""

    label: str
    count: int
    url: str


def filter_errors(filterset):
    """Return the invalid filters of a bound filterset as (parameter, label, message)."""
    return [
        (name, filterset.filters[name].label if name in filterset.filters else name, message)
        for name, messages in filterset.errors.items()
        for message in messages
    ]


def without_blanks(data):
    """Return `data` (a QueryDict) without blank values. A filter form submits every field,
    so its "Any" choices and empty boxes arrive as `sector=`; blank means no filter, never
    an invalid one (nor an empty slug to look up)."""
    query = QueryDict(mutable=True)
    for name in data:
        values = [value for value in data.getlist(name) if value.strip()]
        if values:
            query.setlist(name, values)
    query._mutable = False
    return query


def _without(data, name, value=None):
    """Return `data` (a QueryDict) without `name` (or only its `value`) and without the page."""
    query = data.copy()
    query.pop("page", None)
    if value is None:
        query.pop(name, None)
    else:
        query.setlist(name, [other for other in data.getlist(name) if other != value])
    return "?" + query.urlencode() if query else "?"


def active_filters(data, filterset, value_labels):
    """Return a Chip for each filter value in `data`; `value_labels` maps {name: {value: label}}."""
    chips = []
    for name in data:
        if name in NOT_FILTERS or name not in filterset.filters:
            continue
        choices = dict(filterset.filters[name].extra.get("choices") or ())
        labels = value_labels.get(name, {})
        for value in dict.fromkeys(data.getlist(name)):
            if not value.strip():
                continue
            shown = labels.get(value) or choices.get(value) or value
            chips.append(
                Chip(
                    name=name,
                    label=str(filterset.filters[name].label),
                    value=str(shown),
                    remove_url=_without(data, name, value),
                )
            )
    return chips


class FilteredListView(TemplateView):
    """A list driven by a FilterSet: invalid filters are reported and give no results (never
    everything), active filters become removable chips, and an empty result says which
    filter to relax."""

    filterset_class = None
    paginate_by = PAGE_SIZE

    def get(self, request, *args, **kwargs):
        # Everything below (filters, facets, chips, sort and page links) reads the query
        # without the blank fields of a submitted form.
        request.GET = without_blanks(request.GET)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        """Return the public queryset the filters narrow."""
        raise NotImplementedError

    def get_value_labels(self):
        """Return {parameter: {value: label}} for chips of values that are slugs or ids."""
        return {}

    def relax_suggestions(self, data, chips):
        """Return, for each active filter, how many results there are without it."""
        suggestions = []
        for name in dict.fromkeys(chip.name for chip in chips):
            query = data.copy()
            query.pop(name, None)
            query.pop("page", None)
            filterset = self.filterset_class(query, queryset=self.get_queryset())
            if not filterset.is_valid():
                continue
            count = filterset.qs.count()
            if count:
                label = ", ".join(
                    f"{chip.label}: {chip.value}" for chip in chips if chip.name == name
                )
                suggestions.append(Suggestion(label=label, count=count, url=_without(data, name)))
        return sorted(suggestions, key=lambda suggestion: -suggestion.count)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = self.request.GET
        filterset = self.filterset_class(data, queryset=self.get_queryset())
        valid = filterset.is_valid()
        chips = active_filters(data, filterset, self.get_value_labels())
        page, count, suggestions, page_range = None, 0, [], []
        if valid:
            paginator = Paginator(filterset.qs, self.paginate_by)
            page = paginator.get_page(data.get("page"))
            count = paginator.count
            page_range = list(paginator.get_elided_page_range(page.number, on_ends=1))
            if not count and chips:
                suggestions = self.relax_suggestions(data, chips)
        context.update(
            filterset=filterset,
            filter_errors=[] if valid else filter_errors(filterset),
            chips=chips,
            page_obj=page,
            page_range=page_range,
            results=list(page.object_list) if page else [],
            result_count=count,
            suggestions=suggestions,
            query=data,
            ordering=data.get("ordering", ""),
            export_query=_without(data, "page")[1:],
        )
        return context


# Cluster list and exports -----------------------------------------------------------------


class ClusterListView(FilteredListView):
    """The public list of published clusters with filters, sorting and pagination."""

    template_name = "clusters/cluster_list.html"
    filterset_class = ClusterFilterSet

    def get_queryset(self):
        return selectors.cluster_table().order_by("product", "place", "pk")

    def get_value_labels(self):
        options = self.options
        return {
            "sector": {item.slug: item.name for item in options.sectors},
            "sector_id": {str(item.pk): item.name for item in options.sectors},
            "state": {item.slug: str(item) for item in options.states},
            "state_id": {str(item.pk): str(item) for item in options.states},
            "agency": {item.slug: item.name for item in options.agencies},
            "agency_id": {str(item.pk): item.name for item in options.agencies},
            "artisan": BOOLEAN_LABELS,
            "exporting": BOOLEAN_LABELS,
        }

    def facet_counts(self, field_name):
        """Return {value: count} for a facet over the list filtered by everything else, or
        None when another filter is invalid (no count is then meaningful)."""
        query = self.request.GET.copy()
        query.pop(field_name, None)
        filterset = self.filterset_class(query, queryset=selectors.cluster_list())
        if not filterset.is_valid():
            return None
        return selectors.cluster_facet_counts(filterset.qs, field_name)

    def get(self, request, *args, **kwargs):
        self.options = selectors.cluster_filter_options()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = self.request.GET
        types = self.facet_counts("cluster_type")
        statuses = self.facet_counts("classification_status")

        def counted(choices, counts, name):
            selected = data.getlist(name)
            return [
                (value, label, None if counts is None else counts.get(value, 0), value in selected)
                for value, label in choices
            ]

        context.update(
            options=self.options,
            type_choices=counted(ClusterType.choices, types, "cluster_type"),
            status_choices=counted(ClassificationStatus.choices, statuses, "classification_status"),
            origin_choices=Origin.choices,
            structure_choices=Structure.choices,
            stage_choices=Stage.choices,
            selected_sectors=data.getlist("sector"),
            selected_states=data.getlist("state"),
            selected_agencies=data.getlist("agency"),
        )
        return context


def _attachment(name):
    return f'attachment; filename="{name}-{date.today().isoformat()}'


class ClusterExportView(View):
    """The filtered list of published clusters as CSV, XLSX or JSON, in the import format."""

    file_format = "csv"

    def get(self, request):
        # The list's default order, so that the file and the page agree row for row.
        queryset = selectors.cluster_export_list().order_by("product", "place", "pk")
        filterset = ClusterFilterSet(without_blanks(request.GET), queryset=queryset)
        if not filterset.is_valid():
            message = (
                _("Nothing exported: a filter is invalid.")
                + "\n"
                + "\n".join(filterset.error_messages())
            )
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return export_response(
            cluster_export_rows(filterset.qs),
            EXPORT_COLUMNS,
            file_format=self.file_format,
            name="clusters",
            sheet_title="Clusters",
        )


# Profile ------------------------------------------------------------------------------------


class ClusterDetailView(TemplateView):
    """The public profile of a published cluster; any other status is not found (404)."""

    template_name = "clusters/cluster_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        profile = selectors.cluster_profile(slug=kwargs["slug"])
        if profile is None:
            raise Http404(_("No published cluster has this address."))
        context.update(
            profile=profile,
            cluster=profile.cluster,
            # Measures of the stakeholder network (cached) and its networks of enterprises.
            network=stakeholder_maps.profile_network(profile),
        )
        return context


# Home and statistics --------------------------------------------------------------------


class HomeView(TemplateView):
    """The registry's front page: what a cluster is, the benchmarks, headline numbers."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        type_rows = selectors.clusters_by_type_and_status()
        context.update(
            totals=selectors.registry_totals(),
            type_rows=type_rows,
            benchmarks=selectors.benchmark_list(),
            recent=selectors.recently_updated_clusters(),
            stakeholder_count=stakeholder_selectors.stakeholder_public().count(),
        )
        return context


@dataclass
class Cell:
    """A table cell of a statistics table: the number and, where useful, the list it counts."""

    value: int
    url: str = ""


@dataclass
class StatsRow:
    """A row of a statistics table: a label (with its list) and its cells."""

    label: str
    url: str
    cells: list


@dataclass
class StatsChart:
    """A chart on the statistics page with the table and CSV that carry its numbers."""

    slug: str
    title: str
    caption: str
    columns: list
    rows: list
    svg: str = ""
    legend: list = field(default_factory=list)

    def csv_rows(self):
        """Return the rows as dicts of the columns, for the CSV download."""
        return [
            dict(zip(self.columns, [row.label, *(cell.value for cell in row.cells)], strict=True))
            for row in self.rows
        ]


def _list_url(**params):
    return reverse("clusters:cluster_list") + "?" + urlencode(params)


def _type_status_chart():
    statuses = ClassificationStatus.choices
    rows = [
        StatsRow(
            label=row.label,
            url=_list_url(cluster_type=row.cluster_type),
            cells=[
                *(
                    Cell(
                        count,
                        _list_url(cluster_type=row.cluster_type, classification_status=status)
                        if count
                        else "",
                    )
                    for count, (status, _label) in zip(row.cells(), statuses, strict=True)
                ),
                Cell(row.total),
            ],
        )
        for row in selectors.clusters_by_type_and_status()
    ]
    title = _("Clusters by type and classification")
    chart = StatsChart(
        slug="type-status",
        title=title,
        caption=_("Published clusters of each type, by classification status"),
        columns=[_("Type"), *(str(label) for _value, label in statuses), _("Total")],
        rows=rows,
        legend=[(status.replace("_", "-"), label) for status, label in statuses],
    )
    chart.svg = charts.stacked_bar_chart(
        chart_id="chart-type-status",
        title=title,
        description=_("Stacked bars, one per cluster type; the table below gives the numbers."),
        bars=[
            charts.StackedBar(
                label=row.label,
                segments=tuple(
                    charts.Segment(
                        label=str(label),
                        value=cell.value,
                        css_class=f"fill--{status}".replace("_", "-"),
                    )
                    for cell, (status, label) in zip(row.cells, statuses, strict=False)
                ),
            )
            for row in rows
        ],
    )
    return chart


def _state_label(item):
    return item.name or _("State not recorded")


def _states_chart():
    states = selectors.clusters_by_state()
    title = _("Top states by number of clusters")
    rows = [
        StatsRow(
            label=_state_label(item),
            url=_list_url(state=item.slug) if item.slug else "",
            cells=[Cell(item.count)],
        )
        for item in states
    ]
    chart = StatsChart(
        slug="top-states",
        title=title,
        caption=_("The %(n)s states with the most published clusters") % {"n": len(rows)},
        columns=[_("State"), _("Clusters")],
        rows=rows,
    )
    chart.svg = charts.bar_chart(
        chart_id="chart-top-states",
        title=title,
        description=_("One bar per state; the table below gives the numbers."),
        bars=[charts.Bar(label=row.label, value=row.cells[0].value) for row in rows],
    )
    return chart


def _potential_chart():
    states = selectors.potential_clusters_by_state()
    title = _("Potential clusters by state")
    rows = [
        StatsRow(
            label=_state_label(item),
            url=_list_url(state=item.slug, classification_status="potential") if item.slug else "",
            cells=[Cell(item.count)],
        )
        for item in states
    ]
    chart = StatsChart(
        slug="potential-by-state",
        title=title,
        caption=_(
            "Published clusters below the benchmark for their type (potential clusters), by state"
        ),
        columns=[_("State"), _("Potential clusters")],
        rows=rows,
    )
    chart.svg = charts.bar_chart(
        chart_id="chart-potential-by-state",
        title=title,
        description=_("One bar per state; the table below gives the numbers."),
        bars=[
            charts.Bar(label=row.label, value=row.cells[0].value, css_class="fill--potential")
            for row in rows
        ],
    )
    return chart


STATS_CHARTS = {
    "type-status": _type_status_chart,
    "top-states": _states_chart,
    "potential-by-state": _potential_chart,
}


class StatsView(TemplateView):
    """Headline totals and bar charts of the published clusters, each with a table and CSV."""

    template_name = "clusters/stats.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            totals=selectors.registry_totals(),
            charts=[build() for build in STATS_CHARTS.values()],
        )
        return context


class StatsCsvView(View):
    """The numbers of one statistics chart as CSV."""

    def get(self, request, chart):
        build = STATS_CHARTS.get(chart)
        if build is None:
            raise Http404(_("There is no such chart."))
        stats = build()
        stream = io.StringIO()
        write_csv(stats.csv_rows(), stats.columns, stream)
        response = HttpResponse(stream.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = _attachment(f"cluster-stats-{chart}") + '.csv"'
        return response


# About the data ---------------------------------------------------------------------------

SOURCES_FILE = settings.BASE_DIR / "fixtures" / "SOURCES.md"


@dataclass(frozen=True)
class TextBlock:
    """A block of fixtures/SOURCES.md: a heading (level 2 or 3), a paragraph or a list."""

    kind: str
    html: str = ""
    level: int = 0
    items: tuple = ()


def _inline(text):
    """Return `text` escaped, with `code` spans as <code>: the only markup we honour."""
    return mark_safe(re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text)))


def text_blocks(source):
    """Split Markdown-like text into TextBlocks: '#' headings (shifted one level down, under
    the page's h1), '- ' lists and paragraphs separated by blank lines; the rest is text."""
    blocks = []
    for chunk in re.split(r"\n\s*\n", source.strip()):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("#"):
            marks, _, title = lines[0].partition(" ")
            level = min(len(marks) + 1, 4)
            blocks.append(TextBlock("heading", _inline(title.strip()), level=level))
            lines = lines[1:]
            if not lines:
                continue
        if all(line.startswith(("- ", "* ")) for line in lines):
            blocks.append(TextBlock("list", items=tuple(_inline(line[2:]) for line in lines)))
        else:
            blocks.append(TextBlock("paragraph", _inline(" ".join(lines))))
    return blocks


class AboutDataView(TemplateView):
    """Where the figures come from: fixtures/SOURCES.md shown as plain paragraphs."""

    template_name = "about_data.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            source = SOURCES_FILE.read_text(encoding="utf-8")
        except OSError:
            source = ""
        context.update(blocks=text_blocks(source))
        return context
