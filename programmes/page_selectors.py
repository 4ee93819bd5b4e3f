"""Reads the programme pages (public and workspace) need beyond programmes.selectors: an
initiative with every part its page shows prefetched, among any queryset (the public ones,
or those a user may change), and a cluster's measurements in chart order. Each runs a
fixed number of queries.
"""

from django.db.models import Prefetch

from . import selectors
from .models import (
    DiagnosticStudy,
    IndicatorMeasurement,
    IndicatorTarget,
    Initiative,
    PlanActivity,
    StudyDocument,
)


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
