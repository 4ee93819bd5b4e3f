"""Bulk writes of stakeholders and their memberships, for imports of big files.

The same rules as the one-by-one services (identity, role for kind, one record per
stakeholder, one membership per cluster), applied to a whole file with a handful of
queries per thousand rows, and recorded in the history through simple-history's bulk
helpers under the current change set.
"""

from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import transaction

from clusters.services import assign_unique_slugs
from common.bulk import insert_rows, select_where_in
from common.history import bulk_history_insert
from common.importing import CREATED, UNCHANGED, UPDATED
from common.partial_dates import partial_date, partial_date_fields

from .models import ClusterMembership, Relationship, Stakeholder
from .network.measures import network_caches_invalidate
from .services import relationship_update, stakeholder_identity_key

BATCH = 2000
DETAIL_FIELDS = ("role", "place", "website", "email", "phone")
NEW_FIELDS = ("name", "kind", "region_id", "country", "identity_key", "slug", "source")


@dataclass
class StakeholderRow:
    """One validated row: who the stakeholder is, its details and the cluster it joins."""

    name: str
    kind: str
    region: object
    cluster: object
    source: str = ""
    country: str = "IN"
    details: dict = field(default_factory=dict)
    key: str = ""

    def __post_init__(self):
        if not self.key:
            self.key = stakeholder_identity_key(name=self.name, kind=self.kind, region=self.region)


class _Record(SimpleNamespace):
    """A stakeholder as the import handles it: plain attributes, one object per record."""

    __eq__ = object.__eq__
    __hash__ = object.__hash__


def _chunks(items, size=BATCH):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _existing_by_key(keys):
    """Return {identity: stored pk, version and details} (plain values, not models)."""
    found = {}
    names = ("pk", "version", *DETAIL_FIELDS)
    for key, *values in select_where_in(
        Stakeholder, ("identity_key", *names), "identity_key", keys
    ):
        found[key] = _Record(**dict(zip(names, values, strict=True)))
    return found


def _invalidate(cluster_ids, invalidated):
    """Forget the cached networks of `cluster_ids`, once per import (`invalidated`, a set
    the importer keeps over its chunks; the version is bumped again when it commits)."""
    fresh = set(cluster_ids) if invalidated is None else set(cluster_ids) - invalidated
    network_caches_invalidate(sorted(fresh))
    if invalidated is not None:
        invalidated |= fresh


def _existing_memberships(stakeholder_ids):
    return set(
        select_where_in(
            ClusterMembership, ("cluster_id", "stakeholder_id"), "stakeholder_id", stakeholder_ids
        )
    )


class HiddenStakeholders(Exception):
    """Rows whose identity is an existing stakeholder the importer may not link."""

    def __init__(self, indexes):
        super().__init__(f"{len(indexes)} row(s) name a stakeholder that may not be linked")
        self.indexes = indexes


@transaction.atomic
def stakeholders_import_bulk(rows, *, editable=None, linkable=None, invalidated=None):
    """Create or update the stakeholders of `rows` and link each to its row's cluster.

    Return one outcome per row (CREATED, UPDATED or UNCHANGED), exactly as importing the
    rows one by one would: the first row of a new stakeholder creates it; a later row that
    changes a detail or adds a membership updates it. Details of an existing stakeholder
    are changed only where `editable(stakeholders)` (one call: the set of their ids the
    importer may change) allows; without it, all may be changed. An existing stakeholder
    is linked only where `linkable(stakeholders)` (one call, likewise) allows: otherwise
    raise HiddenStakeholders with the indexes of the rows that name one, writing nothing.
    """
    existing = _existing_by_key({row.key for row in rows})
    if linkable is not None and existing:
        may_link = linkable(list(existing.values()))
        hidden = [
            index
            for index, row in enumerate(rows)
            if row.key in existing and existing[row.key].pk not in may_link
        ]
        if hidden:
            raise HiddenStakeholders(hidden)
    may_change = (
        editable(list(existing.values())) if editable else {s.pk for s in existing.values()}
    )
    memberships = _existing_memberships([s.pk for s in existing.values()])
    records, created, changed, outcomes, new_links = dict(existing), [], set(), [], []
    for row in rows:
        stakeholder = records.get(row.key)
        outcome = UNCHANGED
        if stakeholder is None:
            stakeholder = _Record(
                pk=None,
                name=row.name,
                kind=row.kind,
                region_id=None if row.region is None else row.region.pk,
                country=row.country,
                identity_key=row.key,
                slug="",
                source=row.source,
                **{**dict.fromkeys(DETAIL_FIELDS, ""), **row.details},
            )
            records[row.key] = stakeholder
            created.append(stakeholder)
            outcome = CREATED
        elif stakeholder.pk is None or stakeholder.pk in may_change:
            for name, value in row.details.items():
                if getattr(stakeholder, name) != value:
                    setattr(stakeholder, name, value)
                    if stakeholder.pk is not None:
                        changed.add(stakeholder)
                    outcome = UPDATED
        link = (row.cluster.pk, id(stakeholder) if stakeholder.pk is None else stakeholder.pk)
        if link not in memberships:
            memberships.add(link)
            new_links.append((row.cluster, stakeholder, row.source))
            if outcome == UNCHANGED:
                outcome = UPDATED
        outcomes.append(outcome)
    touched_clusters = _write(created, changed, new_links)
    touched_clusters |= set(
        ClusterMembership.objects.filter(stakeholder__in=[s.pk for s in changed]).values_list(
            "cluster_id", flat=True
        )
    )
    _invalidate(touched_clusters, invalidated)
    return outcomes


