"""The network summary on a cluster's profile, quick on a cold cache.

The full NetworkMeasures of a big cluster take seconds to compute (12,000 stakeholders and
57,000 relationships: the graph, its components, its brokers); the profile does not wait for
them. When they are cached (the map, measures.json or an earlier profile computed them) the
profile shows them; otherwise it shows the figures the database counts for this one cluster
(stakeholders.network.summary, the exports' columns) with the first isolated stakeholders,
enterprises without a trade link and best-linked stakeholders, and leaves the measures that
walk the graph (separate groups, brokers) to the map.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef, Q

from ..choices import Kind
from ..models import ClusterMembership, Relationship, Stakeholder
from .display import LISTED_NAMES_MAX, listed_names, measures_display, name_urls
from .map import cluster_networks
from .measures import (
    TOP,
    TRADE_TYPES,
    NetworkMeasures,
    RankedActor,
    cached_network_measures,
    cluster_network_measures,
)
from .summary import network_summaries

# Up to this many relationships the profile computes the full measures on a cold cache
# (about 30 ms); beyond, it counts what it can in the database and leaves the rest to the map.
PROFILE_MEASURES_MAX_LINKS = 400


@dataclass
class NetworkSummary:
    """What the cluster profile shows of the stakeholder network: measures and networks."""

    measures: object
    display: object
    networks: list


def profile_network(cluster):
    """Return the NetworkSummary of `cluster`'s profile and its networks (one query, two
    when there are networks).

    The measures are the cached ones (one query, for the links of the names listed), else
    computed when the cluster has at most PROFILE_MEASURES_MAX_LINKS relationships (four),
    else the figures counted in the database (eight), without separate groups and brokers.
    """
    measures = cached_network_measures(cluster)
    if measures is None and (
        Relationship.objects.filter(cluster_id=cluster.pk).count() <= PROFILE_MEASURES_MAX_LINKS
    ):
        measures = cluster_network_measures(cluster)
    if measures is not None:
        display = measures_display(measures, member_name_urls(cluster, listed_names(measures)))
    else:
        display = counted_display(cluster)
    return NetworkSummary(
        measures=display.measures, display=display, networks=cluster_networks(cluster)
    )


def member_name_urls(cluster, names):
    """Return {name: stakeholder URL} of the members of `cluster` named `names` (one query;
    a name two members share stays unlinked, as on the map)."""
    if not names:
        return {}
    rows = ClusterMembership.objects.filter(
        cluster_id=cluster.pk, stakeholder__name__in=names
    ).values_list("stakeholder__name", "stakeholder__slug")
    return name_urls(rows)


def _untouched(cluster, types=None):
    """Members of `cluster` with no relationship in it (of `types`, when given), by name."""
    links = Relationship.objects.filter(cluster_id=cluster.pk)
    if types:
        links = links.filter(kind__in=types)
    touching = links.filter(
        Q(source_id=OuterRef("stakeholder_id")) | Q(target_id=OuterRef("stakeholder_id"))
    )
    return ClusterMembership.objects.filter(cluster_id=cluster.pk).filter(~Exists(touching))


def _first_names(memberships):
    return list(
        memberships.order_by("stakeholder__name", "stakeholder_id").values_list(
            "stakeholder__name", "stakeholder__slug"
        )[:LISTED_NAMES_MAX]
    )


MOST_CONNECTED_SQL = """
SELECT s.id, s.name, s.slug, s.kind, count(DISTINCT e.other) AS partners
FROM (
    SELECT source_id AS actor, target_id AS other FROM {relationship}
    WHERE cluster_id = %(cluster)s AND source_id <> target_id
    UNION ALL
    SELECT target_id, source_id FROM {relationship}
    WHERE cluster_id = %(cluster)s AND source_id <> target_id
) AS e
JOIN {stakeholder} AS s ON s.id = e.actor
GROUP BY s.id, s.name, s.slug, s.kind
ORDER BY partners DESC, s.name, s.id::text
LIMIT %(top)s
"""


def most_connected(cluster):
    """Return the TOP RankedActors of `cluster` by number of partners, as network_measures
    ranks them (one query)."""
    sql = MOST_CONNECTED_SQL.format(
        relationship=connection.ops.quote_name(Relationship._meta.db_table),
        stakeholder=connection.ops.quote_name(Stakeholder._meta.db_table),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"cluster": cluster.pk, "top": TOP})
        return [
            RankedActor(id=pk, name=name, slug=slug, kind=kind, value=partners)
            for pk, name, slug, kind, partners in cursor.fetchall()
        ]


def counted_display(cluster):
    """Return the MeasuresDisplay of the figures of `cluster` the database counts: actors,
    links, density, isolated stakeholders, absent kinds, enterprises without a trade link,
    the most connected (`complete` False: no components, no brokers); seven queries."""
    summary = network_summaries([cluster.pk])[cluster.pk]
    isolated = _first_names(_untouched(cluster))
    unlinked = _first_names(
        _untouched(cluster, TRADE_TYPES).filter(stakeholder__kind=Kind.ENTERPRISE)
    )
    measures = NetworkMeasures(
        actors=summary["network_actors"],
        links=summary["network_links"],
        density=summary["network_density"],
        isolated=[name for name, _slug in isolated],
        most_connected=most_connected(cluster),
        components=None,
        largest_component=None,
        absent_kinds=summary["network_absent_kinds"].split(),
        unlinked_enterprises=[name for name, _slug in unlinked],
    )
    return measures_display(
        measures,
        name_urls(dict.fromkeys([*isolated, *unlinked])),  # an isolated enterprise is in both
        isolated_count=summary["network_isolated"],
        unlinked_count=summary["network_unlinked_enterprises"],
        complete=False,
    )
