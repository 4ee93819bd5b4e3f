"""The indicator catalogue (FAQ Q68) and the indicators the registry computes from its own
data: networks created (the cluster's networks), support institutions linked (institution
members of the cluster with a relationship in it) and BDS providers (BDS-provider members).
A computed value says so: it is the registry's count now, not a reported measurement."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stakeholders.choices import Kind, NetworkStatus
from stakeholders.models import ClusterMembership, Network, Relationship

from .catalogue import INDICATORS, SCHEMES
from .choices import ComputedFrom
from .models import Indicator

__all__ = ["INDICATORS", "SCHEMES", "ComputedValue", "catalogue", "computed_values"]

COMPUTED_NOTE = _("computed from the registry")


def catalogue():
    """Return the catalogue, in its order."""
    return Indicator.objects.order_by("position", "slug")


@dataclass(frozen=True)
class ComputedValue:
    """What the registry knows of an indicator in a cluster today."""

    indicator: Indicator
    value: int
    as_of: object  # the date it was computed
    note: str = COMPUTED_NOTE

    @property
    def computed(self):
        return True


def _networks(cluster):
    """Networks created in the cluster: every network but those only planned."""
    return Network.objects.filter(cluster=cluster).exclude(status=NetworkStatus.PLANNED).count()


def _support_institutions(cluster):
    """Institution members of the cluster linked by at least one relationship in it."""
    in_cluster = Relationship.objects.filter(cluster=cluster)
    linked = Exists(in_cluster.filter(source=OuterRef("stakeholder_id"))) | Exists(
        in_cluster.filter(target=OuterRef("stakeholder_id"))
    )
    return (
        ClusterMembership.objects.filter(cluster=cluster, stakeholder__kind=Kind.INSTITUTION)
        .filter(linked)
        .count()
    )


def _bds_providers(cluster):
    return ClusterMembership.objects.filter(
        cluster=cluster, stakeholder__kind=Kind.BDS_PROVIDER
    ).count()


COMPUTERS = {
    ComputedFrom.NETWORKS: _networks,
    ComputedFrom.SUPPORT_INSTITUTIONS: _support_institutions,
    ComputedFrom.BDS_PROVIDERS: _bds_providers,
}


def computed_values(cluster, indicators=None):
    """Return {slug: ComputedValue} for the computed indicators of the catalogue (or of
    `indicators`) in `cluster`."""
    indicators = indicators if indicators is not None else catalogue().filter(~Q(computed_from=""))
    today = timezone.localdate()
    return {
        indicator.slug: ComputedValue(
            indicator=indicator, value=COMPUTERS[indicator.computed_from](cluster), as_of=today
        )
        for indicator in indicators
        if indicator.computed_from in COMPUTERS
    }
