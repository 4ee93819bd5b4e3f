"""Networks of enterprises within a cluster (FAQ Q59-61): 3 to 10 enterprises of one
cluster doing a joint action. Every write goes through these functions."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .choices import Kind
from .models import ClusterMembership, Network
from .network.measures import network_cache_invalidate


def network_validate_members(*, cluster, members):
    """Raise ValidationError unless `members` are 3-10 enterprises that belong to `cluster`."""
    members = list({member.pk: member for member in members}.values())
    count = len(members)
    if not Network.MIN_MEMBERS <= count <= Network.MAX_MEMBERS:
        raise ValidationError(
            {
                "members": _("A network has %(min)d to %(max)d enterprises; %(count)d were chosen.")
                % {"min": Network.MIN_MEMBERS, "max": Network.MAX_MEMBERS, "count": count}
            }
        )
    in_cluster = set(
        ClusterMembership.objects.filter(
            cluster=cluster, stakeholder__in=[m.pk for m in members]
        ).values_list("stakeholder_id", flat=True)
    )
    outsiders = [m.name for m in members if m.pk not in in_cluster]
    if outsiders:
        raise ValidationError(
            {
                "members": _("Not members of the cluster %(cluster)s: %(names)s.")
                % {"cluster": cluster, "names": ", ".join(sorted(outsiders))}
            }
        )
    not_enterprises = [m.name for m in members if m.kind != Kind.ENTERPRISE]
    if not_enterprises:
        raise ValidationError(
            {
                "members": _("Only enterprises form a network; not: %(names)s.")
                % {"names": ", ".join(sorted(not_enterprises))}
            }
        )


@transaction.atomic
def network_save(*, network, members):
    """Validate and save `network` with exactly `members`; return it."""
    network_validate_members(cluster=network.cluster, members=members)
    network.full_clean()
    network.save()
    network.members.set(members)
    network_cache_invalidate(network.cluster_id)
    return network


@transaction.atomic
def network_delete(*, network):
    """Delete a network (its history stays)."""
    cluster_id = network.cluster_id
    network.delete()
    network_cache_invalidate(cluster_id)
