"""Object-level permission policies, one per model (after Wagtail's permission policies).

A policy answers two questions for every path (site views, admin, importers, API):
`instances_user_has_permission_for(user, action)` — the queryset a user may act on, so a
view that takes its queryset from it simply does not find a forbidden object (404) — and
`user_has_permission_for_instance(user, action, obj)`. `user_has_permission(user, action)`
is the model-level question (may this user create or import at all? if not: 403).
Django's default backend ignores the object in has_perm(perm, obj); we never rely on it.
"""

VIEW, ADD, CHANGE, DELETE, IMPORT = "view", "add", "change", "delete", "import"


class PermissionPolicy:
    """Base policy: subclasses define the querysets per action."""

    model = None

    def user_has_permission(self, user, action):
        """Return whether `user` may perform `action` on some instance (model level)."""
        raise NotImplementedError

    def instances_user_has_permission_for(self, user, action):
        """Return the instances `user` may perform `action` on."""
        raise NotImplementedError

    def user_has_permission_for_instance(self, user, action, instance):
        """Return whether `user` may perform `action` on `instance`."""
        if instance.pk is None:
            return self.user_has_permission(user, action)
        return self.instances_user_has_permission_for(user, action).filter(pk=instance.pk).exists()

    def linkable_instances(self, user):
        """Return the instances `user` may attach other records to (a figure to a cluster, a
        cluster to a stakeholder): by default those they may change."""
        return self.instances_user_has_permission_for(user, CHANGE)


_POLICIES = {}


def register_policy(policy):
    """Make `policy` the one that answers for its model wherever a model is only known at
    run time (the admin's choice fields and autocompletes); return it."""
    _POLICIES[policy.model] = policy
    return policy


def policy_for(model):
    """Return the registered policy of `model`, or None for reference data (regions,
    sectors) that anyone who may edit may also pick."""
    return _POLICIES.get(model)


def is_curator(user):
    """Return whether `user` is a curator (staff with the curators' publish permission)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("clusters.publish_cluster")
    )
