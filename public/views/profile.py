"""The public profile of a published cluster."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from clusters import selectors
from clusters.size_bands import cluster_size_bands
from stakeholders import selectors as stakeholder_selectors
from stakeholders.network.profile import profile_network

# Profile ------------------------------------------------------------------------------------


class ClusterDetailView(TemplateView):
    """The public profile of a published cluster; any other status is not found (404)."""

    template_name = "public/clusters/cluster_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        profile = selectors.cluster_profile(slug=kwargs["slug"])
        if profile is None:
            raise Http404(_("No published cluster has this address."))
        stakeholders = stakeholder_selectors.cached_cluster_stakeholders(cluster=profile.cluster)
        context.update(
            profile=profile,
            cluster=profile.cluster,
            stakeholders=stakeholders,
            size_bands=cluster_size_bands(profile.cluster),
            # Measures of the stakeholder network (cached) and its networks of enterprises.
            network=profile_network(profile.cluster),
        )
        return context
