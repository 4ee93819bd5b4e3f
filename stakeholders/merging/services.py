"""Merge a duplicate cluster or stakeholder into the record that survives.

Everything that hangs off the duplicate moves to the survivor: every figure with its year
and source (one with the same measure, year, source and value as the survivor's collapses
into it; one that disagrees is kept, its source saying where it came from), memberships,
relationships, networks, reviews. The values the curator chose from the duplicate are set
on the survivor through the services (validation, identity), the cluster is reclassified,
and the duplicate's slug and id are retired to the survivor (its old addresses answer
301). All of it in one transaction and one change set whose reason names both records; a
MergeRecord says what moved.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clusters import services as cluster_services
from clusters.models import Cluster, MergeRecord, RetiredClusterSlug
from common.history import change_set

from .. import services as stakeholder_services
from ..models import ClusterMembership, Network, Relationship, RetiredStakeholderSlug, Stakeholder
from ..network.measures import network_cache_invalidate

# The values a curator may take from either record: {choice: model fields it sets}. The
# state carries its country (a region belongs to one), the coordinates go as a pair.
CLUSTER_CHOOSABLE = {
    "product": ("product",),
    "place": ("place",),
    "district": ("district",),
    "region": ("region", "country"),
    "cluster_type": ("cluster_type",),
    "sector": ("sector",),
    "agency": ("agency",),
    "status": ("status",),
    "origin": ("origin",),
    "structure": ("structure",),
    "stage": ("stage",),
    "exporting": ("exporting",),
    "description": ("description",),
    "coordinates": ("latitude", "longitude"),
}
STAKEHOLDER_CHOOSABLE = {
    "name": ("name",),
    "kind": ("kind",),
    "role": ("role",),
    "place": ("place",),
    "region": ("region", "country"),
    "website": ("website",),
    "email": ("email",),
    "phone": ("phone",),
    "size_class": ("size_class",),
    "services_offered": ("services_offered",),
    "description": ("description",),
    "source": ("source",),
}
SOURCE_MAX_LENGTH = 500


def cluster_label(cluster):
    """Return how a merge names a cluster: “Handloom cluster of Pochampally (slug)”."""
    return _("%(product)s cluster of %(place)s (%(slug)s)") % {
        "product": cluster.product,
        "place": cluster.place,
        "slug": cluster.slug,
    }


def stakeholder_label(stakeholder):
    """Return how a merge names a stakeholder: “SIDBI (sidbi)”."""
    return f"{stakeholder.name} ({stakeholder.slug})"


def merge_reason(*, duplicate_label, survivor_label):
    """Return the change set reason of a merge, naming both records."""
    return _("merged “%(duplicate)s” into “%(survivor)s”") % {
        "duplicate": duplicate_label,
        "survivor": survivor_label,
    }


def is_blank(record, fields):
    """Return whether every one of `fields` of `record` is unknown (None or empty)."""
    return all(getattr(record, name) in (None, "") for name in fields)


def default_from_duplicate(*, survivor, duplicate, choosable):
    """Return the choices whose value comes from the duplicate unless the curator says
    otherwise: those the survivor leaves blank and the duplicate knows."""
    return {
        choice
        for choice, fields in choosable.items()
        if is_blank(survivor, fields) and not is_blank(duplicate, fields)
    }


def _chosen_values(*, survivor, duplicate, choosable, from_duplicate):
    if from_duplicate is None:
        from_duplicate = default_from_duplicate(
            survivor=survivor, duplicate=duplicate, choosable=choosable
        )
    unknown = set(from_duplicate) - set(choosable)
    if unknown:
        raise ValidationError(
            _("These values cannot be chosen: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    values = {
        name: getattr(duplicate, name)
        for choice in sorted(from_duplicate)
        for name in choosable[choice]
    }
    return sorted(from_duplicate), values


def _lock_and_check(model, survivor, duplicate, expected_versions, label):
    """Lock both rows for the merge and return them as stored (the caller's instances are
    left as they were, whatever happens); refuse (StaleEdit) if either changed since the
    comparison the curator chose from (`expected_versions`: {pk: version})."""
    for record in (survivor, duplicate):
        cluster_services.check_version(
            model=model,
            pk=record.pk,
            expected_version=(expected_versions or {}).get(record.pk),
            label=label,
        )
    locked = model.objects.select_for_update().in_bulk([survivor.pk, duplicate.pk])
    return locked[survivor.pk], locked[duplicate.pk]


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


def _move_figures(*, survivor, duplicate, duplicate_label):
    """Move every figure of `duplicate` to `survivor`; return (moved, collapsed, kept apart).

    A figure of the same measure, year and source collapses into the survivor's when it
    says the same; when it disagrees both are kept, the moved one's source naming the
    record it was recorded on (a cluster has one figure per measure, year and source).
    """
    kept = {
        (figure.measure, figure.year, figure.source): figure for figure in survivor.figures.all()
    }
    moved = collapsed = apart = 0
    for figure in duplicate.figures.order_by("pk"):
        key = (figure.measure, figure.year, figure.source)
        twin = kept.get(key)
        if twin is not None and (twin.value, twin.estimated, twin.currency) == (
            figure.value,
            figure.estimated,
            figure.currency,
        ):
            figure.delete()
            collapsed += 1
            continue
        if twin is not None:
            note = _("as recorded on “%(record)s”") % {"record": duplicate_label}
            base = f"{figure.source} — {note}" if figure.source else note
            source, number = base[:SOURCE_MAX_LENGTH], 2
            while (figure.measure, figure.year, source) in kept:
                suffix = f" ({number})"
                source = base[: SOURCE_MAX_LENGTH - len(suffix)] + suffix
                number += 1
            figure.source = source
            apart += 1
        figure.cluster = survivor
        figure.full_clean()
        figure.save()
        kept[(figure.measure, figure.year, figure.source)] = figure
        moved += 1
    return moved, collapsed, apart


def _move_networks(*, survivor, duplicate):
    """Move the duplicate's networks to the survivor, renamed where the name is taken."""
    names = set(survivor.networks.values_list("name", flat=True))
    moved = 0
    for network in duplicate.networks.order_by("pk"):
        name, number = network.name, 2
        while name in names:
            name = f"{network.name} ({number})"
            number += 1
        network.name, network.cluster = name, survivor
        network.full_clean()
        network.save()
        names.add(name)
        moved += 1
    return moved


