"""The stakeholders' part of proposed revisions (clusters.revisions): memberships,
relationships and networks added to or removed from a published cluster, kept as data,
applied through this app's services on approval and shown in the diff."""

from datetime import date

from django.utils.translation import gettext as _

from clusters.revisions import RevisionSection, merge_by, register_section

from . import services
from .choices import relationship_sentence
from .models import ClusterMembership, Network, Relationship, Stakeholder

KEYS = (
    "members_added",
    "members_removed",
    "relationships_added",
    "relationships_removed",
    "networks_saved",
    "networks_removed",
)
NETWORK_FIELDS = ("name", "joint_action", "description", "started", "status")


def member_added(*, stakeholder, source=""):
    """Return the data of a proposed membership of `stakeholder`."""
    return {"stakeholder": stakeholder.pk, "label": str(stakeholder), "source": source}


def member_removed(*, membership):
    """Return the data of a proposed removal of `membership`."""
    return {
        "membership": membership.pk,
        "stakeholder": membership.stakeholder_id,
        "label": str(membership.stakeholder),
    }


def relationship_added(*, source, target, kind, since=None, until=None, provenance=""):
    """Return the data of a proposed relationship."""
    return {
        "source": source.pk,
        "target": target.pk,
        "kind": kind,
        # As typed: "2018", "2018-03" or "2018-03-05" (a PartialDate or a plain date).
        "since": str(since) if since else None,
        "until": str(until) if until else None,
        "provenance": provenance,
        "label": relationship_sentence(kind=kind, source=source, target=target),
    }


def relationship_removed(*, relationship):
    """Return the data of a proposed removal of `relationship`."""
    return {"relationship": relationship.pk, "label": str(relationship)}


def network_removed(*, network):
    """Return the data of a proposed removal of `network`."""
    return {"network": network.pk, "label": network.name}


def network_saved(*, network, members):
    """Return the data of a proposed new or changed `network` (unsaved) with `members`."""
    data = {name: getattr(network, name) for name in NETWORK_FIELDS}
    data["started"] = data["started"].isoformat() if data["started"] else None
    return {
        "network": network.pk,
        **data,
        "members": sorted(member.pk for member in members),
        "member_labels": sorted(str(member) for member in members),
        "label": network.name,
    }


def _network_key(entry):
    return entry["network"] or f"new:{entry['name']}"


def _relationship_key(entry):
    return (entry["source"], entry["target"], entry["kind"])


def merge(old, new):
    """Amend the lists of `old` with those of `new`; a removal cancels a proposed addition
    (and an addition a proposed removal) of the same stakeholder."""
    merged = {key: list(old.get(key, [])) for key in KEYS}
    added = merge_by(lambda e: e["stakeholder"])(
        merged["members_added"], new.get("members_added", [])
    )
    removed = merge_by(lambda e: e["stakeholder"])(
        merged["members_removed"], new.get("members_removed", [])
    )
    newly_removed = {e["stakeholder"] for e in new.get("members_removed", [])}
    newly_added = {e["stakeholder"] for e in new.get("members_added", [])}
    merged["members_added"] = [e for e in added if e["stakeholder"] not in newly_removed]
    merged["members_removed"] = [e for e in removed if e["stakeholder"] not in newly_added]
    merged["relationships_added"] = merge_by(_relationship_key)(
        merged["relationships_added"], new.get("relationships_added", [])
    )
    merged["relationships_removed"] = merge_by(lambda e: e["relationship"])(
        merged["relationships_removed"], new.get("relationships_removed", [])
    )
    merged["networks_saved"] = merge_by(_network_key)(
        merged["networks_saved"], new.get("networks_saved", [])
    )
    merged["networks_removed"] = merge_by(lambda e: e["network"])(
        merged["networks_removed"], new.get("networks_removed", [])
    )
    return merged


def _date(text):
    return date.fromisoformat(text) if text else None


