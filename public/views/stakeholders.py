"""Public pages of stakeholders: the list (with a BDS-provider view) and the profile."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from common.page_cache import kept_until_public_change
from public import pagination
from public.views import FilteredListView
from stakeholders import selectors
from stakeholders.choices import ROLES_BY_KIND, Kind, Role
from stakeholders.filtersets import PublicStakeholderFilterSet


class StakeholderListView(FilteredListView):
    """Stakeholders of published clusters; `?kind=bds_provider` is the BDS-provider directory
    (services offered and clusters served, FAQ Q62-64)."""

    template_name = "public/stakeholders/stakeholder_list.html"
    # Keeps the public stakeholders of `stakeholder_rows()`.
    filterset_class = PublicStakeholderFilterSet
    export_kind = "stakeholders"
    # A page's order needs the name only: its primary keys come from the name index alone,
    # then its rows are read (see CappedPaginator).
    load_page_by_pk = True
    count_cap = pagination.LONG_LIST_COUNT_CAP
    search_count_cap = pagination.SEARCH_COUNT_CAP

    def get(self, request, *args, **kwargs):
        self.options = kept_until_public_change(
            "stakeholder-filter-options", selectors.stakeholder_filter_options
        )
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.stakeholder_rows()

    def get_value_labels(self):
        clusters = self.options.clusters
        states = self.options.states
        return {
            "cluster": {item.slug: str(item) for item in clusters},
            "cluster_id": {str(item.pk): str(item) for item in clusters},
            "state": {item.slug: str(item) for item in states},
            "state_id": {str(item.pk): str(item) for item in states},
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = self.request.GET
        kinds = data.getlist("kind")
        role_labels = dict(Role.choices)
        for stakeholder in context["results"]:
            # get_role_display() would translate every role's label for each row.
            stakeholder.role_label = role_labels.get(stakeholder.role, stakeholder.role)
        context.update(
            options=self.options,
            bds_view=kinds == [Kind.BDS_PROVIDER],
            kind_choices=[(value, label, value in kinds) for value, label in Kind.choices],
            role_groups=[
                (kind.label, [(role.value, role_labels[role]) for role in roles])
                for kind, roles in ROLES_BY_KIND.items()
            ],
            selected_roles=data.getlist("role"),
            selected_cluster=data.get("cluster", ""),
            selected_state=data.get("state", ""),
        )
        return context


class StakeholderDetailView(TemplateView):
    """A public stakeholder: the published clusters it serves, its relationships both ways
    and its contacts; a stakeholder of no published cluster is not found (404)."""

    template_name = "public/stakeholders/stakeholder_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stakeholder = selectors.stakeholder_profile(slug=kwargs["slug"])
        if stakeholder is None:
            raise Http404(_("No public stakeholder has this address."))
        context.update(
            stakeholder=stakeholder,
            memberships=stakeholder.public_memberships,
            outgoing=stakeholder.public_outgoing,
            incoming=stakeholder.public_incoming,
        )
        return context
