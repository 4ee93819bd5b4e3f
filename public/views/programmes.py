"""Public pages of cluster development programmes: the list of initiatives, an initiative's
page and a cluster's development page (timeline, plan, indicators as small charts).

Views parse the request and call selectors; only published initiatives of published
clusters are public. Pages are kept for anonymous readers by common.page_cache (every
write bumps the public version), and each runs a fixed number of queries.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from clusters import selectors as cluster_selectors
from clusters.choices import ClusterType
from common.page_cache import kept_until_public_change
from programmes import exports, indicators, page_selectors, selectors
from programmes.choices import Horizon, InitiativeStage
from programmes.filtersets import InitiativeFilterSet
from programmes.models import DiagnosticStudy
from programmes.years import format_year
from public.indicator_charts import (
    BASELINE,
    MEASUREMENT,
    TARGET,
    IndicatorSeries,
    Point,
    indicator_chart,
)
from public.views.lists import FilteredListView, without_blanks

# What an initiative's page shows ---------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One stage of the timeline: its label, a date if known, and where the initiative is."""

    stage: str
    label: str
    date: object = None
    state: str = "upcoming"  # "done", "current" or "upcoming"

    @property
    def state_label(self):
        return {
            "done": _("done"),
            "current": _("current stage"),
            "upcoming": _("not reached"),
        }[self.state]


STAGE_ORDER = [
    InitiativeStage.DIAGNOSTIC_STUDY,
    InitiativeStage.ACTION_PLAN,
    InitiativeStage.IMPLEMENTATION,
]


def timeline(initiative, study):
    """Return the stages of `initiative` in order, each done, current or not reached, with
    the dates the registry knows (start, study completed, end)."""
    stage = initiative.stage
    ended = stage in (InitiativeStage.COMPLETED, InitiativeStage.STOPPED)
    current = len(STAGE_ORDER) if ended else STAGE_ORDER.index(stage)
    dates = {
        InitiativeStage.DIAGNOSTIC_STUDY: initiative.started_on,
        InitiativeStage.ACTION_PLAN: study.completed_on if study else None,
    }
    steps = []
    for index, value in enumerate(STAGE_ORDER):
        state = "done" if index < current else ("current" if index == current else "upcoming")
        steps.append(Step(stage=value, label=value.label, date=dates.get(value), state=state))
    last = (
        InitiativeStage.STOPPED if stage == InitiativeStage.STOPPED else InitiativeStage.COMPLETED
    )
    steps.append(
        Step(
            stage=last,
            label=last.label,
            date=initiative.ended_on if ended else None,
            state="current" if ended else "upcoming",
        )
    )
    return steps


@dataclass(frozen=True)
class PlanGroup:
    """The activities of one horizon of an action plan."""

    horizon: str
    label: str
    activities: list


def plan_groups(activities):
    """Return an action plan's activities grouped by horizon (short, medium, long)."""
    groups = []
    for value, label in Horizon.choices:
        chosen = [activity for activity in activities if activity.horizon == value]
        if chosen:
            groups.append(PlanGroup(horizon=value, label=label, activities=chosen))
    return groups


def study_sections(study):
    """Return the written sections of a diagnostic study as (label, text), in Q48's order."""
    if study is None:
        return []
    sections = []
    for name in study.SECTIONS:
        text = getattr(study, name)
        if text.strip():
            sections.append((study._meta.get_field(name).verbose_name, text))
    return sections


def _measurement_points(measurements):
    return [
        Point(
            kind=MEASUREMENT,
            year=measurement.year,
            year_label=measurement.year_label,
            value=measurement.value,
            estimated=measurement.estimated,
            source=measurement.source,
        )
        for measurement in measurements
    ]