def _write(created, changed, new_links):
    """Insert and update in bulk; history rows are copied in the database (bulk_history_insert)."""
    # Every field was validated by the row form (StakeholderImportForm) and the identity and
    # slug are derived here, so the per-object full_clean() of the one-by-one services is
    # skipped: on 100,000 rows it would cost more than the inserts.
    assign_unique_slugs(Stakeholder, created, [stakeholder.name for stakeholder in created])
    names = (*NEW_FIELDS, *DETAIL_FIELDS)
    ids = insert_rows(Stakeholder, names, [[getattr(s, n) for n in names] for s in created])
    for stakeholder, pk in zip(created, ids, strict=True):
        stakeholder.pk = pk
    bulk_history_insert(Stakeholder, ids)
    updates = [
        Stakeholder(pk=s.pk, version=s.version + 1, **{n: getattr(s, n) for n in DETAIL_FIELDS})
        for s in changed
    ]
    Stakeholder.objects.bulk_update(updates, [*DETAIL_FIELDS, "version"], batch_size=BATCH)
    bulk_history_insert(Stakeholder, [s.pk for s in changed], history_type="~")
    links = [(cluster.pk, stakeholder.pk, source) for cluster, stakeholder, source in new_links]
    link_ids = insert_rows(ClusterMembership, ("cluster_id", "stakeholder_id", "source"), links)
    bulk_history_insert(ClusterMembership, link_ids)
    return {cluster_id for cluster_id, _stakeholder, _source in links}


@dataclass
class RelationshipRow:
    """One validated relationship row: both ends are members of the cluster (`source` and
    `target` need only their `pk`); `since` and `until` are PartialDates or None."""

    cluster: object
    source: object
    target: object
    kind: str
    since: object = None
    until: object = None
    provenance: str = ""


@transaction.atomic
def relationships_import_bulk(rows, *, invalidated=None):
    """Create or update the relationships of `rows`; return one outcome per row.

    A relationship is identified by cluster, ends and type; a row for an existing one
    updates its dates where the row gives them (blank leaves them alone). Existing ones are
    read as plain values and compared with the rows, precision included: an unchanged row
    costs no write.
    """
    clusters = {row.cluster.pk for row in rows}
    existing = {}  # identity -> [pk, since, until] (PartialDates; pk None: new in this file)
    # Only the relationships the rows could name (by cluster and source), never every
    # relationship of the clusters: a cluster may hold tens of thousands.
    sources = sorted({row.source.pk for row in rows})
    stored = select_where_in(
        Relationship,
        ("cluster_id", "source_id", "target_id", "kind", "pk", *Relationship.DATE_COLUMNS),
        "source_id",
        sources,
    )
    for cluster_id, source_id, target_id, kind, pk, *dates in stored:
        if cluster_id in clusters:
            since, until = partial_date(*dates[:2]), partial_date(*dates[2:])
            existing[cluster_id, source_id, target_id, kind] = [pk, since, until]
    created, outcomes, touched = [], [], set()
    for row in rows:
        key = (row.cluster.pk, row.source.pk, row.target.pk, row.kind)
        stored = existing.get(key)
        if stored is None:
            existing[key] = [None, row.since, row.until]
            created.append(
                (
                    *key,
                    *partial_date_fields("since", row.since).values(),
                    *partial_date_fields("until", row.until).values(),
                    row.provenance,
                )
            )
            outcomes.append(CREATED)
            continue
        pk, since, until = stored
        dates = {
            name: value
            for name, value, old in (("since", row.since, since), ("until", row.until, until))
            if value and value != old
        }
        if pk is None or not dates:
            outcomes.append(UNCHANGED)
            continue
        relationship = Relationship.objects.get(pk=pk)
        if relationship_update(relationship=relationship, data=dates):
            stored[1:] = [relationship.since_partial, relationship.until_partial]
            touched.add(row.cluster.pk)
            outcomes.append(UPDATED)
        else:
            outcomes.append(UNCHANGED)
    # The row form checked the ends (members, not the same), the type and the dates; the
    # database constraints stand behind it.
    names = (
        "cluster_id",
        "source_id",
        "target_id",
        "kind",
        *Relationship.DATE_COLUMNS,
        "provenance",
    )
    bulk_history_insert(Relationship, insert_rows(Relationship, names, created))
    _invalidate({values[0] for values in created} - touched, invalidated)
    return outcomes
