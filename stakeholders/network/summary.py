"""Network measures for many clusters at once, for the cluster exports.

The measures of stakeholders.network that need no graph walk (actors, links, density,
isolated actors, absent kinds, enterprises without a trade link) computed in the database
for a whole batch of clusters with four grouped queries, so an export of 10,000 clusters
does not read 10,000 networks. They equal what network_measures computes (tested); the
measures that need the graph (components, brokers) are on the map, in measures.json and
the API.
"""

from django.db.models import CharField, Count, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat, Greatest, Least

from ..choices import Kind
from ..models import ClusterMembership, Relationship
from .measures import TRADE_TYPES

SUMMARY_COLUMNS = (
    "network_actors",
    "network_links",
    "network_density",
    "network_isolated",
    "network_absent_kinds",
    "network_unlinked_enterprises",
)


def _member(end):
    return ClusterMembership.objects.filter(
        cluster_id=OuterRef("cluster_id"), stakeholder_id=OuterRef(end)
    )


def _links(cluster_ids):
    """Relationships of the clusters whose both ends are members (the graph's edges)."""
    return Relationship.objects.filter(
        Exists(_member("source_id")), Exists(_member("target_id")), cluster_id__in=cluster_ids
    )


def _touching(types=None):
    links = Relationship.objects.filter(cluster_id=OuterRef("cluster_id")).filter(
        Q(source_id=OuterRef("stakeholder_id")) | Q(target_id=OuterRef("stakeholder_id"))
    )
    links = links.filter(Exists(_member("source_id")), Exists(_member("target_id")))
    return links.filter(kind__in=types) if types else links


def empty_summary():
    """Return the summary of a cluster with no stakeholders."""
    return {
        "network_actors": 0,
        "network_links": 0,
        "network_density": 0.0,
        "network_isolated": 0,
        "network_absent_kinds": " ".join(Kind.values),
        "network_unlinked_enterprises": 0,
    }


def network_summaries(cluster_ids):
    """Return {cluster_id: summary} for `cluster_ids` (four queries whatever their number)."""
    cluster_ids = list(cluster_ids)
    summaries = {cluster_id: empty_summary() for cluster_id in cluster_ids}
    members = ClusterMembership.objects.filter(cluster_id__in=cluster_ids)
    kinds = {cluster_id: set() for cluster_id in cluster_ids}
    for row in members.values("cluster_id", "stakeholder__kind").annotate(n=Count("pk")):
        summaries[row["cluster_id"]]["network_actors"] += row["n"]
        kinds[row["cluster_id"]].add(row["stakeholder__kind"])
    pair = Concat(
        Cast(Least("source_id", "target_id"), CharField()),
        Value("-"),
        Cast(Greatest("source_id", "target_id"), CharField()),
    )
    for row in (
        _links(cluster_ids)
        .values("cluster_id")
        .annotate(links=Count("pk"), pairs=Count(pair, distinct=True))
    ):
        summary = summaries[row["cluster_id"]]
        summary["network_links"] = row["links"]
        n = summary["network_actors"]
        summary["network_density"] = round(row["pairs"] / (n * (n - 1)) * 2, 6) if n > 1 else 0.0
    for row in members.filter(~Exists(_touching())).values("cluster_id").annotate(n=Count("pk")):
        summaries[row["cluster_id"]]["network_isolated"] = row["n"]
    for row in (
        members.filter(stakeholder__kind=Kind.ENTERPRISE)
        .filter(~Exists(_touching(TRADE_TYPES)))
        .values("cluster_id")
        .annotate(n=Count("pk"))
    ):
        summaries[row["cluster_id"]]["network_unlinked_enterprises"] = row["n"]
    for cluster_id, present in kinds.items():
        summaries[cluster_id]["network_absent_kinds"] = " ".join(
            kind for kind in Kind.values if kind not in present
        )
    return summaries
