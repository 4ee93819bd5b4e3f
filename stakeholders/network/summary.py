"""Network measures for many clusters at once, for the cluster exports, kept per cluster.

The measures of stakeholders.network that need no graph walk (actors, links, density,
isolated actors, absent kinds, enterprises without a trade link) are computed in the
database by one set-based statement for any set of clusters (`SUMMARY_SQL`), and kept in
NetworkSummary so that an export of 10,000 clusters reads 10,000 small rows instead of
5,000,000 relationships. They equal what network_measures computes (tested for every
write path); the measures that need the graph (components, brokers) are on the map, in
measures.json and the API.

How the rows stay right: every network write calls measures.network_cache_invalidate,
which calls `network_summary_invalidate`: the cluster's row is deleted at once, in the
writing transaction (so nothing stale is ever read, there or elsewhere after the commit),
and recomputed once the transaction commits, all the clusters a transaction touched in one
statement. A cluster without a row (never computed, or its refresh not yet run) is
computed by the export itself. Bulk loads that bypass the services (generate_scale_data)
call `network_summaries_rebuild`; so does `manage.py rebuild_network_summaries`.
"""

from django.db import connection, connections, router, transaction
from django.db.models import F

from common.csv_sql import cell_sql

from ..choices import Kind
from ..models import ClusterMembership, NetworkSummary, Relationship
from .measures import TRADE_TYPES

SUMMARY_COLUMNS = (
    "network_actors",
    "network_links",
    "network_density",
    "network_isolated",
    "network_absent_kinds",
    "network_unlinked_enterprises",
)
# Clusters per refresh statement (a bounded array parameter and bounded work each).
REFRESH_CHUNK = 500

# One row per cluster of `{where}` (a condition on c.id): id, actors, links, distinct
# linked pairs, isolated actors, enterprises without a trade link, absent kinds. An edge is
# a relationship whose both ends are members (as cluster_graph reads the network).
SUMMARY_SQL = """
WITH member AS (
    SELECT m.cluster_id, m.stakeholder_id, {member_kind} AS kind
    FROM stakeholders_clustermembership m {member_join}
    WHERE {member_where}
), edge AS (
    SELECT r.cluster_id, r.source_id, r.target_id, r.kind
    FROM stakeholders_relationship r {edge_join}
    WHERE {edge_where}
), link AS (
    SELECT cluster_id, count(*) AS links,
        count(DISTINCT (least(source_id, target_id), greatest(source_id, target_id))) AS pairs
    FROM edge GROUP BY cluster_id
), node AS (
    -- One row per stakeholder of each cluster: whether it is linked at all, and by a trade.
    -- (One aggregate over members and edge ends: no join whose size the planner guesses.)
    SELECT cluster_id, stakeholder_id, max(kind) AS kind,
        bool_or(linked) AS linked, bool_or(trades) AS trades
    FROM (
        SELECT cluster_id, stakeholder_id, kind, FALSE AS linked, FALSE AS trades
        FROM member
        UNION ALL
        SELECT cluster_id, source_id, NULL, TRUE, kind = ANY(%(trade)s) FROM edge
        UNION ALL
        SELECT cluster_id, target_id, NULL, TRUE, kind = ANY(%(trade)s) FROM edge
    ) AS ends
    GROUP BY cluster_id, stakeholder_id
), per_cluster AS (
    SELECT cluster_id, count(*) AS actors,
        count(*) FILTER (WHERE NOT linked) AS isolated,
        count(*) FILTER (WHERE kind = %(enterprise)s AND NOT trades) AS unlinked_enterprises,
        array_agg(DISTINCT kind) AS kinds
    FROM node
    WHERE kind IS NOT NULL  -- a member (the ends of an edge are members)
    GROUP BY cluster_id
)
SELECT c.id,
    coalesce(p.actors, 0),
    coalesce(l.links, 0),
    coalesce(l.pairs, 0),
    coalesce(p.isolated, 0),
    coalesce(p.unlinked_enterprises, 0),
    array_to_string(ARRAY(
        SELECT k FROM unnest(%(kinds)s::text[]) WITH ORDINALITY AS u(k, o)
        WHERE p.kinds IS NULL OR NOT k = ANY(p.kinds)
        ORDER BY o
    ), ' ')
FROM clusters_cluster c
LEFT JOIN per_cluster p ON p.cluster_id = c.id
LEFT JOIN link l ON l.cluster_id = c.id
WHERE {cluster_where}
"""

