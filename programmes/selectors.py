"""Reads of development initiatives for the public pages, the workspace and the API.

An initiative is public when it is published and its cluster is published; an indicator
measurement is public with its cluster. A study document's title is public with its
study, its file never (programmes.permissions.DOWNLOAD). Everything a page draws (the
timeline, the plan, the indicator charts) is returned as plain data.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from clusters.choices import PublicationStatus
from clusters.models import Agency, Cluster, Region
from common.permissions import VIEW

from .choices import Horizon, InitiativeStage
from .indicators import computed_values
from .models import (
    DiagnosticStudy,
    Indicator,
    IndicatorMeasurement,
    IndicatorTarget,
    Initiative,
    PlanActivity,
    Scheme,
    StudyDocument,
)
from .permissions import (
    DOWNLOAD,
    initiative_policy,
    measurement_policy,
    public_initiatives_q,
)
from .years import format_year

PUBLISHED = PublicationStatus.PUBLISHED


# Lists -------------------------------------------------------------------------------------


def _listed(queryset):
    return queryset.select_related("cluster", "cluster__region", "scheme", "agency").order_by(
        "cluster__product", "cluster__place", "-started_on", "title", "pk"
    )


def public_initiatives():
    """Return the public initiatives: published, in published clusters."""
    return Initiative.objects.filter(public_initiatives_q())


def initiative_counts(clusters):
    """Return {cluster id: its public initiatives} for the clusters of `clusters` (a
    queryset or ids) that have any: the "complementary efforts by others" of FAQ Q43 (vi).
    A cluster with none recorded is absent (not known to have none), never a zero."""
    rows = (
        public_initiatives()
        .filter(cluster__in=clusters)
        .values("cluster_id")
        .annotate(count=Count("pk"))
        .values_list("cluster_id", "count")
    )
    return dict(rows)


def initiative_list(*, user=None):
    """Return the initiatives of /programmes/ (the public ones; with `user`, those the user
    may view), with what a row shows, in the list's default order."""
    if user is None:
        return _listed(public_initiatives())
    return _listed(initiative_policy.instances_user_has_permission_for(user, VIEW))


def initiative_export_list(*, user=None):
    """Return the initiatives a download writes (the list's, with the study's completion)."""
    return initiative_list(user=user).select_related("study")


def cluster_initiatives(cluster, *, user=None):
    """Return the initiatives of `cluster` the public (or `user`) may see, newest first."""
    if user is None:
        rows = public_initiatives()
    else:
        rows = initiative_policy.instances_user_has_permission_for(user, VIEW)
    return (
        rows.filter(cluster=cluster)
        .select_related("scheme", "agency")
        .order_by("-started_on", "title", "pk")
    )


def cluster_development_summary(cluster):
    """Return what the cluster profile's "Development" section shows: its public
    initiatives (scheme, agency, stage) and how many indicators are measured."""
    initiatives = list(cluster_initiatives(cluster))
    measured = (
        IndicatorMeasurement.objects.filter(cluster=cluster).values("indicator").distinct().count()
        if cluster.status == PUBLISHED
        else 0
    )
    return {"initiatives": initiatives, "indicators_measured": measured}


@dataclass
class InitiativeFilterOptions:
    schemes: list
    states: list
    agencies: list
    stages: list


def initiative_filter_options():
    """Return the choices the /programmes/ filters offer: every scheme, and the states and
    agencies that have a public initiative."""
    public = public_initiatives()
    return InitiativeFilterOptions(
        schemes=list(Scheme.objects.order_by("name")),
        states=list(
            Region.objects.filter(clusters__initiatives__in=public).distinct().order_by("name")
        ),
        agencies=list(Agency.objects.filter(initiatives__in=public).distinct().order_by("name")),
        stages=list(InitiativeStage.choices),
    )


def initiatives_by_scheme():
    """Return [(scheme, public initiative count)] for every scheme, most first."""
    counts = Scheme.objects.annotate(
        count=Count("initiatives", filter=public_initiatives_q("initiatives__"))
    )
    return [(scheme, scheme.count) for scheme in counts.order_by("-count", "name")]


