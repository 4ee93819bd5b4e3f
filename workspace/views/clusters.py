"""Editor pages of clusters: the list, enter, edit, delete, the detail page, submit for
review and the history of changes."""

from copy import copy
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, RedirectView, TemplateView

from clusters import revisions, services, workflow
from clusters.accounts import editor_agency_id
from clusters.choices import PublicationStatus
from clusters.filtersets import ClusterFilterSet
from clusters.models import Agency, Cluster
from clusters.permissions import HISTORY, PUBLISH, SUBMIT, cluster_policy
from common.history import change_set
from common.permissions import ADD, CHANGE, DELETE, is_curator
from jobs.services import may_export
from workspace import queries
from workspace.forms import ClusterFilterForm, ClusterForm, ReviewForm, add_service_errors
from workspace.history import cluster_history
from workspace.views.shared import (
    ClusterMixin,
    PolicyRequiredMixin,
    option_lists,
    review_auto_id,
    review_message,
)

PAGE_SIZE = 50
HISTORY_PAGE_SIZE = 100


# Clusters -------------------------------------------------------------------------------


class ManageHomeView(LoginRequiredMixin, RedirectView):
    """/manage/ leads to the list of clusters."""

    pattern_name = "editing:cluster_list"


class ClusterListView(PolicyRequiredMixin, TemplateView):
    """An editor's agency's clusters in every status (a curator's: all), with the latest
    review, so a rejected draft shows the curator's comment."""

    template_name = "workspace/cluster_list.html"
    action = CHANGE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        clusters = queries.managed_clusters(user)
        form = ClusterFilterForm(self.request.GET or None, curator=self.curator)
        counts = queries.status_counts(clusters)
        agency = None if self.curator else Agency.objects.filter(pk=editor_agency_id(user)).first()
        filters = list_filters(form, agency=agency)
        # The cluster FilterSet, as the public list's and the export job's (given `filters`).
        filterset = ClusterFilterSet(QueryDict(filters), queryset=clusters)
        if filterset.is_valid():
            clusters = filterset.qs
        paginator = Paginator(clusters.order_by("-updated", "-pk"), PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get("page"))
        labels = dict(workflow.Action.choices)
        for cluster in page.object_list:
            cluster.last_action_label = labels.get(cluster.last_action, "")
        context.update(
            form=form,
            page_obj=page,
            page_range=list(paginator.get_elided_page_range(page.number, on_ends=1)),
            clusters=list(page.object_list),
            status_counts=[
                (value, label, counts.get(value, 0)) for value, label in PublicationStatus.choices
            ],
            total=sum(counts.values()),
            agency=agency,
            curator=self.curator,
            may_add=cluster_policy.user_has_permission(user, ADD),
            may_export=may_export(user),
            export_filters=filters,
        )
        return context


def list_filters(form, *, agency):
    """Return the ClusterFilterSet query string of the list's filter `form` (its status as
    `publication_status`): the same clusters as the list when applied to those the user may
    see, `agency` (an editor's own; None for a curator) standing for the list's scope."""
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    pairs = [("q", data.get("q", "")), ("publication_status", data.get("status", ""))]
    chosen = agency or data.get("agency")
    if chosen is not None:
        pairs.append(("agency", chosen.slug))
    return urlencode([(name, value) for name, value in pairs if value])


class ClusterFormMixin:
    template_name = "workspace/cluster_form.html"
    form_class = ClusterForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        duplicate = form.duplicate
        duplicate_url = ""
        if duplicate is not None:
            if cluster_policy.user_has_permission_for_instance(
                self.request.user, CHANGE, duplicate
            ):
                duplicate_url = reverse("editing:cluster_detail", kwargs={"slug": duplicate.slug})
            elif duplicate.status == PublicationStatus.PUBLISHED:
                duplicate_url = duplicate.get_absolute_url()
        context.update(duplicate=duplicate, duplicate_url=duplicate_url, **option_lists())
        return context


