"""The home page and the statistics page: headline numbers, charts, their tables and CSV."""

import io
from dataclasses import dataclass, field

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from clusters import selectors
from clusters.choices import ClassificationStatus
from common.exports import attachment
from common.tabular import write_csv
from public import charts
from stakeholders import selectors as stakeholder_selectors

# Home and statistics --------------------------------------------------------------------


class HomeView(TemplateView):
    """The registry's front page: what a cluster is, the benchmarks, headline numbers."""

    template_name = "public/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        type_rows = selectors.clusters_by_type_and_status()
        context.update(
            totals=selectors.registry_totals(),
            type_rows=type_rows,
            benchmarks=selectors.benchmark_list(),
            recent=selectors.recently_updated_clusters(),
            stakeholder_count=stakeholder_selectors.stakeholder_public_count(),
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

    template_name = "public/clusters/stats.html"

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
        response["Content-Disposition"] = attachment(f"cluster-stats-{chart}", "csv")
        return response
