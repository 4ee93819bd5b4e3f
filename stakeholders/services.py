"""Writes to stakeholders, their cluster memberships and relationships."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from clusters.services import ACTING_USER, Lookups, acting_user, check_version, unique_slug
from common.partial_dates import partial_date_fields
from common.permissions import VIEW
from common.text import collapse_spaces, normalise, normalise_name

from .choices import ROLE_OF_KIND_MESSAGES, ROLES_BY_KIND, Kind
from .models import ClusterMembership, Relationship, Stakeholder
from .network.measures import network_cache_invalidate

IDENTITY_FIELDS = ("name", "kind", "region")


def stakeholder_identity_key(*, name, kind, region):
    """Return the normalised identity of a stakeholder: kind + name (+ state where given)."""
    region_part = f"{region.country}:{normalise(region.name)}" if region is not None else ""
    return f"{kind}|{normalise_name(name)}|{region_part}"


def stakeholder_identity_prefix(*, name, kind):
    """Return the identity prefix shared by every stakeholder of this name and kind."""
    return f"{kind}|{normalise_name(name)}|"


def stakeholder_find(*, name, kind, region=None):
    """Return the stakeholder with this identity, or None."""
    key = stakeholder_identity_key(name=name, kind=kind, region=region)
    return Stakeholder.objects.filter(identity_key=key).first()


def validate_role(*, kind, role):
    """Raise ValidationError unless `role` is blank or one of the roles of `kind`."""
    if role and role not in ROLES_BY_KIND[Kind(kind)]:
        allowed = ", ".join(ROLES_BY_KIND[Kind(kind)])
        raise ValidationError(
            str(ROLE_OF_KIND_MESSAGES[Kind(kind)]) % {"role": role, "allowed": allowed}
        )


def _assign_identity(stakeholder):
    stakeholder.name = collapse_spaces(stakeholder.name)
    stakeholder.identity_key = stakeholder_validate_identity(
        name=stakeholder.name,
        kind=stakeholder.kind,
        region=stakeholder.region,
        exclude_pk=stakeholder.pk,
    )


def hidden_duplicate_message():
    """Return what someone who may not see the stakeholder that has an identity is told: that
    it exists (the identity is unique), but neither its name nor its address."""
    return _(
        "A stakeholder with this name and kind already exists and is maintained by another "
        "agency; a curator can help."
    )


def stakeholder_is_visible(*, user, stakeholder):
    """Return whether `user` may see `stakeholder` (None: an operator or curator sees all)."""
    if user is None:
        return True
    from .permissions import stakeholder_policy

    return stakeholder_policy.user_has_permission_for_instance(user, VIEW, stakeholder)


def stakeholder_validate_identity(*, name, kind, region, exclude_pk=None, user=ACTING_USER):
    """Return the identity key; raise ValidationError if another record has it, naming that
    record to a `user` who may see it and telling anyone else only that it exists.

    `user` defaults to the acting user (clusters.services.acting_user); None is an operator
    or a curator, who sees every record.
    """
    key = stakeholder_identity_key(name=name, kind=kind, region=region)
    existing = Stakeholder.objects.filter(identity_key=key).exclude(pk=exclude_pk).first()
    if existing is not None:
        user = acting_user() if user is ACTING_USER else user
        if not stakeholder_is_visible(user=user, stakeholder=existing):
            raise ValidationError({"name": hidden_duplicate_message()}, code="duplicate")
        raise ValidationError(
            {
                "name": _(
                    "The stakeholder “%(name)s” (%(url)s) already has this name and kind; "
                    "link that record instead of creating a second."
                )
                % {"name": existing, "url": existing.get_absolute_url()}
            },
            code="duplicate",
        )
    return key


def _validate(stakeholder):
    try:
        validate_role(kind=stakeholder.kind, role=stakeholder.role)
    except ValidationError as exc:
        raise ValidationError({"role": exc.messages}) from None
    stakeholder.full_clean()


@transaction.atomic
def stakeholder_create(*, name, kind, **fields):
    """Create a stakeholder, refusing a second record with the same identity."""
    stakeholder = Stakeholder(name=name, kind=kind, **fields)
    _assign_identity(stakeholder)
    stakeholder.slug = unique_slug(Stakeholder, stakeholder.name)
    _validate(stakeholder)
    if stakeholder.pk:
        stakeholder.version += 1
    stakeholder.save()
    return stakeholder


@transaction.atomic
def stakeholder_save(*, stakeholder):
    """Validate and save a stakeholder edited as a whole (the admin's form)."""
    _assign_identity(stakeholder)
    if not stakeholder.slug:
        stakeholder.slug = unique_slug(Stakeholder, stakeholder.name)
    _validate(stakeholder)
    if stakeholder.pk:
        stakeholder.version += 1
    stakeholder.save()
    _invalidate_networks_of(stakeholder)
    return stakeholder


def _invalidate_networks_of(stakeholder):
    # Its name, slug, kind and role are node attributes of every network it belongs to.
    for cluster_id in ClusterMembership.objects.filter(stakeholder=stakeholder).values_list(
        "cluster_id", flat=True
    ):
        network_cache_invalidate(cluster_id)


def relationship_validate(*, relationship):
    """Raise ValidationError unless both ends belong to the cluster, differ, and are new."""
    _validate_relationship(relationship)


@transaction.atomic
def stakeholder_update(*, stakeholder, data, expected_version=None):
    """Set the fields in `data` on `stakeholder`; return whether anything changed.

    With `expected_version`, refuse with StaleEdit if someone saved it in between.
    """
    check_version(
        model=Stakeholder,
        pk=stakeholder.pk,
        expected_version=expected_version,
        label=_("stakeholder"),
    )
    changed = [name for name, value in data.items() if getattr(stakeholder, name) != value]
    if not changed:
        return False
    for name in changed:
        setattr(stakeholder, name, data[name])
    if set(changed) & set(IDENTITY_FIELDS):
        _assign_identity(stakeholder)
    _validate(stakeholder)
    if stakeholder.pk:
        stakeholder.version += 1
    stakeholder.save()
    _invalidate_networks_of(stakeholder)
    return True


@transaction.atomic
def stakeholder_link_to_cluster(*, stakeholder, cluster, source=""):
    """Make `stakeholder` a member of `cluster`; return the membership and whether it is new."""
    membership = ClusterMembership.objects.filter(cluster=cluster, stakeholder=stakeholder).first()
    if membership is not None:
        return membership, False
    membership = ClusterMembership(cluster=cluster, stakeholder=stakeholder, source=source)
    membership.full_clean()
    membership.save()
    network_cache_invalidate(cluster.pk)
    return membership, True


def _validate_relationship(relationship):
    errors = {}
    if relationship.source_id == relationship.target_id:
        errors["target"] = _("A stakeholder cannot have a relationship with itself.")
    members = set(
        ClusterMembership.objects.filter(
            cluster_id=relationship.cluster_id,
            stakeholder_id__in=[relationship.source_id, relationship.target_id],
        ).values_list("stakeholder_id", flat=True)
    )
    for end in ("source", "target"):
        if getattr(relationship, f"{end}_id") not in members:
            errors[end] = _("%(name)s does not belong to the cluster %(cluster)s.") % {
                "name": getattr(relationship, end),
                "cluster": relationship.cluster,
            }
    if errors:
        raise ValidationError(errors)
    relationship.full_clean()


@transaction.atomic
def relationship_create(*, cluster, source, target, kind, since=None, until=None, provenance=""):
    """Record that `source` `kind` `target` in `cluster`; both must belong to it.

    `since` and `until` are PartialDates (kept at their precision), plain dates or None."""
    relationship = Relationship(
        cluster=cluster,
        source=source,
        target=target,
        kind=kind,
        provenance=provenance,
        **partial_date_fields("since", since),
        **partial_date_fields("until", until),
    )
    _validate_relationship(relationship)
    relationship.save()
    network_cache_invalidate(relationship.cluster_id)
    return relationship


@transaction.atomic
def relationship_update(*, relationship, data):
    """Set the fields in `data` on `relationship`; return whether anything changed.

    `since` and `until` in `data` may be PartialDates: their precision is set with them."""
    data = _with_precisions(data)
    changed = [name for name, value in data.items() if getattr(relationship, name) != value]
    if not changed:
        return False
    previous_cluster_id = relationship.cluster_id
    for name in changed:
        setattr(relationship, name, data[name])
    _validate_relationship(relationship)
    relationship.save()
    network_cache_invalidate(previous_cluster_id)
    if relationship.cluster_id != previous_cluster_id:
        network_cache_invalidate(relationship.cluster_id)
    return True


def _with_precisions(data):
    expanded = {}
    for name, value in data.items():
        expanded.update(partial_date_fields(name, value) if name in DATED else {name: value})
    return expanded


DATED = ("since", "until")


@transaction.atomic
def relationship_delete(*, relationship):
    """Delete a relationship (recorded in its history like any other change)."""
    relationship.delete()
    network_cache_invalidate(relationship.cluster_id)


@transaction.atomic
def membership_delete(*, membership):
    """Remove a stakeholder from a cluster, with its relationships in that cluster (both ends
    of a relationship must belong to the cluster). Return how many relationships went."""
    relationships = Relationship.objects.filter(cluster_id=membership.cluster_id).filter(
        Q(source_id=membership.stakeholder_id) | Q(target_id=membership.stakeholder_id)
    )
    removed = 0
    for relationship in relationships:
        relationship.delete()
        removed += 1
    membership.delete()
    network_cache_invalidate(membership.cluster_id)
    return removed


class ImportLookups(Lookups):
    """The memoised look-ups of an import of stakeholders or relationships: regions and
    clusters as for clusters, and the members of each cluster read once."""

    def __init__(self):
        super().__init__()
        self._members = {}

    def member(self, *, cluster, name, kind):
        """Return the member of `cluster` with this name and kind (any spelling of the name;
        the oldest where several states have one), reading the cluster's members once."""
        if cluster.pk not in self._members:
            members = {}
            for stakeholder in Stakeholder.objects.filter(memberships__cluster=cluster).order_by(
                "-pk"
            ):
                prefix = stakeholder.identity_key.rsplit("|", 1)[0]
                members[prefix] = stakeholder  # the lowest pk wins, as in the service
            self._members[cluster.pk] = members
        prefix = stakeholder_identity_prefix(name=name, kind=kind).rstrip("|")
        return self._members[cluster.pk].get(prefix)
