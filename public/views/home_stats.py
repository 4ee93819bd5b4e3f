"""The home page and the statistics page: headline numbers, charts, their tables and CSV."""

import io
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from clusters import economy, selectors
from clusters.choices import ClassificationStatus, ClusterType, Measure
from common.exports import attachment
from common.numbers import format_amount, format_count
from common.page_cache import kept_until_public_change
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

    value: int | None
    url: str = ""
    # The value as the page shows it ("₹1,350 crore", "not known"); blank shows a count.
    display: str = ""


@dataclass
class StatsRow:
    """A row of a statistics table: a label (with its list) and its cells."""

    label: str
    url: str
    cells: list
    # Whether the label is a record's own text (a state's or a sector's name).
    is_data: bool = False


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
    # What the reader should know besides the caption (clusters left out, the chart's cut).
    notes: list = field(default_factory=list)

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
            is_data=bool(item.name),
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
        bars=[
            charts.Bar(label=row.label, value=row.cells[0].value, is_data=row.is_data)
            for row in rows
        ],
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
            is_data=bool(item.name),
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
            charts.Bar(
                label=row.label,
                value=row.cells[0].value,
                css_class="fill--potential",
                is_data=row.is_data,
            )
            for row in rows
        ],
    )
    return chart


STATS_CHARTS = {
    "type-status": _type_status_chart,
    "top-states": _states_chart,
    "potential-by-state": _potential_chart,
}


# Weight in the economy ----------------------------------------------------------------------

# The measure switch: the address word of each measure, and its readable names.
ECONOMY_MEASURES = {
    "employment": Measure.EMPLOYMENT,
    "turnover": Measure.TURNOVER,
    "exports": Measure.EXPORTS,
}
ECONOMY_DIMENSIONS = ("state", "sector", "type")
ECONOMY_TOP = 10
# The small multiples show the latest years (the table has every one).
YEARS_SHOWN = 6


def _measure_title(measure):
    return {
        Measure.EMPLOYMENT: _("Employment"),
        Measure.TURNOVER: _("Annual turnover"),
        Measure.EXPORTS: _("Annual exports"),
    }[measure]


def _dimension_title(dimension):
    return {"state": _("by state"), "sector": _("by sector"), "type": _("by cluster type")}[
        dimension
    ]


def _dimension_column(dimension):
    return {"state": _("State"), "sector": _("Sector"), "type": _("Type")}[dimension]


def _group_label(dimension, group):
    if dimension == "type":
        return str(ClusterType(group.key).label)
    if group.name:
        return group.name
    return _("State not recorded") if dimension == "state" else _("Sector not recorded")


def _group_is_data(dimension, group):
    """Return whether a group's label is a record's name (a state, a sector), not ours."""
    return dimension != "type" and bool(group.name)


def _group_url(dimension, group):
    if not group.key:
        return ""
    parameter = {"state": "state", "sector": "sector", "type": "cluster_type"}[dimension]
    return _list_url(**{parameter: group.key})


def _shown(measure, value):
    if value is None:
        return _("not known")
    if measure in economy.AMOUNT_ECONOMY_MEASURES:
        return format_amount(value, economy.SUM_CURRENCY)
    return format_count(value)


def _known_note(known, clusters):
    return _("figure known for %(known)s of %(clusters)s clusters") % {
        "known": format_count(known),
        "clusters": format_count(clusters),
    }


def _economy_chart(dimension, measure_slug, groups=None):
    """Return the StatsChart of one measure by one dimension (`groups` from economy_by, or
    None to read them)."""
    measure = ECONOMY_MEASURES[measure_slug]
    if groups is None:
        groups = economy_groups()[dimension][measure]
    is_amount = measure in economy.AMOUNT_ECONOMY_MEASURES
    title = f"{_measure_title(measure)} {_dimension_title(dimension)}"
    columns = [
        _dimension_column(dimension),
        _("Total (₹)") if is_amount else _("Total"),
        _("Clusters with the figure"),
        _("Clusters"),
    ]
    if is_amount:
        columns.append(_("Left out: amount in another currency"))
    rows = []
    for group in groups:
        cells = [
            Cell(group.total, display=_shown(measure, group.total)),
            Cell(group.known),
            Cell(group.clusters),
        ]
        if is_amount:
            cells.append(Cell(group.other_currency))
        rows.append(
            StatsRow(
                label=_group_label(dimension, group),
                url=_group_url(dimension, group),
                cells=cells,
                is_data=_group_is_data(dimension, group),
            )
        )
    known = [group for group in groups if group.total is not None]
    drawn = known if dimension == "type" else known[:ECONOMY_TOP]
    notes = [
        _(
            "Totals add the current figure of each published cluster that has one; a group "
            "where no cluster has the figure shows “not known”, not zero."
        )
    ]
    if dimension != "type" and len(known) > ECONOMY_TOP:
        notes.append(
            _("The chart shows the %(n)s largest; the table has all %(all)s.")
            % {"n": ECONOMY_TOP, "all": len(groups)}
        )
    left_out = sum(group.other_currency for group in groups)
    if left_out:
        notes.append(
            _(
                "%(n)s clusters are left out of the totals: their amounts are in another "
                "currency than the rupee, and are not converted."
            )
            % {"n": format_count(left_out)}
        )
    chart = StatsChart(
        slug=f"economy-{dimension}-{measure_slug}",
        title=title,
        caption=_("%(title)s: total, and the clusters with the figure out of all published")
        % {"title": title},
        columns=columns,
        rows=rows,
        notes=notes,
    )
    chart.svg = charts.bar_chart(
        chart_id=f"chart-{chart.slug}",
        title=title,
        description=_(
            "One bar per group with the figure; the table below gives every group, "
            "with how many clusters have the figure."
        ),
        bars=[
            charts.Bar(
                label=_group_label(dimension, group),
                value=group.total,
                value_label=_shown(measure, group.total),
                note=_known_note(group.known, group.clusters),
                is_data=_group_is_data(dimension, group),
            )
            for group in drawn
        ],
        empty_text=_("Not known for any published cluster"),
    )
    return chart


