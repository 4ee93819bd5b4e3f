"""The network summary on a cluster's profile, quick on a cold cache.

The full NetworkMeasures of a big cluster take seconds to compute (12,000 stakeholders and
57,000 relationships: the graph, its components, its brokers); the profile does not wait for
them. When they are cached (the map, measures.json or an earlier profile computed them) the
profile shows them; otherwise it shows the figures the database counts for this one cluster
(the same as stakeholders.network.summary's export columns, in one query, cached too) with
the first isolated stakeholders, enterprises without a trade link and best-linked
stakeholders, and leaves the measures that walk the graph (separate groups, brokers) to
the map. A small cluster's measures are quick: the profile computes them.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, connections, router

from ..choices import Kind
from ..models import ClusterMembership, Relationship, Stakeholder
from .display import LISTED_NAMES_MAX, listed_names, measures_display, name_urls
from .map import cluster_networks
from .measures import (
    CACHE_PREFIX,
    CACHE_TIMEOUT,
    TOP,
    TRADE_TYPES,
    NetworkMeasures,
    RankedActor,
    cached_network_measures,
    cluster_network_measures,
    network_cache_version,
)

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

    The measures are the cached ones (plus one query, for the links of the names listed);
    else the cached counted figures (no query); else, when the cluster has at most
    PROFILE_MEASURES_MAX_LINKS relationships, the measures computed (four queries); else
    the figures counted in the database (two), without separate groups and brokers.
    """
    measures = cached_network_measures(cluster)
    if measures is None:
        figures = cache.get(_counted_key(cluster))
        if figures is not None:
            display = counted_display(figures)
        elif (
            Relationship.objects.filter(cluster_id=cluster.pk).count() <= PROFILE_MEASURES_MAX_LINKS
        ):
            measures = cluster_network_measures(cluster)
        else:
            figures = counted_figures(cluster)
            cache.set(_counted_key(cluster), figures, timeout=CACHE_TIMEOUT)
            display = counted_display(figures)
    if measures is not None:
        display = measures_display(measures, member_name_urls(cluster, listed_names(measures)))
    return NetworkSummary(
        measures=display.measures, display=display, networks=cluster_networks(cluster)
    )


def _counted_key(cluster):
    return f"{CACHE_PREFIX}:{cluster.pk}:v{network_cache_version(cluster.pk)}:counted"


def member_name_urls(cluster, names):
    """Return {name: stakeholder URL} of the members of `cluster` named `names` (one query;
    a name two members share stays unlinked, as on the map)."""
    if not names:
        return {}
    rows = ClusterMembership.objects.filter(
        cluster_id=cluster.pk, stakeholder__name__in=names
    ).values_list("stakeholder__name", "stakeholder__slug")
    return name_urls(rows)


FIGURES_SQL = """
WITH links AS MATERIALIZED (
    SELECT source_id, target_id, kind FROM {relationship} WHERE cluster_id = %(cluster)s
), pairs AS (
    SELECT DISTINCT least(source_id, target_id) AS a, greatest(source_id, target_id) AS b
    FROM links
), partners AS (
    SELECT actor, count(*) AS partners
    FROM (SELECT a AS actor FROM pairs UNION ALL SELECT b FROM pairs) AS ends
    GROUP BY actor
), trading AS (
    SELECT source_id AS actor FROM links WHERE kind = ANY(%(trade)s)
    UNION
    SELECT target_id FROM links WHERE kind = ANY(%(trade)s)
), members AS (
    SELECT s.id, s.name, s.slug, s.kind, coalesce(p.partners, 0) AS partners,
        s.kind = %(enterprise)s AND t.actor IS NULL AS unlinked
    FROM {membership} AS m
    JOIN {stakeholder} AS s ON s.id = m.stakeholder_id
    LEFT JOIN partners AS p ON p.actor = m.stakeholder_id
    LEFT JOIN trading AS t ON t.actor = m.stakeholder_id
    WHERE m.cluster_id = %(cluster)s
), ranked AS (
    SELECT *,
        row_number() OVER (PARTITION BY partners = 0 ORDER BY name COLLATE "C", id)
            AS isolated_rank,
        row_number() OVER (PARTITION BY unlinked ORDER BY name COLLATE "C", id) AS unlinked_rank,
        row_number() OVER (ORDER BY partners DESC, name COLLATE "C", id::text) AS connected_rank
    FROM members
), totals AS (
    SELECT count(*) AS actors, count(*) FILTER (WHERE partners = 0) AS isolated,
        count(*) FILTER (WHERE unlinked) AS unlinked, coalesce(sum(partners), 0)::bigint AS ends,
        array_agg(DISTINCT kind) AS kinds, (SELECT count(*) FROM links) AS links
    FROM members
)
SELECT totals.*, r.id, r.name, r.slug, r.kind, r.partners, r.unlinked,
    r.isolated_rank, r.unlinked_rank, r.connected_rank
FROM totals LEFT JOIN ranked AS r ON (r.partners = 0 AND r.isolated_rank <= %(names)s)
    OR (r.unlinked AND r.unlinked_rank <= %(names)s)
    OR (r.partners > 0 AND r.connected_rank <= %(top)s)
"""