# Keeps SUMMARY_SQL's rows (`{select}`) with their CSV text (`{csv_text}`: summary_csv_sql
# of the `computed` columns, written once here rather than by every export).
UPSERT_SQL = """
INSERT INTO stakeholders_networksummary
    (cluster_id, actors, links, pairs, isolated, unlinked_enterprises, absent_kinds, csv_text,
     refreshed)
SELECT computed.*, {csv_text}, now() FROM ({select}) AS computed
    (cluster_id, actors, links, pairs, isolated, unlinked_enterprises, absent_kinds)
ON CONFLICT (cluster_id) DO UPDATE SET
    actors = EXCLUDED.actors, links = EXCLUDED.links, pairs = EXCLUDED.pairs,
    isolated = EXCLUDED.isolated, unlinked_enterprises = EXCLUDED.unlinked_enterprises,
    absent_kinds = EXCLUDED.absent_kinds, csv_text = EXCLUDED.csv_text,
    refreshed = EXCLUDED.refreshed
"""


def _summary_sql(cluster_ids):
    """Return (SQL, params) of SUMMARY_SQL for `cluster_ids` (None: every cluster)."""
    params = {
        "trade": sorted(TRADE_TYPES),
        "enterprise": Kind.ENTERPRISE,
        "kinds": list(Kind.values),
    }
    if cluster_ids is None:
        # Every cluster: joins, which the planner hashes (each table read once).
        parts = {
            "member_kind": "s.kind",
            "member_join": "JOIN stakeholders_stakeholder s ON s.id = m.stakeholder_id",
            "member_where": "TRUE",
            "edge_join": _EDGE_ENDS_JOIN,
            "edge_where": "TRUE",
            "cluster_where": "TRUE",
        }
    else:
        # Some clusters (a refresh after a write): each member's kind and each end's
        # membership looked up by index, one probe each, never a hash of a whole table
        # (as joins, the planner hashed all million stakeholders and memberships when its
        # estimates were off, as they are just after an import).
        params["ids"] = list(cluster_ids)
        parts = {
            "member_kind": (
                "(SELECT s.kind FROM stakeholders_stakeholder s WHERE s.id = m.stakeholder_id)"
            ),
            "member_join": "",
            "member_where": "m.cluster_id = ANY(%(ids)s)",
            "edge_join": "",
            "edge_where": f"r.cluster_id = ANY(%(ids)s) AND {ends_are_members_sql('r')}",
            "cluster_where": "c.id = ANY(%(ids)s)",
        }
    return SUMMARY_SQL.format(**parts), params


def ends_are_members_sql(relationship):
    """Return SQL true when both ends of the relationship row `relationship` (an alias)
    are members of its cluster: one index probe each, as scalar subqueries, which the
    planner keeps as such. (A count over `stakeholder_id IN (source, target)`, or two
    EXISTS made semi-joins, were planned as a walk of the cluster's members: 0.05-0.1 ms a
    relationship at 500 members, more in the biggest clusters.)"""
    probe = (
        "(SELECT count(*) FROM stakeholders_clustermembership e "
        f"WHERE e.cluster_id = {relationship}.cluster_id AND e.stakeholder_id = {{end}})"
    )
    source = probe.format(end=f"{relationship}.source_id")
    target = probe.format(end=f"{relationship}.target_id")
    return f"{source} + {target} = 2"