def apply(*, cluster, changes):
    """Write the memberships, relationships and networks of `changes` to `cluster`.

    Removals first, then additions (a new relationship may need a new member). A record
    gone since the proposal is skipped: what it would remove is not there any more.
    """
    for entry in changes.get("networks_removed", []):
        network = Network.objects.filter(pk=entry["network"], cluster=cluster).first()
        if network is not None:
            services_network_delete(network)
    for entry in changes.get("relationships_removed", []):
        relationship = Relationship.objects.filter(
            pk=entry["relationship"], cluster=cluster
        ).first()
        if relationship is not None:
            services.relationship_delete(relationship=relationship)
    for entry in changes.get("members_removed", []):
        membership = ClusterMembership.objects.filter(
            cluster=cluster, stakeholder_id=entry["stakeholder"]
        ).first()
        if membership is not None:
            services.membership_delete(membership=membership)
    for entry in changes.get("members_added", []):
        stakeholder = Stakeholder.objects.get(pk=entry["stakeholder"])
        services.stakeholder_link_to_cluster(
            stakeholder=stakeholder, cluster=cluster, source=entry.get("source", "")
        )
    for entry in changes.get("networks_saved", []):
        _apply_network(cluster, entry)
    for entry in changes.get("relationships_added", []):
        exists = Relationship.objects.filter(
            cluster=cluster,
            source_id=entry["source"],
            target_id=entry["target"],
            kind=entry["kind"],
        ).exists()
        if exists:
            continue
        services.relationship_create(
            cluster=cluster,
            source=Stakeholder.objects.get(pk=entry["source"]),
            target=Stakeholder.objects.get(pk=entry["target"]),
            kind=entry["kind"],
            since=entry.get("since"),  # read at its precision by relationship_create
            until=entry.get("until"),
            provenance=entry.get("provenance", ""),
        )


def services_network_delete(network):
    from .networks import network_delete

    network_delete(network=network)


def _apply_network(cluster, entry):
    from .networks import network_save

    network = None
    if entry.get("network"):
        network = Network.objects.filter(pk=entry["network"], cluster=cluster).first()
        if network is None:  # removed since: nothing to change
            return
    network = network or Network(cluster=cluster)
    for name in NETWORK_FIELDS:
        setattr(network, name, entry.get(name) if name != "started" else _date(entry.get(name)))
    network.description = network.description or ""
    members = list(Stakeholder.objects.filter(pk__in=entry.get("members", [])))
    network_save(network=network, members=members)


def describe(*, cluster, changes):
    """Return the diff's sections of stakeholders: [(heading, [(label, note)])], each row
    noting what the cluster has now where the change is already there or gone."""
    members = set(
        ClusterMembership.objects.filter(cluster=cluster).values_list("stakeholder_id", flat=True)
    )
    added = [
        (entry["label"], _("a member already") if entry["stakeholder"] in members else "")
        for entry in changes.get("members_added", [])
    ]
    removed = [
        (entry["label"], "" if entry["stakeholder"] in members else _("not a member any more"))
        for entry in changes.get("members_removed", [])
    ]
    return [
        (_("Members added"), added),
        (_("Members removed"), removed),
        (
            _("Relationships added"),
            [(entry["label"], "") for entry in changes.get("relationships_added", [])],
        ),
        (
            _("Relationships removed"),
            [(entry["label"], "") for entry in changes.get("relationships_removed", [])],
        ),
        (
            _("Networks added or changed"),
            [
                (entry["label"], ", ".join(entry.get("member_labels", [])))
                for entry in changes.get("networks_saved", [])
            ],
        ),
        (
            _("Networks removed"),
            [(entry["label"], "") for entry in changes.get("networks_removed", [])],
        ),
    ]


def register():
    """Make revisions keep, apply and show the stakeholders' changes (StakeholdersConfig.ready)."""
    register_section(RevisionSection(keys=KEYS, merge=merge, apply=apply, describe=describe))
