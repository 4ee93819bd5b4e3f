"""Permission plumbing and helpers shared by the editor and curator pages."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from clusters import revisions
from clusters.models import Region, Sector
from clusters.permissions import cluster_policy
from common.permissions import CHANGE, is_curator

# Permission plumbing ----------------------------------------------------------------------


class PolicyRequiredMixin(LoginRequiredMixin):
    """Send anonymous users to sign in; refuse (403) a user the policy gives no `action`."""

    policy = cluster_policy
    action = CHANGE

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not self.policy.user_has_permission(user, self.action):
            raise PermissionDenied(_("You do not have permission to do this."))
        return super().dispatch(request, *args, **kwargs)

    @property
    def curator(self):
        return is_curator(self.request.user)


class ClusterMixin(PolicyRequiredMixin):
    """A page about one cluster, found among those the policy allows for `action` (or 404)."""

    def get_cluster(self, *, refresh=False):
        """Return the cluster named by the URL's slug, if the user may act on it."""
        if refresh or not hasattr(self, "_cluster"):
            queryset = cluster_policy.instances_user_has_permission_for(
                self.request.user, self.action
            )
            self._cluster = get_object_or_404(
                queryset.select_related("region", "sector", "agency"), slug=self.kwargs["slug"]
            )
        return self._cluster

    def cluster_url(self, name="cluster_detail"):
        return reverse(f"editing:{name}", kwargs={"slug": self.get_cluster().slug})


def option_lists():
    """Return the suggestions for the state and sector inputs (datalists)."""
    return {
        "state_options": Region.objects.filter(country="IN").values_list("name", flat=True),
        "sector_options": Sector.objects.values_list("name", flat=True),
    }


def review_auto_id(cluster):
    """Return the id pattern of a cluster's review form (several share the queue page)."""
    return f"id_%s_{cluster.pk}"


def safe_next(request, default):
    """Return the `next` address of the request if it is on this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def review_message():
    """Return what an editor is told when their change waits for a curator."""
    return _("Your change waits for a curator's review.")


def propose_change(request, cluster, changes):
    """Keep the signed-in editor's `changes` to the published `cluster` as (part of) their
    pending revision and say so; return the revision."""
    revision = revisions.revision_propose(user=request.user, cluster=cluster, changes=changes)
    say_proposed(request, revision)
    return revision


def say_proposed(request, revision):
    """Tell the signed-in editor that their change waits for a curator (`revision`), or
    that it changed nothing (None)."""
    if revision is None:
        messages.info(request, _("Nothing changed: the record is as it was."))
    else:
        messages.success(request, review_message())
