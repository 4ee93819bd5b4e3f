"""Bulk writes of stakeholders and their memberships, for imports of big files.

The same rules as the one-by-one services (identity, role for kind, one record per
stakeholder, one membership per cluster), applied to a whole file with a handful of
queries per thousand rows, and recorded in the history through simple-history's bulk
helpers under the current change set.
"""

from dataclasses import dataclass, field

from django.db import transaction

from clusters.services import assign_unique_slugs
from common.bulk import insert_objects
from common.history import bulk_history_insert
from common.importing import CREATED, UNCHANGED, UPDATED

from .models import ClusterMembership, Relationship, Stakeholder
from .network.measures import network_cache_invalidate
from .services import relationship_update, stakeholder_identity_key

BATCH = 2000
DETAIL_FIELDS = ("role", "place", "website", "email", "phone")


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


def _chunks(items, size=BATCH):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _existing_by_key(keys):
    found = {}
    for chunk in _chunks(keys):
        for stakeholder in Stakeholder.objects.filter(identity_key__in=chunk):
            found[stakeholder.identity_key] = stakeholder
    return found


def _existing_memberships(stakeholder_ids):
    pairs = set()
    for chunk in _chunks(stakeholder_ids):
        pairs.update(
            ClusterMembership.objects.filter(stakeholder_id__in=chunk).values_list(
                "cluster_id", "stakeholder_id"
            )
        )
    return pairs


class HiddenStakeholders(Exception):
    """Rows whose identity is an existing stakeholder the importer may not link."""

    def __init__(self, indexes):
        super().__init__(f"{len(indexes)} row(s) name a stakeholder that may not be linked")
        self.indexes = indexes


@transaction.atomic
def stakeholders_import_bulk(rows, *, editable=None, linkable=None):
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
            stakeholder = Stakeholder(
                name=row.name,
                kind=row.kind,
                region=row.region,
                country=row.country,
                identity_key=row.key,
                source=row.source,
                **row.details,
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
    for cluster_id in touched_clusters:
        network_cache_invalidate(cluster_id)
    return outcomes


def _write(created, changed, new_links):
    """Insert and update in bulk; history rows are copied in the database (bulk_history_insert)."""
    # Every field was validated by the row form (StakeholderImportForm) and the identity and
    # slug are derived here, so the per-object full_clean() of the one-by-one services is
    # skipped: on 100,000 rows it would cost more than the inserts.
    assign_unique_slugs(Stakeholder, created, [stakeholder.name for stakeholder in created])
    insert_objects(Stakeholder, created, batch_size=BATCH)
    bulk_history_insert(Stakeholder, [s.pk for s in created])
    for stakeholder in changed:
        stakeholder.version += 1
    Stakeholder.objects.bulk_update(list(changed), [*DETAIL_FIELDS, "version"], batch_size=BATCH)
    bulk_history_insert(Stakeholder, [s.pk for s in changed], history_type="~")
    links = [
        ClusterMembership(cluster=cluster, stakeholder=stakeholder, source=source)
        for cluster, stakeholder, source in new_links
    ]
    insert_objects(ClusterMembership, links, batch_size=BATCH)
    bulk_history_insert(ClusterMembership, [link.pk for link in links])
    return {link.cluster_id for link in links}


@dataclass
class RelationshipRow:
    """One validated relationship row: both ends are members of the cluster (`source` and
    `target` need only their `pk`)."""

    cluster: object
    source: object
    target: object
    kind: str
    since: object = None
    until: object = None
    provenance: str = ""


@transaction.atomic
def relationships_import_bulk(rows):
    """Create or update the relationships of `rows`; return one outcome per row.

    A relationship is identified by cluster, ends and type; a row for an existing one
    updates its dates where the row gives them (blank leaves them alone).
    """
    clusters = {row.cluster.pk for row in rows}
    existing = {}
    # Only the relationships the rows could name (by cluster and source), never every
    # relationship of the clusters: a cluster may hold tens of thousands.
    sources = sorted({row.source.pk for row in rows})
    for start in range(0, len(sources), BATCH):
        for relationship in Relationship.objects.filter(
            cluster_id__in=clusters, source_id__in=sources[start : start + BATCH]
        ):
            key = (
                relationship.cluster_id,
                relationship.source_id,
                relationship.target_id,
                relationship.kind,
            )
            existing[key] = relationship
    created, outcomes = [], []
    for row in rows:
        key = (row.cluster.pk, row.source.pk, row.target.pk, row.kind)
        relationship = existing.get(key)
        if relationship is None:
            relationship = Relationship(
                cluster=row.cluster,
                source_id=row.source.pk,
                target_id=row.target.pk,
                kind=row.kind,
                since=row.since,
                until=row.until,
                provenance=row.provenance,
            )
            existing[key] = relationship
            created.append(relationship)
            outcomes.append(CREATED)
            continue
        dates = {name: getattr(row, name) for name in ("since", "until") if getattr(row, name)}
        if relationship.pk is not None and relationship_update(
            relationship=relationship, data=dates
        ):
            outcomes.append(UPDATED)
        else:
            outcomes.append(UNCHANGED)
    # The row form checked the ends (members, not the same), the type and the dates; the
    # database constraints stand behind it.
    insert_objects(Relationship, created, batch_size=BATCH)
    bulk_history_insert(Relationship, [relationship.pk for relationship in created])
    for cluster_id in clusters:
        network_cache_invalidate(cluster_id)
    return outcomes
