"""Editor pages of a cluster's members: link, enter and remove stakeholders, edit a
stakeholder, record and remove relationships among the members."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from clusters import revisions, services
from common.history import change_set
from common.permissions import ADD, CHANGE, DELETE
from jobs.services import may_export
from stakeholders import revisions as stakeholder_revisions
from stakeholders import services as stakeholder_services
from stakeholders.permissions import (
    membership_policy,
    relationship_policy,
    stakeholder_policy,
)
from workspace import queries
from workspace.forms import LinkForm, RelationshipForm, StakeholderForm, add_service_errors
from workspace.views.shared import (
    ClusterMixin,
    PolicyRequiredMixin,
    option_lists,
    propose_change,
    safe_next,
)

# Stakeholders of a cluster ----------------------------------------------------------------


class ClusterStakeholdersView(ClusterMixin, TemplateView):
    """The cluster's members; search the registry first (to link the same bank rather than
    enter it twice), link one, or enter a new stakeholder and link it."""

    template_name = "workspace/cluster_stakeholders.html"
    action = CHANGE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        cluster = self.get_cluster()
        query = self.request.GET.get("q", "").strip()
        candidates = queries.linkable_stakeholders(user)
        results = queries.stakeholder_search(candidates, query, exclude_cluster=cluster)
        create_form = kwargs.get("create_form") or StakeholderForm(initial={"name": query})
        duplicate = create_form.duplicate
        context.update(
            cluster=cluster,
            memberships=queries.cluster_members(cluster),
            query=query,
            results=results,
            link_form=kwargs.get("link_form"),
            create_form=create_form,
            duplicate=duplicate,
            # "Export these members" (a job): the stakeholder list's filter by cluster.
            may_export=may_export(user),
            export_filters=urlencode({"cluster": cluster.slug}),
            duplicate_linkable=duplicate is not None
            and candidates.filter(pk=duplicate.pk).exists(),
            editable_ids=set(
                stakeholder_policy.instances_user_has_permission_for(user, CHANGE)
                .filter(memberships__cluster=cluster)
                .values_list("pk", flat=True)
            ),
            **option_lists(),
        )
        return context

    def render_page(self, status=200, **forms):
        context = self.get_context_data(**self.kwargs, **forms)
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def back(self):
        return HttpResponseRedirect(self.cluster_url("cluster_stakeholders"))


class StakeholderLinkView(ClusterStakeholdersView):
    """Link an existing stakeholder to the cluster (POST)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        cluster = self.get_cluster()
        form = LinkForm(request.POST, candidates=queries.linkable_stakeholders(request.user))
        if not form.is_valid():
            return self.render_page(link_form=form)
        stakeholder = form.cleaned_data["stakeholder"]
        if revisions.review_needed(user=request.user, cluster=cluster):
            added = stakeholder_revisions.member_added(
                stakeholder=stakeholder, source=form.cleaned_data["source"]
            )
            propose_change(request, cluster, {"members_added": [added]})
            return self.back()
        with change_set(user=request.user, reason="site: link stakeholder"):
            _membership, created = stakeholder_services.stakeholder_link_to_cluster(
                stakeholder=stakeholder, cluster=cluster, source=form.cleaned_data["source"]
            )
        if created:
            messages.success(request, _("%(name)s is now a member.") % {"name": stakeholder})
        else:
            messages.info(request, _("%(name)s was a member already.") % {"name": stakeholder})
        return self.back()


class StakeholderCreateView(ClusterStakeholdersView):
    """Enter a new stakeholder and link it to the cluster (POST)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not stakeholder_policy.user_has_permission(request.user, ADD):
            raise PermissionDenied(_("You do not have permission to add stakeholders."))
        cluster = self.get_cluster()
        form = StakeholderForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render_page(create_form=form)
        data = form.cleaned_data
        try:
            with (
                transaction.atomic(),
                change_set(user=request.user, reason="site: new stakeholder"),
            ):
                region = services.region_get_or_create(state=data["state"], country=data["country"])
                stakeholder = stakeholder_services.stakeholder_create(
                    **form.stakeholder_data(region=region)
                )
                if revisions.review_needed(user=request.user, cluster=cluster):
                    # The new record is not public until its membership is approved.
                    added = stakeholder_revisions.member_added(
                        stakeholder=stakeholder, source=data["source"]
                    )
                    propose_change(request, cluster, {"members_added": [added]})
                    return self.back()
                stakeholder_services.stakeholder_link_to_cluster(
                    stakeholder=stakeholder, cluster=cluster, source=data["source"]
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.render_page(create_form=form)
        messages.success(
            request, _("%(name)s is entered and is now a member.") % {"name": stakeholder}
        )
        return self.back()


class MembershipRemoveView(ClusterStakeholdersView):
    """Take a stakeholder out of the cluster, with its relationships there (POST)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        cluster = self.get_cluster()
        membership = get_object_or_404(
            membership_policy.instances_user_has_permission_for(request.user, DELETE)
            .filter(cluster=cluster)
            .select_related("stakeholder"),
            pk=kwargs["pk"],
        )
        if revisions.review_needed(user=request.user, cluster=cluster):
            removed = stakeholder_revisions.member_removed(membership=membership)
            propose_change(request, cluster, {"members_removed": [removed]})
            return self.back()
        with change_set(user=request.user, reason="site: remove stakeholder"):
            removed = stakeholder_services.membership_delete(membership=membership)
        messages.success(
            request,
            ngettext(
                "%(name)s is no longer a member (%(n)s relationship removed with it).",
                "%(name)s is no longer a member (%(n)s relationships removed with it).",
                removed,
            )
            % {"name": membership.stakeholder, "n": removed},
        )
        return self.back()