def _retire(model, *, survivor, duplicate, field):
    """Retire the duplicate's slug and id to the survivor, and re-point the addresses the
    duplicate had absorbed itself (no chain of redirects)."""
    model.objects.filter(**{field: duplicate}).update(**{field: survivor})
    model.objects.filter(old_id=duplicate.pk).exclude(slug=duplicate.slug).delete()
    model.objects.update_or_create(
        slug=duplicate.slug, defaults={"old_id": duplicate.pk, field: survivor}
    )


@transaction.atomic
def cluster_merge(*, survivor, duplicate, user, from_duplicate=None, expected_versions=None):
    """Merge cluster `duplicate` into `survivor`; return the MergeRecord.

    `from_duplicate`: the choices of CLUSTER_CHOOSABLE whose value the survivor takes from
    the duplicate (default: those the survivor leaves blank). `expected_versions`
    ({pk: version}): refuse with StaleEdit if either record changed since then.
    """
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("A cluster cannot be merged into itself."))
    survivor, duplicate = _lock_and_check(
        Cluster, survivor, duplicate, expected_versions, _("cluster")
    )
    chosen, values = _chosen_values(
        survivor=survivor,
        duplicate=duplicate,
        choosable=CLUSTER_CHOOSABLE,
        from_duplicate=from_duplicate,
    )
    survivor_label, duplicate_label = cluster_label(survivor), cluster_label(duplicate)
    reason = merge_reason(duplicate_label=duplicate_label, survivor_label=survivor_label)
    with change_set(user=user, reason=reason):
        figures, collapsed, apart = _move_figures(
            survivor=survivor, duplicate=duplicate, duplicate_label=duplicate_label
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
        networks = _move_networks(survivor=survivor, duplicate=duplicate)
        duplicate.reviews.update(cluster=survivor)
        _retire(RetiredClusterSlug, survivor=survivor, duplicate=duplicate, field="cluster")
        record = MergeRecord.objects.create(
            kind=MergeRecord.Kind.CLUSTER,
            survivor_id=survivor.pk,
            survivor_label=survivor_label,
            merged_id=duplicate.pk,
            merged_label=duplicate_label,
            moved={
                "figures": figures,
                "figures_collapsed": collapsed,
                "figures_kept_apart": apart,
                "memberships": memberships[0],
                "relationships": relationships[0],
                "networks": networks,
                "dropped_as_already_present": collapsed + memberships[1] + relationships[1],
                "values_from_merged": chosen,
            },
            user=user,
        )
        duplicate.delete()
        # The duplicate is gone: its identity is free for the survivor to take.
        if values:
            cluster_services.cluster_update(cluster=survivor, data=values)
        cluster_services.cluster_refresh_current_figures(cluster=survivor)
    network_cache_invalidate(survivor.pk)
    return record


@transaction.atomic
def stakeholder_merge(*, survivor, duplicate, user, from_duplicate=None, expected_versions=None):
    """Merge stakeholder `duplicate` into `survivor`; return the MergeRecord.

    `from_duplicate`: the choices of STAKEHOLDER_CHOOSABLE taken from the duplicate
    (default: those the survivor leaves blank); `expected_versions` as for cluster_merge.
    """
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("A stakeholder cannot be merged into itself."))
    survivor, duplicate = _lock_and_check(
        Stakeholder, survivor, duplicate, expected_versions, _("stakeholder")
    )
    chosen, values = _chosen_values(
        survivor=survivor,
        duplicate=duplicate,
        choosable=STAKEHOLDER_CHOOSABLE,
        from_duplicate=from_duplicate,
    )
    touched = set(
        ClusterMembership.objects.filter(stakeholder__in=[survivor, duplicate]).values_list(
            "cluster_id", flat=True
        )
    )
    survivor_label, duplicate_label = stakeholder_label(survivor), stakeholder_label(duplicate)
    reason = merge_reason(duplicate_label=duplicate_label, survivor_label=survivor_label)
    with change_set(user=user, reason=reason):
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
        networks = 0
        for network in Network.objects.filter(members=duplicate).order_by("pk"):
            network.members.add(survivor)
            network.members.remove(duplicate)
            networks += 1
        _retire(RetiredStakeholderSlug, survivor=survivor, duplicate=duplicate, field="stakeholder")
        record = MergeRecord.objects.create(
            kind=MergeRecord.Kind.STAKEHOLDER,
            survivor_id=survivor.pk,
            survivor_label=survivor_label,
            merged_id=duplicate.pk,
            merged_label=duplicate_label,
            moved={
                "memberships": memberships[0],
                "relationships": outgoing[0] + incoming[0],
                "networks": networks,
                "dropped_as_already_present": memberships[1] + outgoing[1] + incoming[1],
                "values_from_merged": chosen,
            },
            user=user,
        )
        duplicate.delete()
        if not stakeholder_services.stakeholder_update(stakeholder=survivor, data=values):
            # Nothing of its own changed: saved all the same, so that its history says so.
            survivor.version += 1
            survivor.save()
    for cluster_id in touched:
        network_cache_invalidate(cluster_id)
    return record