def indicator_series(*, targets, measurements, country="IN", computed=None):
    """Return one IndicatorSeries per indicator with a target (baseline → measurements →
    target), then one per other indicator measured in the cluster.

    `measurements` are the cluster's (every initiative in a cluster shares them);
    `computed` maps an indicator's slug to the value the registry computes from its own
    data, shown as this year's measurement and labelled so.
    """
    by_indicator = {}
    for measurement in measurements:
        by_indicator.setdefault(measurement.indicator_id, []).append(measurement)
    computed = computed or {}
    series = []
    seen = set()
    for target in targets:
        indicator = target.indicator
        seen.add(indicator.pk)
        series.append(
            _series(
                indicator,
                by_indicator.get(indicator.pk, []),
                country=country,
                computed=computed.get(indicator.slug),
                baseline=Point(
                    kind=BASELINE,
                    year=target.baseline_year,
                    year_label=format_year(target.baseline_year, target.baseline_fiscal),
                    value=target.baseline_value,
                    estimated=target.estimated,
                    source=target.source,
                )
                if target.baseline_value is not None and target.baseline_year
                else None,
                target=Point(
                    kind=TARGET,
                    year=target.target_year,
                    year_label=format_year(target.target_year, target.target_fiscal),
                    value=target.target_value,
                    estimated=target.estimated,
                    source=target.source,
                )
                if target.target_value is not None and target.target_year
                else None,
            )
        )
    others = {}
    for indicator_id, rows in by_indicator.items():
        if indicator_id not in seen:
            others[indicator_id] = rows
    for rows in sorted(others.values(), key=lambda rows: rows[0].indicator.position):
        seen.add(rows[0].indicator_id)
        series.append(_series(rows[0].indicator, rows, country=country))
    # What the registry computes and nobody targeted: shown where it found something.
    for value in computed.values():
        if value.indicator.pk not in seen and value.value:
            series.append(_series(value.indicator, [], country=country, computed=value))
    return series


def _series(indicator, measurements, *, country, computed=None, baseline=None, target=None):
    points = _measurement_points(measurements)
    if computed is not None:
        year, value = computed.as_of.year, Decimal(computed.value)
        points = [point for point in points if point.year != year]
        points.append(
            Point(
                kind=MEASUREMENT,
                year=year,
                year_label=str(year),
                value=value,
                source=_("computed from the registry"),
            )
        )
        points.sort(key=lambda point: point.year)
    return IndicatorSeries(
        slug=indicator.slug,
        name=indicator.name,
        unit=indicator.unit,
        level_label=indicator.get_level_display(),
        computed=bool(indicator.computed_from),
        computed_note=indicator.get_computed_from_display() if indicator.computed_from else "",
        baseline=baseline,
        target=target,
        measurements=points,
        country=country,
    )


@dataclass
class Chart:
    """A small multiple with its series (for the table beside it)."""

    series: IndicatorSeries
    svg: str
    chart_id: str


def charts(series_list, *, prefix):
    """Return a Chart (the SVG and its series) for each IndicatorSeries."""
    return [
        Chart(
            series=series,
            svg=indicator_chart(series, chart_id=f"{prefix}-{series.slug}"),
            chart_id=f"{prefix}-{series.slug}",
        )
        for series in series_list
    ]


def computed_values(cluster):
    """Return {indicator slug: ComputedValue} of the indicators the registry computes from
    its own data for `cluster` (networks, linked institutions, BDS providers)."""
    return indicators.computed_values(cluster)


@dataclass
class InitiativePage:
    """Everything an initiative's section shows."""

    initiative: object
    study: object
    sections: list
    documents: list
    consulted: list
    steps: list
    plan: list
    charts: list


def initiative_page(initiative, *, measurements, computed):
    """Return the InitiativePage of `initiative` (its parts prefetched by the selector)."""
    try:
        study = initiative.study
    except DiagnosticStudy.DoesNotExist:  # no study recorded yet
        study = None
    series = indicator_series(
        targets=list(initiative.targets.all()),
        measurements=measurements,
        country=initiative.cluster.country,
        computed=computed,
    )
    return InitiativePage(
        initiative=initiative,
        study=study,
        sections=study_sections(study),
        documents=list(study.documents.all()) if study else [],
        consulted=list(study.consulted.all()) if study else [],
        steps=timeline(initiative, study),
        plan=plan_groups(list(initiative.activities.all())),
        charts=charts(series, prefix=f"indicator-{initiative.pk}"),
    )