class StakeholderEditView(PolicyRequiredMixin, FormView):
    """Edit a stakeholder the user may change (one whose every cluster is their agency's;
    a shared one is the curators'); a stale form is refused."""

    template_name = "workspace/stakeholder_form.html"
    form_class = StakeholderForm
    policy = stakeholder_policy
    action = CHANGE

    def get_stakeholder(self):
        if not hasattr(self, "_stakeholder"):
            queryset = stakeholder_policy.instances_user_has_permission_for(
                self.request.user, CHANGE
            )
            self._stakeholder = get_object_or_404(
                queryset.select_related("region"), slug=self.kwargs["slug"]
            )
        return self._stakeholder

    def get_initial(self):
        return StakeholderForm.initial_for(self.get_stakeholder())

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "stakeholder": self.get_stakeholder(),
            "user": self.request.user,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            stakeholder=self.get_stakeholder(),
            back_url=safe_next(self.request, reverse("editing:cluster_list")),
            stale=getattr(self, "stale", False),
            **option_lists(),
        )
        return context

    def form_valid(self, form):
        stakeholder = self.get_stakeholder()
        data = form.cleaned_data
        try:
            with transaction.atomic(), change_set(user=self.request.user, reason="site: edit"):
                region = services.region_get_or_create(state=data["state"], country=data["country"])
                changed = stakeholder_services.stakeholder_update(
                    stakeholder=stakeholder,
                    data=form.stakeholder_data(region=region),
                    expected_version=data["version"],
                )
        except services.StaleEdit as exc:
            self.stale = True
            form.add_error(None, exc.messages)
            return self.form_invalid(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Your changes are saved.") if changed else _("Nothing changed."),
        )
        return HttpResponseRedirect(safe_next(self.request, reverse("editing:cluster_list")))


# Relationships ----------------------------------------------------------------------------


class ClusterRelationshipsView(ClusterMixin, TemplateView):
    """The relationships among the cluster's members; record one (POST) or remove one."""

    template_name = "workspace/cluster_relationships.html"
    action = CHANGE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cluster = self.get_cluster()
        members = queries.member_stakeholders(cluster)
        context.update(
            cluster=cluster,
            relationships=queries.cluster_relationships(cluster),
            form=kwargs.get("form") or RelationshipForm(members=members),
            member_count=members.count(),
            # "Export these relationships" (a job): the relationship list's filter by cluster.
            may_export=may_export(self.request.user),
            export_filters=urlencode({"cluster": cluster.slug}),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not relationship_policy.user_has_permission(request.user, ADD):
            raise PermissionDenied(_("You do not have permission to add relationships."))
        cluster = self.get_cluster()
        form = RelationshipForm(request.POST, members=queries.member_stakeholders(cluster))
        if form.is_valid():
            data = form.cleaned_data
            if revisions.review_needed(user=request.user, cluster=cluster):
                added = stakeholder_revisions.relationship_added(
                    source=data["source"],
                    target=data["target"],
                    kind=data["kind"],
                    since=data["since"],
                    until=data["until"],
                    provenance=data["provenance"],
                )
                propose_change(request, cluster, {"relationships_added": [added]})
                return HttpResponseRedirect(self.cluster_url("cluster_relationships"))
            try:
                with change_set(user=request.user, reason="site: new relationship"):
                    relationship = stakeholder_services.relationship_create(
                        cluster=cluster,
                        source=data["source"],
                        target=data["target"],
                        kind=data["kind"],
                        since=data["since"],
                        until=data["until"],
                        provenance=data["provenance"],
                    )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Recorded: %(link)s.") % {"link": relationship})
                return HttpResponseRedirect(self.cluster_url("cluster_relationships"))
        context = self.get_context_data(**kwargs, form=form)
        return TemplateResponse(request, self.template_name, context)


class RelationshipRemoveView(ClusterMixin, View):
    """Remove a relationship of the cluster (POST)."""

    action = CHANGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        cluster = self.get_cluster()
        relationship = get_object_or_404(
            relationship_policy.instances_user_has_permission_for(request.user, DELETE)
            .filter(cluster=cluster)
            .select_related("source", "target"),
            pk=kwargs["pk"],
        )
        label = str(relationship)
        if revisions.review_needed(user=request.user, cluster=cluster):
            removed = stakeholder_revisions.relationship_removed(relationship=relationship)
            propose_change(request, cluster, {"relationships_removed": [removed]})
            return HttpResponseRedirect(self.cluster_url("cluster_relationships"))
        with change_set(user=request.user, reason="site: remove relationship"):
            stakeholder_services.relationship_delete(relationship=relationship)
        messages.success(request, _("Removed: %(link)s.") % {"link": label})
        return HttpResponseRedirect(self.cluster_url("cluster_relationships"))
