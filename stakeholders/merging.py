"""Merge a duplicate cluster or stakeholder into the record that survives.

Everything that hangs off the duplicate moves to the survivor (figures, memberships,
relationships, reviews); what the survivor already has is kept and the duplicate's copy
dropped; a MergeRecord says what moved, and the history shows who did it.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clusters import services as cluster_services
from clusters.models import MergeRecord
from common.history import change_set

from .models import ClusterMembership, Relationship
from .network.measures import network_cache_invalidate

FILLABLE_STAKEHOLDER_FIELDS = (
    "role",
    "place",
    "website",
    "email",
    "phone",
    "size_class",
    "services_offered",
    "description",
    "source",
)


def _move(rows, field, survivor, exists):
    moved = dropped = 0
    for row in rows:
        if exists(row):
            row.delete()
            dropped += 1
        else:
            setattr(row, field, survivor)
            row.save()
            moved += 1
    return moved, dropped


@transaction.atomic
def cluster_merge(*, survivor, duplicate, user):
    """Merge cluster `duplicate` into `survivor`; return the MergeRecord."""
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("A cluster cannot be merged into itself."))
    with change_set(user=user, reason=f"merge cluster {duplicate.pk} into {survivor.pk}"):
        figure_keys = set(survivor.figures.values_list("measure", "year", "source"))
        figures = _move(
            duplicate.figures.all(),
            "cluster",
            survivor,
            lambda f: (f.measure, f.year, f.source) in figure_keys,
        )
        members = set(survivor.memberships.values_list("stakeholder_id", flat=True))
        memberships = _move(
            duplicate.memberships.all(),
            "cluster",
            survivor,
            lambda m: m.stakeholder_id in members,
        )
        links = set(survivor.relationships.values_list("source_id", "target_id", "kind"))
        relationships = _move(
            duplicate.relationships.all(),
            "cluster",
            survivor,
            lambda r: (r.source_id, r.target_id, r.kind) in links,
        )
        duplicate.reviews.update(cluster=survivor)
        record = MergeRecord.objects.create(
            kind=MergeRecord.Kind.CLUSTER,
            survivor_id=survivor.pk,
            survivor_label=str(survivor),
            merged_id=duplicate.pk,
            merged_label=f"{duplicate} ({duplicate.slug})",
            moved={
                "figures": figures[0],
                "memberships": memberships[0],
                "relationships": relationships[0],
                "dropped_as_already_present": figures[1] + memberships[1] + relationships[1],
            },
            user=user,
        )
        duplicate.delete()
        cluster_services.cluster_refresh_current_figures(cluster=survivor)
    network_cache_invalidate(survivor.pk)
    return record


@transaction.atomic
def stakeholder_merge(*, survivor, duplicate, user):
    """Merge stakeholder `duplicate` into `survivor`; return the MergeRecord."""
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("A stakeholder cannot be merged into itself."))
    touched = set(
        ClusterMembership.objects.filter(stakeholder__in=[survivor, duplicate]).values_list(
            "cluster_id", flat=True
        )
    )
    with change_set(user=user, reason=f"merge stakeholder {duplicate.pk} into {survivor.pk}"):
        clusters = set(survivor.memberships.values_list("cluster_id", flat=True))
        memberships = _move(
            duplicate.memberships.all(),
            "stakeholder",
            survivor,
            lambda m: m.cluster_id in clusters,
        )
        links = set(
            Relationship.objects.filter(source=survivor).values_list(
                "cluster_id", "target_id", "kind"
            )
        ) | set(
            Relationship.objects.filter(target=survivor).values_list(
                "cluster_id", "source_id", "kind"
            )
        )
        outgoing = _move(
            duplicate.outgoing_relationships.all(),
            "source",
            survivor,
            lambda r: r.target_id == survivor.pk or (r.cluster_id, r.target_id, r.kind) in links,
        )
        incoming = _move(
            duplicate.incoming_relationships.all(),
            "target",
            survivor,
            lambda r: r.source_id == survivor.pk or (r.cluster_id, r.source_id, r.kind) in links,
        )
        filled = []
        for name in FILLABLE_STAKEHOLDER_FIELDS:
            if not getattr(survivor, name) and getattr(duplicate, name):
                setattr(survivor, name, getattr(duplicate, name))
                filled.append(name)
        record = MergeRecord.objects.create(
            kind=MergeRecord.Kind.STAKEHOLDER,
            survivor_id=survivor.pk,
            survivor_label=str(survivor),
            merged_id=duplicate.pk,
            merged_label=f"{duplicate} ({duplicate.slug})",
            moved={
                "memberships": memberships[0],
                "relationships": outgoing[0] + incoming[0],
                "dropped_as_already_present": memberships[1] + outgoing[1] + incoming[1],
                "fields_filled": filled,
            },
            user=user,
        )
        duplicate.delete()
        if filled:
            survivor.version += 1
            survivor.save()
    for cluster_id in touched:
        network_cache_invalidate(cluster_id)
    return record