# Views -------------------------------------------------------------------------------------


class InitiativeListView(FilteredListView):
    """The public list of development initiatives with filters, chips and pagination."""

    template_name = "public/programmes/initiative_list.html"

    filterset_class = InitiativeFilterSet

    def get_queryset(self):
        return selectors.initiative_list()

    def get_value_labels(self):
        options = self.options
        return {
            "scheme": {item.slug: str(item) for item in options.schemes},
            "state": {item.slug: str(item) for item in options.states},
            "agency": {item.slug: item.name for item in options.agencies},
        }

    def get(self, request, *args, **kwargs):
        self.options = kept_until_public_change(
            "initiative-filter-options", selectors.initiative_filter_options
        )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = self.request.GET
        context.update(
            options=self.options,
            stage_choices=InitiativeStage.choices,
            type_choices=ClusterType.choices,
            selected={name: data.getlist(name) for name in ("scheme", "state", "agency")},
        )
        return context


class InitiativeExportView(View):
    """The filtered list of public initiatives as CSV, XLSX or JSON (programmes.exports)."""

    file_format = "csv"

    def get(self, request):
        filterset = InitiativeFilterSet(
            without_blanks(request.GET), queryset=selectors.initiative_export_list()
        )
        if not filterset.is_valid():
            message = (
                _("Nothing exported: a filter is invalid.")
                + "\n"
                + "\n".join(
                    f"{name}: {error}"
                    for name, errors in filterset.errors.items()
                    for error in errors
                )
            )
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return exports.initiative_export_response(filterset.qs, file_format=self.file_format)


class MeasurementExportView(View):
    """The public indicator measurements in the import's columns, so that importing the
    file changes nothing (`?cluster=<slug>` keeps one cluster's)."""

    file_format = "csv"

    def get(self, request):
        measurements = exports.public_measurements()
        cluster = request.GET.get("cluster", "").strip()
        if cluster:
            measurements = measurements.filter(cluster__slug=cluster)
        return exports.measurement_export_response(measurements, file_format=self.file_format)


class InitiativeDetailView(TemplateView):
    """The public page of a published initiative; any other is not found (404)."""

    template_name = "public/programmes/initiative_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        initiative = page_selectors.initiative_page(slug=kwargs["slug"])
        if initiative is None:
            raise Http404(_("No published initiative has this address."))
        cluster = initiative.cluster
        page = initiative_page(
            initiative,
            measurements=page_selectors.cluster_measurements(cluster=cluster),
            computed=computed_values(cluster),
        )
        context.update(initiative=initiative, cluster=cluster, page=page)
        return context


class ClusterDevelopmentView(TemplateView):
    """A published cluster's development: its public initiatives, each with its timeline,
    plan and indicators, and the indicators measured in the cluster."""

    template_name = "public/programmes/cluster_development.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cluster = cluster_selectors.cluster_list().filter(slug=kwargs["slug"]).first()
        if cluster is None:
            raise Http404(_("No published cluster has this address."))
        measurements = page_selectors.cluster_measurements(cluster=cluster)
        computed = computed_values(cluster)
        initiatives = page_selectors.cluster_initiatives(cluster=cluster)
        pages = [
            initiative_page(initiative, measurements=measurements, computed=computed)
            for initiative in initiatives
        ]
        context.update(
            cluster=cluster,
            pages=pages,
            measured=charts(
                indicator_series(targets=[], measurements=measurements, country=cluster.country),
                prefix="cluster-indicator",
            ),
        )
        return context