class ClusterCreateView(ClusterFormMixin, PolicyRequiredMixin, FormView):
    """Enter a new cluster: an editor's belongs to their agency; every new one is a draft."""

    action = ADD

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "curator": self.curator, "user": self.request.user}

    def form_valid(self, form):
        user = self.request.user
        data = form.cleaned_data
        if not self.curator:
            # An editor enters clusters for their own agency only.
            form_agency = {"agency": Agency.objects.get(pk=editor_agency_id(user))}
        else:
            form_agency = {}
        try:
            with transaction.atomic(), change_set(user=user, reason="site: new cluster"):
                region = services.region_get_or_create(state=data["state"], country=data["country"])
                sector = services.sector_get_or_create(name=data["sector"])
                cluster = services.cluster_create(
                    **form.cluster_data(region=region, sector=sector),
                    **form_agency,
                    status=PublicationStatus.DRAFT,
                    figures=form.figures(),
                    provenance=form.provenance(),
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The cluster “%(cluster)s” is saved as a draft.") % {"cluster": cluster},
        )
        return redirect("editing:cluster_detail", slug=cluster.slug)


class ClusterEditView(ClusterFormMixin, ClusterMixin, FormView):
    """Edit a cluster and record new figures; a form opened before someone else's save is
    refused (the version it showed is stale) and what the user typed stays on the page."""

    action = CHANGE

    def pending_revision(self):
        """Return the user's pending revision of the cluster (an editor's, once published)."""
        if not hasattr(self, "_pending"):
            cluster = self.get_cluster()
            self._pending = None
            if revisions.review_needed(user=self.request.user, cluster=cluster):
                self._pending = revisions.pending_revision(user=self.request.user, cluster=cluster)
        return self._pending

    def get_initial(self):
        cluster = self.get_cluster()
        pending = self.pending_revision()
        if pending is None:
            return ClusterForm.initial_for(cluster)
        # The form shows the change waiting for review, so saving again amends it.
        proposed = copy(cluster)
        for name, value in revisions.decode_fields(pending.changes.get("fields", {})).items():
            setattr(proposed, name, value)
        return ClusterForm.initial_for(proposed)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "cluster": self.get_cluster(),
            "curator": self.curator,
            "user": self.request.user,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cluster = self.get_cluster()
        context.update(
            cluster=cluster,
            figures=cluster.figures.order_by("measure", "-year", "-pk"),
            stale=getattr(self, "stale", False),
            curator=self.curator,
            pending_revision=self.pending_revision(),
        )
        return context

    def form_valid(self, form):
        cluster = self.get_cluster()
        data = form.cleaned_data
        if revisions.review_needed(user=self.request.user, cluster=cluster):
            return self.propose(form, cluster)
        try:
            with transaction.atomic(), change_set(user=self.request.user, reason="site: edit"):
                region = services.region_get_or_create(state=data["state"], country=data["country"])
                sector = services.sector_get_or_create(name=data["sector"])
                changed = services.cluster_update(
                    cluster=cluster,
                    data=form.cluster_data(region=region, sector=sector),
                    expected_version=data["version"],
                )
                changed |= services.cluster_record_figures(
                    cluster=cluster, values=form.figures(), provenance=form.provenance()
                )
        except services.StaleEdit as exc:
            self.stale = True
            form.add_error(None, exc.messages)
            self.get_cluster(refresh=True)
            return self.form_invalid(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            self.get_cluster(refresh=True)
            return self.form_invalid(form)
        if changed:
            messages.success(self.request, _("Your changes are saved."))
        else:
            messages.info(self.request, _("Nothing changed: the record is as it was."))
        return redirect("editing:cluster_detail", slug=cluster.slug)

    def propose(self, form, cluster):
        """Keep an editor's change to a published cluster as a proposed revision."""
        data = form.cleaned_data
        try:
            with transaction.atomic():
                services.check_version(
                    model=Cluster,
                    pk=cluster.pk,
                    expected_version=data["version"],
                    label=_("cluster"),
                )
                region = services.region_lookup(state=data["state"], country=data["country"])
                if region is not None and region.pk is None:
                    region = services.region_get_or_create(
                        state=data["state"], country=data["country"]
                    )
                sector = services.sector_get_or_create(name=data["sector"])
                changes = {
                    "fields": revisions.field_changes(
                        cluster=cluster, data=form.cluster_data(region=region, sector=sector)
                    ),
                    "figures": revisions.figure_changes(
                        values=form.figures(), provenance=form.provenance()
                    ),
                }
                # The form showed the pending values: its fields replace the pending ones.
                revision = revisions.revision_propose(
                    user=self.request.user, cluster=cluster, changes=changes, replace=("fields",)
                )
        except services.StaleEdit as exc:
            self.stale = True
            form.add_error(None, exc.messages)
            self.get_cluster(refresh=True)
            return self.form_invalid(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        if revision is None:
            messages.info(self.request, _("Nothing changed: the record is as it was."))
        elif not revision.is_pending:
            messages.info(
                self.request,
                _("Your change is withdrawn: nothing in it differs from the record any more."),
            )
        else:
            messages.success(self.request, review_message())
        return redirect("editing:cluster_detail", slug=cluster.slug)


class ClusterDetailView(ClusterMixin, TemplateView):
    """One cluster as its editors see it: status, the curators' comments, figures, members,
    relationships, and what the user may do next."""

    template_name = "workspace/cluster_detail.html"
    action = CHANGE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        cluster = self.get_cluster()
        possible = workflow.available_actions(cluster)
        context.update(
            cluster=cluster,
            figures=cluster.figures.order_by("measure", "-year", "-pk"),
            member_count=cluster.memberships.count(),
            relationship_count=cluster.relationships.count(),
            reviews=cluster.reviews.select_related("user")[:20],
            may_submit=workflow.Action.SUBMITTED in possible
            and cluster_policy.user_has_permission_for_instance(user, SUBMIT, cluster),
            curator_actions=[
                action
                for action in possible
                if action in workflow.CURATOR_ACTIONS
                and cluster_policy.user_has_permission(user, PUBLISH)
            ],
            review_form=kwargs.get("review_form") or ReviewForm(auto_id=review_auto_id(cluster)),
            revisions=revision_panel(user, cluster),
            may_delete=cluster.status == PublicationStatus.DRAFT
            and not any(r.action == workflow.Action.APPROVED for r in cluster.reviews.all())
            and cluster_policy.user_has_permission_for_instance(user, DELETE, cluster),
        )
        return context


def revision_panel(user, cluster):
    """Return the proposed changes of `cluster` the user sees on its page: an editor their
    own (the pending one with its diff, and the last returned one with the curator's
    comment); a curator every pending one."""
    rows = revisions.revisions_of(cluster)
    if not is_curator(user):
        rows = rows.filter(author=user)
    rows = list(rows[:10])
    returned = next((r for r in rows if r.state == r.State.RETURNED), None)
    return {
        "pending": [(r, revisions.revision_diff(r, cluster)) for r in rows if r.is_pending],
        "returned": returned,
    }


class ClusterSubmitView(ClusterMixin, View):
    """Submit a draft for a curator's review (POST)."""

    action = SUBMIT
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        cluster = self.get_cluster()
        try:
            workflow.cluster_transition(
                cluster=cluster, action=workflow.Action.SUBMITTED, user=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("“%(cluster)s” is submitted: a curator will review it before it is public.")
                % {"cluster": cluster},
            )
        return redirect("editing:cluster_detail", slug=cluster.slug)


class ClusterDeleteView(ClusterMixin, TemplateView):
    """Delete a draft that was never published, after a confirmation page."""

    template_name = "workspace/cluster_confirm_delete.html"
    action = DELETE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cluster"] = self.get_cluster()
        return context

    def post(self, request, *args, **kwargs):
        cluster = self.get_cluster()
        label = str(cluster)
        try:
            with change_set(user=request.user, reason="site: delete draft"):
                services.cluster_delete(cluster=cluster)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("editing:cluster_detail", slug=cluster.slug)
        messages.success(request, _("The draft “%(cluster)s” is deleted.") % {"cluster": label})
        return redirect("editing:cluster_list")


class ClusterHistoryView(ClusterMixin, TemplateView):
    """Every change to the cluster, its figures, members and relationships: who, when, why,
    and each field's old and new value."""

    template_name = "workspace/cluster_history.html"
    action = HISTORY

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cluster = self.get_cluster()
        paginator = Paginator(cluster_history(cluster), HISTORY_PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            cluster=cluster,
            entries=page.object_list,
            page_obj=page,
            page_range=list(paginator.get_elided_page_range(page.number, on_ends=1)),
            reviews=cluster.reviews.select_related("user"),
        )
        return context
