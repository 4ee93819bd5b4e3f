"""Who may do what with stakeholders, memberships and relationships.

Stakeholders are shared between clusters (a bank serves many), so:
- anyone sees a stakeholder that belongs to a published cluster;
- an agency editor also sees the members of their agency's clusters, links stakeholders to
  and from those clusters, records relationships in them, and edits a stakeholder whose
  every cluster is their agency's (a shared one is curated, so one agency cannot rewrite
  what another relies on);
- a curator may do everything, including merging duplicates.
Memberships and relationships follow their cluster.
"""

from django.db.models import Exists, OuterRef, Q

from clusters.accounts import editor_agency_id
from clusters.choices import PublicationStatus
from clusters.permissions import ClusterChildPolicy
from common.permissions import (
    ADD,
    CHANGE,
    DELETE,
    IMPORT,
    VIEW,
    PermissionPolicy,
    is_curator,
    register_policy,
)

from .models import ClusterMembership, Network, Relationship, Stakeholder

EDITOR_ACTIONS = {ADD, CHANGE, DELETE, IMPORT}


class StakeholderPermissionPolicy(PermissionPolicy):
    model = Stakeholder

    def user_has_permission(self, user, action):
        if action == VIEW or is_curator(user):
            return True
        return action in EDITOR_ACTIONS and editor_agency_id(user) is not None

    def instances_user_has_permission_for(self, user, action):
        stakeholders = Stakeholder.objects.all()
        if is_curator(user):
            return stakeholders
        agency_id = editor_agency_id(user)
        member_of = ClusterMembership.objects.filter(stakeholder=OuterRef("pk"))
        if action == VIEW:
            visible = member_of.filter(cluster__status=PublicationStatus.PUBLISHED)
            if agency_id is not None:
                visible = member_of.filter(
                    Q(cluster__status=PublicationStatus.PUBLISHED) | Q(cluster__agency_id=agency_id)
                )
            return stakeholders.filter(Exists(visible))
        if action in EDITOR_ACTIONS and agency_id is not None:
            own = member_of.filter(cluster__agency_id=agency_id)
            foreign = member_of.exclude(cluster__agency_id=agency_id)
            return stakeholders.filter(Exists(own), ~Exists(foreign))
        return stakeholders.none()

    def linkable_instances(self, user):
        """Return the stakeholders `user` may link to a cluster: those they may see, and those
        that belong to no cluster at all (left over when their last link was removed)."""
        if is_curator(user):
            return Stakeholder.objects.all()
        visible = self.instances_user_has_permission_for(user, VIEW)
        unattached = ~Exists(ClusterMembership.objects.filter(stakeholder=OuterRef("pk")))
        return Stakeholder.objects.filter(Q(pk__in=visible.values("pk")) | unattached)


class MembershipPermissionPolicy(ClusterChildPolicy):
    model = ClusterMembership


class RelationshipPermissionPolicy(ClusterChildPolicy):
    model = Relationship


stakeholder_policy = register_policy(StakeholderPermissionPolicy())
membership_policy = register_policy(MembershipPermissionPolicy())
relationship_policy = register_policy(RelationshipPermissionPolicy())


class NetworkPermissionPolicy(ClusterChildPolicy):
    model = Network


network_policy = register_policy(NetworkPermissionPolicy())
