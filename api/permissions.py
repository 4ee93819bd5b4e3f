"""The API's permission class: our permission policies decide, as they do on the site.

Kept free of `rest_framework.views` imports: DRF reads DEFAULT_PERMISSION_CLASSES while that
module is being imported.
"""

from rest_framework.permissions import BasePermission

from common.permissions import ADD, CHANGE, DELETE, VIEW, PermissionPolicy, is_curator

METHOD_ACTIONS = {
    "GET": VIEW,
    "HEAD": VIEW,
    "OPTIONS": VIEW,
    "POST": ADD,
    "PUT": CHANGE,
    "PATCH": CHANGE,
    "DELETE": DELETE,
}


def policy_action(request, view):
    """Return the policy action of this request: the view's own for a custom action, else
    the one its HTTP method implies."""
    custom = getattr(view, "policy_actions", {}).get(getattr(view, "action", None))
    return custom or METHOD_ACTIONS.get(request.method, CHANGE)


class PolicyPermission(BasePermission):
    """Let anyone read; let a user write only what the view's policy allows at model level.

    Which rows may be written is the queryset's job (`PolicyViewSetMixin.get_queryset`), so
    a row outside the user's set is not found (404) while a user who may not write at all is
    refused (401 anonymous, 403 otherwise).
    """

    message = "You may not do this: it needs an agency editor or a curator."

    def has_permission(self, request, view):
        action = policy_action(request, view)
        if action == VIEW:
            return True
        policy = getattr(view, "policy", None)
        if policy is None:
            return False
        return policy.user_has_permission(request.user, action)


class CuratorWritePolicy(PermissionPolicy):
    """Reference data (benchmarks): anyone reads, curators write."""

    def __init__(self, model):
        self.model = model

    def user_has_permission(self, user, action):
        return action == VIEW or is_curator(user)

    def instances_user_has_permission_for(self, user, action):
        if self.user_has_permission(user, action):
            return self.model.objects.all()
        return self.model.objects.none()