# Both ends of a relationship members of its cluster, as joins (a whole rebuild).
_EDGE_ENDS_JOIN = (
    "JOIN stakeholders_clustermembership ms "
    "ON ms.cluster_id = r.cluster_id AND ms.stakeholder_id = r.source_id "
    "JOIN stakeholders_clustermembership mt "
    "ON mt.cluster_id = r.cluster_id AND mt.stakeholder_id = r.target_id"
)


def _density(actors, pairs):
    # As nx.density of the undirected simple graph (network_measures).
    return round(pairs / (actors * (actors - 1)) * 2, 6) if actors > 1 else 0.0


def _columns(actors, links, pairs, isolated, unlinked_enterprises, absent_kinds):
    return {
        "network_actors": actors,
        "network_links": links,
        "network_density": _density(actors, pairs),
        "network_isolated": isolated,
        "network_absent_kinds": absent_kinds,
        "network_unlinked_enterprises": unlinked_enterprises,
    }


# What a cluster export reads of each cluster's kept row (None when it has none), in the
# order of `summary_from_kept`'s arguments.
KEPT_VALUES = tuple(
    F(f"network_summary__{name}")
    for name in ("actors", "links", "pairs", "isolated", "unlinked_enterprises", "absent_kinds")
)


# Above this many actors the density is left to Python (_density): the proof that the
# integer rounding below equals Python's rounding of the float needs fewer.
_DENSITY_SQL_MAX_ACTORS = 60_000
_DENSITY_SQL = """(CASE WHEN {actors} <= 1 THEN '0.0'
WHEN {actors} < {most} AND 2 * ({num} %% {den}) <> {den} THEN
    CASE WHEN {n} = 0 THEN '0.0' WHEN {n} = 1000000 THEN '1.0'
    WHEN {n} >= 100 THEN rtrim('0.' || lpad({n}::text, 6, '0'), '0')
    WHEN {n} < 10 THEN {n}::text || 'e-06'
    ELSE ({n} / 10)::text || CASE WHEN {n} %% 10 = 0 THEN '' ELSE '.' || ({n} %% 10)::text END
        || 'e-05' END
END)"""


def summary_csv_sql(actors, links, pairs, isolated, unlinked, absent):
    """Return the SQL (PostgreSQL) of the CSV text of a cluster's SUMMARY_COLUMNS from the
    SQL of its kept values, exactly as the Python writer writes summary_from_kept's values;
    NULL when only Python can round its density as _density does (an exact tie at the
    seventh decimal, or a network of more than _DENSITY_SQL_MAX_ACTORS actors).

    The density: round(2 * pairs / (actors * (actors - 1)), 6) written as repr writes a
    float. In whole millionths, the exact quotient rounds to the same number as Python's
    float unless it lies within the float's error of a half, which for fewer than
    _DENSITY_SQL_MAX_ACTORS actors only an exact half does (left to Python); repr of the
    result is then its shortest decimal ('0.0', '1.0', '0.25', '1.5e-05', '5e-06').
    """
    numbers = {
        "actors": actors,
        "num": f"({pairs}::bigint * 2000000)",
        "den": f"({actors}::bigint * ({actors} - 1))",
        "most": _DENSITY_SQL_MAX_ACTORS,
    }
    # (%% is the modulo operator, escaped from the parameter placeholders.)
    # The density in whole millionths, the exact quotient rounded half up (a half never
    # reaches it: _DENSITY_SQL leaves those to Python).
    numbers["n"] = (
        f"({numbers['num']} / {numbers['den']} + "
        f"CASE WHEN 2 * ({numbers['num']} %% {numbers['den']}) > {numbers['den']} "
        "THEN 1 ELSE 0 END)"
    )
    density = _DENSITY_SQL.format(**numbers)
    # concat_ws skips NULLs: the whole text is NULL when the density is.
    cells = (
        f"{actors}::text, {links}::text, {density}, {isolated}::text, "
        f"{cell_sql(absent)}, {unlinked}::text"
    )
    return f"(CASE WHEN {density} IS NOT NULL THEN concat_ws(',', {cells}) END)"