def _crore(value):
    """Return a rupee amount in crore, short enough for a small chart ("1,350", "0.4")."""
    crore = Decimal(value) / Decimal(10_000_000)
    if crore >= 100:
        return format_count(int(crore.quantize(Decimal(1))))
    return f"{crore.quantize(Decimal('0.1')).normalize():f}"


def _years_chart(measure_slug, years=None):
    """Return the StatsChart of one measure's totals by year, from the figure history."""
    measure = ECONOMY_MEASURES[measure_slug]
    if years is None:
        years = economy_years()[measure]
    is_amount = measure in economy.AMOUNT_ECONOMY_MEASURES
    title = _measure_title(measure) + (" " + _("(₹ crore)") if is_amount else "")
    columns = [
        _("Year"),
        _("Total (₹)") if is_amount else _("Total"),
        _("Clusters reporting"),
    ]
    if is_amount:
        columns.append(_("Left out: amount in another currency"))
    rows = []
    for item in years:
        cells = [
            Cell(item.total, display=_shown(measure, item.total)),
            Cell(item.clusters),
        ]
        if is_amount:
            cells.append(Cell(item.other_currency))
        rows.append(StatsRow(label=item.year, url="", cells=cells))
    shown = years[-YEARS_SHOWN:]
    notes = []
    if len(years) > YEARS_SHOWN:
        notes.append(
            _("The chart shows the latest %(n)s years; the table has all %(all)s.")
            % {"n": YEARS_SHOWN, "all": len(years)}
        )
    chart = StatsChart(
        slug=f"economy-years-{measure_slug}",
        title=title,
        caption=_(
            "%(measure)s by year of the figure, with the number of clusters reporting each "
            "year: the clusters differ from year to year, so a change in the total is not "
            "growth"
        )
        % {"measure": _measure_title(measure)},
        columns=columns,
        rows=rows,
        notes=notes,
    )
    chart.svg = charts.column_chart(
        chart_id=f"chart-{chart.slug}",
        title=title,
        description=_(
            "One column per year, with the number of clusters reporting under each year; "
            "the table below gives the numbers."
        ),
        columns=[
            charts.Column(
                label=item.year,
                value=item.total,
                value_label=(_crore(item.total) if is_amount and item.total is not None else ""),
                sublabel=_("n=%(n)s") % {"n": format_count(item.clusters)},
            )
            for item in shown
        ],
        empty_text=_("No figure with a year"),
    )
    return chart


def economy_measure(value):
    """Return the measure switch's word for `value` (a GET parameter), employment by default."""
    return value if value in ECONOMY_MEASURES else "employment"


def economy_groups():
    """Return clusters.economy.economy_summary(), computed once per change of the registry."""
    return kept_until_public_change("stats-economy-groups", economy.economy_summary)


def economy_years():
    """Return clusters.economy.economy_over_time(), computed once per change of the registry."""
    return kept_until_public_change("stats-economy-years", economy.economy_over_time)


def economy_charts(measure_slug):
    """Return the charts of one measure by every dimension (one query, or none when kept)."""
    measure = ECONOMY_MEASURES[measure_slug]
    groups = economy_groups()
    return [
        _economy_chart(dimension, measure_slug, groups[dimension][measure])
        for dimension in ECONOMY_DIMENSIONS
    ]


def years_charts():
    """Return the small multiples: each measure's totals by year (one query, or none)."""
    years = economy_years()
    return [_years_chart(slug, years[measure]) for slug, measure in ECONOMY_MEASURES.items()]


ECONOMY_CHARTS = {
    **{
        f"economy-{dimension}-{slug}": partial(_economy_chart, dimension, slug)
        for dimension in ECONOMY_DIMENSIONS
        for slug in ECONOMY_MEASURES
    },
    **{f"economy-years-{slug}": partial(_years_chart, slug) for slug in ECONOMY_MEASURES},
}


class StatsView(TemplateView):
    """Headline totals and bar charts of the published clusters, each with a table and CSV."""

    template_name = "public/clusters/stats.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        measure = economy_measure(self.request.GET.get("measure"))
        context.update(
            totals=selectors.registry_totals(),
            charts=[build() for build in STATS_CHARTS.values()],
            economy_measure=measure,
            economy_switch=[
                (slug, _measure_title(value), slug == measure)
                for slug, value in ECONOMY_MEASURES.items()
            ],
            economy_charts=economy_charts(measure),
            years_charts=years_charts(),
        )
        return context


class StatsCsvView(View):
    """The numbers of one statistics chart as CSV."""

    def get(self, request, chart):
        build = STATS_CHARTS.get(chart) or ECONOMY_CHARTS.get(chart)
        if build is None:
            raise Http404(_("There is no such chart."))
        stats = build()
        stream = io.StringIO()
        write_csv(stats.csv_rows(), stats.columns, stream)
        response = HttpResponse(stream.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = attachment(f"cluster-stats-{chart}", "csv")
        return response