# Chart data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """One value on an indicator chart: the baseline, a measurement or the target."""

    kind: str  # "baseline", "measurement", "target"
    year: int | None
    fiscal: bool
    value: Decimal
    estimated: bool = False
    source: str = ""

    @property
    def year_label(self):
        return format_year(self.year, self.fiscal)

    @property
    def kind_label(self):
        return str(POINT_LABELS[self.kind])


POINT_LABELS = {
    "baseline": _("Baseline"),
    "measurement": _("Measured"),
    "target": _("Target"),
}


@dataclass
class IndicatorChart:
    """An indicator of an initiative (or measured in a cluster): baseline → measurements →
    target, as plain data for a small chart and its table."""

    indicator: Indicator
    baseline: Point | None = None
    measurements: list = field(default_factory=list)
    target: Point | None = None
    computed: object = None  # a ComputedValue where the registry computes the indicator

    @property
    def unit(self):
        return self.indicator.unit

    @property
    def latest(self):
        """Return the newest measurement, or None."""
        return self.measurements[-1] if self.measurements else None

    @property
    def points(self):
        """Return every point in the order drawn: baseline, measurements, target."""
        points = [self.baseline] if self.baseline else []
        points += self.measurements
        if self.target:
            points.append(self.target)
        return points

    @property
    def max_value(self):
        """Return the largest value drawn (the chart's scale), at least 1."""
        values = [point.value for point in self.points]
        if self.computed is not None:
            values.append(Decimal(self.computed.value))
        return max([Decimal(1), *values])

    def share_of_scale(self, value):
        """Return `value` as a percentage of the chart's scale (a bar's length)."""
        return float(Decimal(value) * 100 / self.max_value)

    @property
    def progress(self):
        """Return how far the latest measurement got from the baseline to the target, in
        per cent (may exceed 100 or be negative), or None when that cannot be said."""
        if self.target is None or self.latest is None:
            return None
        start = self.baseline.value if self.baseline else Decimal(0)
        span = self.target.value - start
        if span == 0:
            return None
        return round(float((self.latest.value - start) * 100 / span))

    @property
    def target_met(self):
        if self.target is None or self.latest is None:
            return None
        start = self.baseline.value if self.baseline else Decimal(0)
        if self.target.value >= start:
            return self.latest.value >= self.target.value
        return self.latest.value <= self.target.value


def _point(kind, year, fiscal, value, estimated=False, source=""):
    if value is None:
        return None
    return Point(kind, year, fiscal, value, estimated, source)


def _measurement_points(measurements):
    return [
        _point("measurement", m.year, m.fiscal, m.value, m.estimated, m.source)
        for m in sorted(measurements, key=lambda m: m.year)
    ]


def initiative_charts(initiative, measurements_by_indicator, computed=None):
    """Return the IndicatorCharts of `initiative`'s targets: each the target's baseline,
    its cluster's measurements of the indicator (from the baseline year on) and the target."""
    charts = []
    computed = computed or {}
    for target in initiative.targets.all():
        measurements = measurements_by_indicator.get(target.indicator_id, [])
        if target.baseline_year is not None:
            measurements = [m for m in measurements if m.year >= target.baseline_year]
        charts.append(
            IndicatorChart(
                indicator=target.indicator,
                baseline=_point(
                    "baseline",
                    target.baseline_year,
                    target.baseline_fiscal,
                    target.baseline_value,
                    target.estimated,
                    target.source,
                ),
                measurements=_measurement_points(measurements),
                target=_point(
                    "target",
                    target.target_year,
                    target.target_fiscal,
                    target.target_value,
                    target.estimated,
                    target.source,
                ),
                computed=computed.get(target.indicator.slug),
            )
        )
    return charts


# An initiative's page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEvent:
    date: object
    label: str
    kind: str  # "start", "study", "activity", "end"


@dataclass
class PlanGroup:
    horizon: str
    label: str
    activities: list


