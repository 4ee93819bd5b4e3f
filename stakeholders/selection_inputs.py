"""What the selection of clusters (FAQ Q43, clusters.selection) and the comparison of
clusters read of their stakeholders: counts per cluster, in a few set-based queries
whatever the number of clusters (never a walk over the relationships).

The relationships come from the kept network summaries (stakeholders.network.summary); a
cluster without a kept row (never computed, or on SQLite) is computed by one statement.
"""

from django.db.models import Count

from clusters.selection import SuccessInputs

from .choices import Kind, NetworkStatus
from .models import ClusterMembership, Network, NetworkSummary
from .network.summary import _density, network_summaries_compute


def _ids_condition(clusters):
    """Return the `cluster_id__in` value of `clusters`: a subquery of a queryset, or a list."""
    if hasattr(clusters, "values"):
        return clusters.order_by().values("pk")
    return list(clusters)


def network_counts(clusters):
    """Return {cluster id: (actors, links, density)} of `clusters` (a queryset or ids)
    from the kept summaries, computing those without one."""
    rows = NetworkSummary.objects.filter(cluster_id__in=_ids_condition(clusters)).values_list(
        "cluster_id", "actors", "links", "pairs"
    )
    counts = {
        cluster_id: (actors, links, _density(actors, pairs))
        for cluster_id, actors, links, pairs in rows
    }
    ids = (
        clusters.order_by().values_list("pk", flat=True)
        if hasattr(clusters, "values_list")
        else clusters
    )
    missing = [cluster_id for cluster_id in ids if cluster_id not in counts]
    if missing:
        for cluster_id, summary in network_summaries_compute(missing).items():
            counts[cluster_id] = (
                summary["network_actors"],
                summary["network_links"],
                summary["network_density"],
            )
    return counts


def association_counts(clusters):
    """Return {cluster id: associations among its stakeholders} (one query)."""
    rows = (
        ClusterMembership.objects.filter(
            cluster_id__in=_ids_condition(clusters), stakeholder__kind=Kind.ASSOCIATION
        )
        .order_by()
        .values_list("cluster_id")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def networks_counts(clusters):
    """Return {cluster id: its networks of enterprises, dissolved ones left out} (one query)."""
    rows = (
        Network.objects.filter(cluster_id__in=_ids_condition(clusters))
        .exclude(status=NetworkStatus.DISSOLVED)
        .order_by()
        .values_list("cluster_id")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def success_inputs(clusters):
    """Return {cluster id: SuccessInputs} of `clusters` (a queryset or ids) for parameter
    (v) of the selection: three or four queries whatever their number."""
    networks = network_counts(clusters)
    associations = association_counts(clusters)
    groups = networks_counts(clusters)
    return {
        cluster_id: SuccessInputs(
            actors=actors,
            associations=associations.get(cluster_id, 0),
            networks=groups.get(cluster_id, 0),
            links=links,
        )
        for cluster_id, (actors, links, _density_value) in networks.items()
    }


def stakeholders_by_kind(cluster_ids):
    """Return {cluster id: {kind: number of its stakeholders of that kind}} (one query)."""
    rows = (
        ClusterMembership.objects.filter(cluster_id__in=list(cluster_ids))
        .order_by()
        .values_list("cluster_id", "stakeholder__kind")
        .annotate(n=Count("pk"))
    )
    counts = {cluster_id: dict.fromkeys(Kind.values, 0) for cluster_id in cluster_ids}
    for cluster_id, kind, n in rows:
        counts.setdefault(cluster_id, {})[kind] = n
    return counts