_KEPT_CSV_SQL = summary_csv_sql(
    *(
        f"computed.{name}"
        for name in ("actors", "links", "pairs", "isolated", "unlinked_enterprises", "absent_kinds")
    )
)


def kept_csv_text():
    """The CSV text of a cluster's SUMMARY_COLUMNS as kept with its summary (NULL when it
    has no kept row, or when only Python writes its density): for the cluster export's
    own query, which then reads one column instead of computing the text per export."""
    return F("network_summary__csv_text")


def summary_from_kept(actors, links, pairs, isolated, unlinked_enterprises, absent_kinds):
    """Return the SUMMARY_COLUMNS values of a cluster from its KEPT_VALUES, or None when it
    has no kept row (then network_summaries computes them)."""
    if actors is None:
        return None
    return (actors, links, _density(actors, pairs), isolated, absent_kinds, unlinked_enterprises)


def empty_summary():
    """Return the summary of a cluster with no stakeholders."""
    return _columns(0, 0, 0, 0, 0, " ".join(Kind.values))


def network_summaries_compute(cluster_ids):
    """Return {cluster_id: summary} computed from the network itself (one statement on
    PostgreSQL; two queries and a count in Python elsewhere)."""
    cluster_ids = list(cluster_ids)
    if not cluster_ids:
        return {}
    if connection.vendor != "postgresql":
        return _compute_in_python(cluster_ids)
    sql, params = _summary_sql(cluster_ids)
    # A read: from the replica during a public read (common.db_router), as the ORM's are.
    with connections[router.db_for_read(Relationship)].cursor() as cursor:
        cursor.execute(sql, params)
        return {cluster_id: _columns(*values) for cluster_id, *values in cursor.fetchall()}


def _compute_in_python(cluster_ids):
    """SUMMARY_SQL's figures for a database without its SQL (SQLite, the demo's)."""
    kinds = {cluster_id: {} for cluster_id in cluster_ids}
    for cluster_id, stakeholder_id, kind in ClusterMembership.objects.filter(
        cluster_id__in=cluster_ids
    ).values_list("cluster_id", "stakeholder_id", "stakeholder__kind"):
        kinds[cluster_id][stakeholder_id] = kind
    links = dict.fromkeys(cluster_ids, 0)
    pairs = {cluster_id: set() for cluster_id in cluster_ids}
    touched = {cluster_id: set() for cluster_id in cluster_ids}
    trading = {cluster_id: set() for cluster_id in cluster_ids}
    for cluster_id, source, target, kind in Relationship.objects.filter(
        cluster_id__in=cluster_ids
    ).values_list("cluster_id", "source_id", "target_id", "kind"):
        if source in kinds[cluster_id] and target in kinds[cluster_id]:
            links[cluster_id] += 1
            pairs[cluster_id].add((min(source, target), max(source, target)))
            touched[cluster_id].update((source, target))
            if kind in TRADE_TYPES:
                trading[cluster_id].update((source, target))
    summaries = {}
    for cluster_id, members in kinds.items():
        present = set(members.values())
        summaries[cluster_id] = _columns(
            len(members),
            links[cluster_id],
            len(pairs[cluster_id]),
            sum(1 for member in members if member not in touched[cluster_id]),
            sum(
                1
                for member, kind in members.items()
                if kind == Kind.ENTERPRISE and member not in trading[cluster_id]
            ),
            " ".join(kind for kind in Kind.values if kind not in present),
        )
    return summaries