@dataclass
class InitiativeDetail:
    """What an initiative's page (and each initiative of a development page) shows."""

    initiative: Initiative
    study: DiagnosticStudy | None
    study_sections: list  # [(label, text)] of the sections written
    consulted: list
    documents: list  # [(document, may_download)]
    plan: list  # [PlanGroup] by horizon, short first
    charts: list  # [IndicatorChart]
    timeline: list  # [TimelineEvent] by date

    @property
    def stage_steps(self):
        """Return [(stage value, label, state)] along diagnostic study → completed, state
        "done", "current" or "ahead" (a stopped initiative ends where it stopped)."""
        order = [
            InitiativeStage.DIAGNOSTIC_STUDY,
            InitiativeStage.ACTION_PLAN,
            InitiativeStage.IMPLEMENTATION,
            InitiativeStage.COMPLETED,
        ]
        stage = self.initiative.stage
        if stage == InitiativeStage.STOPPED:
            return [(s.value, s.label, "done") for s in order[:1]] + [
                (stage, InitiativeStage(stage).label, "current")
            ]
        current = order.index(stage)
        return [
            (s.value, s.label, "done" if i < current else "current" if i == current else "ahead")
            for i, s in enumerate(order)
        ]


def _detail_queryset(queryset):
    return queryset.select_related(
        "cluster", "cluster__region", "scheme", "agency", "development_agent", "study"
    ).prefetch_related(
        Prefetch(
            "activities",
            queryset=PlanActivity.objects.order_by("position", "pk").prefetch_related(
                "responsible"
            ),
        ),
        Prefetch(
            "targets",
            queryset=IndicatorTarget.objects.select_related("indicator").order_by(
                "indicator__position", "indicator__slug"
            ),
        ),
        Prefetch("study__consulted"),
        Prefetch("study__documents", queryset=StudyDocument.objects.order_by("title", "pk")),
    )


def _study(initiative):
    try:
        return initiative.study
    except DiagnosticStudy.DoesNotExist:
        return None


def _detail(initiative, measurements_by_indicator, computed, *, may_download):
    study = _study(initiative)
    sections, consulted, documents = [], [], []
    if study is not None:
        sections = [
            (DiagnosticStudy._meta.get_field(name).verbose_name, getattr(study, name))
            for name in DiagnosticStudy.SECTIONS
            if getattr(study, name)
        ]
        consulted = list(study.consulted.all())
        documents = [(document, may_download) for document in study.documents.all()]
    activities = list(initiative.activities.all())
    plan = [
        PlanGroup(value, label, [a for a in activities if a.horizon == value])
        for value, label in Horizon.choices
    ]
    events = []
    if initiative.started_on:
        events.append(TimelineEvent(initiative.started_on, _("Initiative started"), "start"))
    if study is not None and study.completed_on:
        events.append(TimelineEvent(study.completed_on, _("Diagnostic study completed"), "study"))
    events += [TimelineEvent(a.due_on, a.title, "activity") for a in activities if a.due_on]
    if initiative.ended_on:
        events.append(TimelineEvent(initiative.ended_on, _("Initiative ended"), "end"))
    events.sort(key=lambda event: event.date)
    return InitiativeDetail(
        initiative=initiative,
        study=study,
        study_sections=sections,
        consulted=consulted,
        documents=documents,
        plan=[group for group in plan if group.activities],
        charts=initiative_charts(initiative, measurements_by_indicator, computed),
        timeline=events,
    )


def _measurements_by_indicator(cluster, *, user=None):
    if user is None:
        if cluster.status != PUBLISHED:
            return {}
        rows = IndicatorMeasurement.objects.filter(cluster=cluster)
    else:
        rows = measurement_policy.instances_user_has_permission_for(user, VIEW).filter(
            cluster=cluster
        )
    grouped = {}
    for measurement in rows.order_by("indicator_id", "year"):
        grouped.setdefault(measurement.indicator_id, []).append(measurement)
    return grouped


def _may_download(user, initiative):
    if user is None or not user.is_authenticated:
        return False
    from .permissions import document_policy

    return document_policy.user_has_permission(user, DOWNLOAD) and (
        initiative_policy.user_has_permission_for_instance(user, "change", initiative)
    )


def initiative_detail(*, slug, user=None):
    """Return the InitiativeDetail of the initiative `slug` the public (or `user`) may see,
    or None (the page is then 404)."""
    if user is None:
        rows = public_initiatives()
    else:
        rows = initiative_policy.instances_user_has_permission_for(user, VIEW)
    initiative = _detail_queryset(rows.filter(slug=slug)).first()
    if initiative is None:
        return None
    computed = computed_values(initiative.cluster) if initiative.targets.all() else {}
    return _detail(
        initiative,
        _measurements_by_indicator(initiative.cluster, user=user),
        computed,
        may_download=_may_download(user, initiative),
    )


