"""Reads the programme pages (public and workspace) need beyond programmes.selectors: an
initiative with every part its page shows prefetched, among any queryset (the public ones,
or those a user may change), and a cluster's measurements in chart order. Each runs a
fixed number of queries.

Then the layout of an initiative's page from what they read (initiative_page_layout: the
timeline, the study's sections, the plan by horizon, the indicators as small charts), in
plain data that the public page and the workspace's both show, so that neither interface
borrows it from the other.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from . import selectors
from .choices import Horizon, InitiativeStage
from .indicator_charts import BASELINE, MEASUREMENT, TARGET, IndicatorSeries, Point, indicator_chart
from .models import (
    DiagnosticStudy,
    IndicatorMeasurement,
    IndicatorTarget,
    Initiative,
    PlanActivity,
    StudyDocument,
)
from .years import format_year


def initiative_rows(queryset=None):
    """Return initiatives with what a list row shows (cluster, region, scheme, agency)."""
    queryset = Initiative.objects.all() if queryset is None else queryset
    return queryset.select_related("cluster", "cluster__region", "scheme", "agency")


def public_initiatives():
    """Return the public initiatives (programmes.selectors) with what a row shows."""
    return initiative_rows(selectors.public_initiatives())


def with_page_details(queryset):
    """Return `queryset` with an initiative page's parts prefetched: its study (documents,
    stakeholders consulted), its plan (responsible stakeholders) and its targets."""
    return initiative_rows(queryset).prefetch_related(
        Prefetch(
            "study",
            queryset=DiagnosticStudy.objects.prefetch_related(
                Prefetch(
                    "documents",
                    queryset=StudyDocument.objects.only(
                        "pk", "study_id", "title", "content_type", "size", "uploaded_at"
                    ),
                ),
                "consulted",
            ),
        ),
        Prefetch(
            "activities",
            queryset=PlanActivity.objects.prefetch_related("responsible").order_by(
                "position", "pk"
            ),
        ),
        Prefetch("targets", queryset=_targets()),
    )


def _targets():
    return IndicatorTarget.objects.select_related("indicator").order_by(
        "indicator__position", "indicator__slug"
    )


def initiative_page(*, slug, queryset=None):
    """Return the initiative at `slug` among `queryset` (default: the public ones) with its
    page's parts, or None."""
    queryset = public_initiatives() if queryset is None else queryset
    return with_page_details(queryset).filter(slug=slug).first()


def cluster_initiatives(*, cluster, queryset=None):
    """Return the initiatives of `cluster` among `queryset` (default: the public ones) with
    their pages' parts, newest first."""
    queryset = public_initiatives() if queryset is None else queryset
    return list(
        with_page_details(queryset.filter(cluster=cluster)).order_by("-started_on", "title", "pk")
    )


def cluster_measurements(*, cluster):
    """Return the indicator measurements of `cluster`, with their indicator, by year."""
    return list(
        IndicatorMeasurement.objects.filter(cluster=cluster)
        .select_related("indicator")
        .order_by("indicator__position", "indicator__slug", "year")
    )


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
                baseline=_target_point(target, BASELINE, "baseline"),
                target=_target_point(target, TARGET, "target"),
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


def initiative_page_layout(initiative, *, measurements, computed):
    """Return the InitiativePage of `initiative` (its parts prefetched by initiative_page),
    as the public page and the workspace's both show it."""
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


def _target_point(target, kind, end):
    """Return the `end` ("baseline" or "target") of an IndicatorTarget as a chart Point,
    or None when its value or year is not recorded."""
    value, year = getattr(target, f"{end}_value"), getattr(target, f"{end}_year")
    if value is None or not year:
        return None
    return Point(
        kind=kind,
        year=year,
        year_label=format_year(year, getattr(target, f"{end}_fiscal")),
        value=value,
        estimated=target.estimated,
        source=target.source,
    )