def network_summaries(cluster_ids):
    """Return {cluster_id: summary} for `cluster_ids`: the kept rows, and the clusters
    without one computed (two queries at most whatever their number)."""
    cluster_ids = list(cluster_ids)
    kept = NetworkSummary.objects.filter(cluster_id__in=cluster_ids).values_list(
        "cluster_id", "actors", "links", "pairs", "isolated", "unlinked_enterprises", "absent_kinds"
    )
    summaries = {cluster_id: _columns(*values) for cluster_id, *values in kept}
    missing = [cluster_id for cluster_id in cluster_ids if cluster_id not in summaries]
    summaries.update(network_summaries_compute(missing))
    for cluster_id in missing:  # an id that is no cluster (deleted meanwhile)
        summaries.setdefault(cluster_id, empty_summary())
    return summaries


def network_summaries_refresh(cluster_ids):
    """Recompute and keep the summaries of `cluster_ids` (set-based, a chunk per statement;
    kept on PostgreSQL only, computed by each export elsewhere).

    Each chunk takes a transaction-level advisory lock per cluster first, so that two
    refreshes of one cluster run one after the other and the later one, which sees the
    other's data, writes last.
    """
    if connection.vendor != "postgresql":
        return
    cluster_ids = sorted(set(cluster_ids))
    for start in range(0, len(cluster_ids), REFRESH_CHUNK):
        chunk = cluster_ids[start : start + REFRESH_CHUNK]
        select, params = _summary_sql(chunk)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, id::int) FROM unnest(%s::bigint[]) AS id "
                "ORDER BY id",
                [ADVISORY_LOCK_CLASS, chunk],
            )
            cursor.execute(UPSERT_SQL.format(select=select, csv_text=_KEPT_CSV_SQL), params)


def network_summaries_rebuild():
    """Recompute and keep the summary of every cluster in one statement; return how many
    (on PostgreSQL; elsewhere nothing is kept and 0 is returned)."""
    if connection.vendor != "postgresql":
        return 0
    select, params = _summary_sql(None)
    with transaction.atomic(), connection.cursor() as cursor:
        # Writes that commit meanwhile wait, then refresh their clusters after this.
        cursor.execute("LOCK TABLE stakeholders_networksummary IN EXCLUSIVE MODE")
        cursor.execute("DELETE FROM stakeholders_networksummary")
        cursor.execute(UPSERT_SQL.format(select=select, csv_text=_KEPT_CSV_SQL), params)
        return cursor.rowcount


# The first key of the advisory locks of the refreshes (the second is the cluster id).
ADVISORY_LOCK_CLASS = 0x4E53  # "NS"

_PENDING = "_network_summary_pending"


class _PendingRefresh:
    """The clusters whose summary a transaction changed, refreshed once it commits: one
    statement for all the clusters of a bulk import instead of one per cluster."""

    def __init__(self, conn):
        self.cluster_ids = set()
        # Where its callback is in the connection's run_on_commit, and the savepoints open
        # when it was registered (rolling one back drops the callback).
        self.position = len(conn.run_on_commit)
        self.savepoints = frozenset(conn.savepoint_ids)

    def takes_more(self, conn):
        """Return whether its callback is still registered, by this block or one around it."""
        callbacks = conn.run_on_commit
        return (
            self.position < len(callbacks)
            and callbacks[self.position][1] == self.run
            and self.savepoints <= set(conn.savepoint_ids)
        )

    def run(self):
        network_summaries_refresh(self.cluster_ids)


def network_summary_invalidate(cluster_id):
    """Forget the kept summary of a cluster now, and recompute it after the commit."""
    network_summaries_invalidate([cluster_id])


def network_summaries_invalidate(cluster_ids):
    """Forget the kept summaries of `cluster_ids` now (one statement), and recompute them
    after the commit."""
    cluster_ids = list(cluster_ids)
    if not cluster_ids:
        return
    NetworkSummary.objects.filter(cluster_id__in=cluster_ids).delete()
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        network_summaries_refresh(cluster_ids)
        return
    pending = getattr(conn, _PENDING, None)
    if pending is None or not pending.takes_more(conn):
        pending = _PendingRefresh(conn)
        setattr(conn, _PENDING, pending)
        transaction.on_commit(pending.run)
    pending.cluster_ids.update(cluster_ids)