@dataclass
class CountedFigures:
    """What the database counts of one cluster's network (see counted_figures)."""

    measures: NetworkMeasures
    isolated_count: int
    unlinked_count: int
    # (name, slug) of the members listed, to link their names.
    listed: list


def counted_figures(cluster):
    """Return the CountedFigures of `cluster` in one query: the numbers of actors, links and
    pairs linked (density), isolated stakeholders and enterprises without a trade link, the
    absent kinds, the first LISTED_NAMES_MAX isolated stakeholders and unlinked enterprises
    by name and the TOP most connected, as network_measures finds them (names in code-point
    order, as Python sorts them). Relationships join members only (the services see to it)."""
    sql = FIGURES_SQL.format(
        relationship=connection.ops.quote_name(Relationship._meta.db_table),
        membership=connection.ops.quote_name(ClusterMembership._meta.db_table),
        stakeholder=connection.ops.quote_name(Stakeholder._meta.db_table),
    )
    params = {
        "cluster": cluster.pk,
        "trade": sorted(TRADE_TYPES),
        "enterprise": Kind.ENTERPRISE.value,
        "names": LISTED_NAMES_MAX,
        "top": TOP,
    }
    # A read: from the replica during a public read (common.db_router), as the ORM's are.
    with connections[router.db_for_read(Relationship)].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    actors, isolated_count, unlinked_count, ends, kinds, links = rows[0][:6]
    isolated, unlinked, connected, listed = [], [], [], {}
    for *_totals, pk, name, slug, kind, partners, is_unlinked, i_rank, u_rank, c_rank in rows:
        if pk is None:
            continue
        if partners == 0 and i_rank <= LISTED_NAMES_MAX:
            isolated.append((i_rank, name))
            listed[(name, slug)] = None
        if is_unlinked and u_rank <= LISTED_NAMES_MAX:
            unlinked.append((u_rank, name))
            listed[(name, slug)] = None
        if partners > 0 and c_rank <= TOP:
            connected.append(
                (c_rank, RankedActor(id=pk, name=name, slug=slug, kind=kind, value=partners))
            )
    present = set(kinds or ())
    pairs = ends // 2
    measures = NetworkMeasures(
        actors=actors,
        links=links,
        density=pairs / (actors * (actors - 1)) * 2 if actors > 1 else 0.0,
        isolated=[name for _rank, name in sorted(isolated)],
        most_connected=[actor for _rank, actor in sorted(connected, key=lambda item: item[0])],
        components=None,
        largest_component=None,
        absent_kinds=[kind for kind in Kind.values if kind not in present],
        unlinked_enterprises=[name for _rank, name in sorted(unlinked)],
    )
    return CountedFigures(
        measures=measures,
        isolated_count=isolated_count,
        unlinked_count=unlinked_count,
        listed=list(listed),
    )


def counted_display(figures):
    """Return the MeasuresDisplay of CountedFigures (`complete` False: no separate groups,
    no brokers)."""
    return measures_display(
        figures.measures,
        name_urls(figures.listed),
        isolated_count=figures.isolated_count,
        unlinked_count=figures.unlinked_count,
        complete=False,
    )
