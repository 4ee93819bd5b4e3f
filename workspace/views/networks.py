"""Manage a cluster's networks of enterprises (FAQ Q59-61) under /manage/ (namespace
`networks`): list, create, edit and delete, for the editors of the owning agency and the
curators.

Permissions come from the policies: an anonymous user is sent to sign in, a user the
network policy gives no right to act at all gets 403, and the cluster and the network are
looked up among those the user may change, so another agency's are simply not found (404).
Every write goes through stakeholders.networks (network_save, network_delete) inside a
change set, so the history names who made it.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from clusters import revisions
from clusters.permissions import cluster_policy
from common.history import change_set
from common.permissions import ADD, CHANGE, DELETE
from stakeholders import revisions as stakeholder_revisions
from stakeholders.models import Network
from stakeholders.network.map import cluster_networks
from stakeholders.networks import network_delete, network_save, network_validate_members
from stakeholders.permissions import network_policy
from workspace.forms.networks import NetworkForm
from workspace.views.shared import propose_change


def add_service_errors(form, error):
    """Put a ValidationError raised by a service on the form: next to its field where the
    form has one (the members' count, an outsider), at the top otherwise."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class NetworkClusterMixin(LoginRequiredMixin):
    """A page about the networks of one cluster the user may change (else 404)."""

    action = CHANGE

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not network_policy.user_has_permission(user, self.action):
            raise PermissionDenied(_("You do not have permission to manage networks."))
        return super().dispatch(request, *args, **kwargs)

    def get_cluster(self):
        """Return the cluster of the URL if the user may change it, or raise Http404."""
        if not hasattr(self, "_cluster"):
            clusters = cluster_policy.instances_user_has_permission_for(self.request.user, CHANGE)
            self._cluster = get_object_or_404(
                clusters.select_related("agency", "region"), slug=self.kwargs["slug"]
            )
        return self._cluster

    def get_network(self):
        """Return the network of the URL, in this cluster, if the user may act on it."""
        if not hasattr(self, "_network"):
            networks = network_policy.instances_user_has_permission_for(
                self.request.user, self.action
            )
            self._network = get_object_or_404(
                networks, pk=self.kwargs["pk"], cluster=self.get_cluster()
            )
        return self._network

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cluster"] = self.get_cluster()
        return context


class NetworkListView(NetworkClusterMixin, TemplateView):
    """The networks of a cluster, with links to add, edit and delete them."""

    template_name = "workspace/networks/network_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            networks=cluster_networks(self.get_cluster()),
            may_add=network_policy.user_has_permission(user, ADD),
            may_delete=network_policy.user_has_permission(user, DELETE),
        )
        return context


class NetworkFormView(NetworkClusterMixin, FormView):
    """Shared by create and edit: the form, and the save through network_save."""

    template_name = "workspace/networks/network_form.html"
    form_class = NetworkForm

    def get_instance(self):
        raise NotImplementedError

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": self.get_instance(),
            "cluster": self.get_cluster(),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["network"] = self.get_instance()
        return context

    def form_valid(self, form):
        network = form.save(commit=False)
        cluster = self.get_cluster()
        if revisions.review_needed(user=self.request.user, cluster=cluster):
            members = list(form.cleaned_data["members"])
            try:
                network_validate_members(cluster=cluster, members=members)
            except ValidationError as exc:
                add_service_errors(form, exc)
                return self.form_invalid(form)
            saved = stakeholder_revisions.network_saved(network=network, members=members)
            propose_change(self.request, cluster, {"networks_saved": [saved]})
            return redirect("networks:network_list", slug=cluster.slug)
        reason = "site: edit network" if network.pk else "site: new network"
        try:
            with change_set(user=self.request.user, reason=reason):
                network_save(network=network, members=list(form.cleaned_data["members"]))
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The network “%(name)s” is saved.") % {"name": network})
        return redirect("networks:network_list", slug=self.get_cluster().slug)


class NetworkCreateView(NetworkFormView):
    """Record a new network of the cluster's enterprises."""

    action = ADD

    def get_instance(self):
        if not hasattr(self, "_instance"):
            self._instance = Network(cluster=self.get_cluster())
        return self._instance


class NetworkEditView(NetworkFormView):
    """Edit a network: its name, joint action, dates, status and members."""

    action = CHANGE

    def get_instance(self):
        return self.get_network()


class NetworkDeleteView(NetworkClusterMixin, TemplateView):
    """Delete a network after a confirmation page (its history stays)."""

    template_name = "workspace/networks/network_confirm_delete.html"
    action = DELETE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["network"] = self.get_network()
        return context

    def post(self, request, *args, **kwargs):
        network = self.get_network()
        name = network.name
        cluster = self.get_cluster()
        if revisions.review_needed(user=request.user, cluster=cluster):
            removed = stakeholder_revisions.network_removed(network=network)
            propose_change(request, cluster, {"networks_removed": [removed]})
            return redirect("networks:network_list", slug=cluster.slug)
        with change_set(user=request.user, reason="site: delete network"):
            network_delete(network=network)
        messages.success(request, _("The network “%(name)s” is deleted.") % {"name": name})
        return redirect("networks:network_list", slug=self.get_cluster().slug)