# A cluster's development page ------------------------------------------------------------------


@dataclass
class DevelopmentPage:
    """/clusters/<slug>/development/: the cluster's initiatives with their timeline, plan and
    indicator charts; the indicators measured without a target; the computed indicators."""

    cluster: Cluster
    initiatives: list  # [InitiativeDetail]
    other_charts: list  # [IndicatorChart] of measured indicators no initiative targets
    computed: list  # [ComputedValue], "computed from the registry"

    @property
    def is_empty(self):
        return not (self.initiatives or self.other_charts)


def cluster_development(*, slug, user=None):
    """Return the DevelopmentPage of the cluster `slug` (published, or visible to `user`),
    or None (404)."""
    from clusters.permissions import cluster_policy

    clusters = (
        Cluster.objects.filter(status=PUBLISHED)
        if user is None
        else cluster_policy.instances_user_has_permission_for(user, VIEW)
    )
    cluster = clusters.select_related("region", "agency", "sector").filter(slug=slug).first()
    if cluster is None:
        return None
    return development_of(cluster, user=user)


def development_of(cluster, *, user=None):
    """Return the DevelopmentPage of `cluster` (its public part, or what `user` may see)."""
    rows = (
        public_initiatives()
        if user is None
        else initiative_policy.instances_user_has_permission_for(user, VIEW)
    )
    initiatives = list(
        _detail_queryset(rows.filter(cluster=cluster)).order_by("-started_on", "title", "pk")
    )
    measurements = _measurements_by_indicator(cluster, user=user)
    computed = computed_values(cluster)
    details = [
        _detail(
            initiative,
            measurements,
            computed,
            may_download=_may_download(user, initiative),
        )
        for initiative in initiatives
    ]
    targeted = {t.indicator_id for i in initiatives for t in i.targets.all()}
    untargeted = [pk for pk in measurements if pk not in targeted]
    indicators = Indicator.objects.in_bulk(untargeted)
    other = [
        IndicatorChart(
            indicator=indicators[pk],
            measurements=_measurement_points(measurements[pk]),
        )
        for pk in sorted(untargeted, key=lambda pk: (indicators[pk].position, indicators[pk].slug))
    ]
    return DevelopmentPage(
        cluster=cluster,
        initiatives=details,
        other_charts=other,
        computed=list(computed.values()),
    )


def measurement_list(*, user=None):
    """Return the indicator measurements the public (or `user`) may see, with their cluster
    and catalogue entry, in the export's order (cluster, indicator, year)."""
    if user is None:
        rows = IndicatorMeasurement.objects.filter(cluster__status=PUBLISHED)
    else:
        rows = measurement_policy.instances_user_has_permission_for(user, VIEW)
    return rows.select_related("cluster", "cluster__region", "indicator").order_by(
        "cluster__product", "cluster__place", "indicator__position", "year", "pk"
    )


def indicator_catalogue():
    """Return the catalogue with how many public measurements each indicator has."""
    return Indicator.objects.annotate(
        measured=Count("measurements", filter=Q(measurements__cluster__status=PUBLISHED))
    ).order_by("position", "slug")


def document_for_download(*, user, pk):
    """Return the study document `pk` if `user` may download its file (the editors of the
    initiative's agency and curators), else None: the view then answers 404."""
    from .permissions import document_policy

    if user is None or not user.is_authenticated:
        return None
    return (
        document_policy.instances_user_has_permission_for(user, DOWNLOAD)
        .select_related("study__initiative")
        .filter(pk=pk)
        .first()
    )


def initiative_review_queue():
    """Return the initiatives waiting for a curator, oldest submission first."""
    return (
        Initiative.objects.filter(status=PublicationStatus.SUBMITTED)
        .select_related("cluster", "cluster__region", "agency", "scheme")
        .order_by("updated", "pk")
    )


def initiative_reviews(initiative):
    """Return the workflow steps of `initiative` (who submitted, published, returned), newest
    first."""
    return initiative.reviews.select_related("user").order_by("-created", "-id")
