"""Reads of stakeholders for the public pages.

A stakeholder is public only through a membership of at least one published cluster; only
those clusters, and only relationships within them, are ever shown.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch

from clusters.choices import PublicationStatus
from clusters.models import Cluster, Region

from .models import ClusterMembership, Relationship, Stakeholder

CLUSTER_OPTIONS_LIMIT = 300


def published_memberships():
    """Return memberships of published clusters."""
    return ClusterMembership.objects.filter(cluster__status=PublicationStatus.PUBLISHED)


def stakeholder_public():
    """Return the stakeholders that belong to at least one published cluster (no joins)."""
    return Stakeholder.objects.filter(
        Exists(published_memberships().filter(stakeholder=OuterRef("pk")))
    )


def _membership_prefetch():
    return Prefetch(
        "memberships",
        queryset=published_memberships()
        .select_related("cluster__region", "cluster__sector")
        .order_by("cluster__product", "cluster__place", "pk"),
        to_attr="public_memberships",
    )


def stakeholder_list():
    """Return public stakeholders with their region and their published clusters prefetched
    (`public_memberships`): two queries for a page of any length."""
    return (
        stakeholder_public()
        .select_related("region")
        .prefetch_related(_membership_prefetch())
        .order_by("name", "pk")
    )


def _public_relationships(other_end):
    """Return relationships in published clusters whose `other_end` belongs to that cluster."""
    return (
        Relationship.objects.filter(cluster__status=PublicationStatus.PUBLISHED)
        .filter(
            Exists(
                ClusterMembership.objects.filter(
                    cluster=OuterRef("cluster"), stakeholder=OuterRef(other_end)
                )
            )
        )
        .select_related(other_end, "cluster")
        .order_by("cluster__product", "kind", f"{other_end}__name", "pk")
    )


def stakeholder_profile(*, slug):
    """Return the public stakeholder `slug` with its published clusters and its relationships
    in both directions (`public_outgoing`, `public_incoming`), or None."""
    return (
        stakeholder_list()
        .prefetch_related(
            Prefetch(
                "outgoing_relationships",
                queryset=_public_relationships("target"),
                to_attr="public_outgoing",
            ),
            Prefetch(
                "incoming_relationships",
                queryset=_public_relationships("source"),
                to_attr="public_incoming",
            ),
        )
        .filter(slug=slug)
        .first()
    )


@dataclass(frozen=True)
class StakeholderFilterOptions:
    """The states and clusters the stakeholder filter form offers."""

    states: list
    clusters: list
    too_many_clusters: bool


def stakeholder_filter_options():
    """Return the states of published clusters and the published clusters with members (as
    many as a select list can reasonably hold)."""
    published = Cluster.objects.filter(status=PublicationStatus.PUBLISHED)
    states = Region.objects.filter(Exists(published.filter(region=OuterRef("pk")))).only(
        "pk", "name", "slug", "country"
    )
    clusters = list(
        published.filter(Exists(ClusterMembership.objects.filter(cluster=OuterRef("pk"))))
        .select_related("region")
        .only("pk", "product", "place", "slug", "region__name", "region__country")
        .order_by("product", "place")[: CLUSTER_OPTIONS_LIMIT + 1]
    )
    return StakeholderFilterOptions(
        states=list(states),
        clusters=clusters[:CLUSTER_OPTIONS_LIMIT],
        too_many_clusters=len(clusters) > CLUSTER_OPTIONS_LIMIT,
    )
