"""Curator pages: decisions on a cluster (approve, reject, archive, restore), the review
queue, and merging duplicate clusters or stakeholders."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from clusters import workflow
from clusters.permissions import MERGE, PUBLISH, cluster_policy
from clusters.selectors import cluster_successor_slug
from stakeholders import merging
from stakeholders.merging import comparison, search
from stakeholders.permissions import stakeholder_policy
from stakeholders.selectors import stakeholder_successor_slug
from workspace import queries
from workspace.forms import MergeConfirmForm, MergePickForm, ReviewForm, add_service_errors
from workspace.views.clusters import ClusterDetailView
from workspace.views.shared import ClusterMixin, PolicyRequiredMixin, review_auto_id

# Curators: review queue and merges --------------------------------------------------------


class ClusterReviewView(ClusterMixin, View):
    """A curator approves, rejects (with a comment), archives or restores a cluster (POST).

    A refused decision (a rejection without a comment) shows the page it came from again,
    with the error next to the comment and the comment as typed.
    """

    action = PUBLISH
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        cluster = self.get_cluster()
        form = ReviewForm(request.POST, auto_id=review_auto_id(cluster))
        if form.is_valid():
            try:
                workflow.cluster_transition(
                    cluster=cluster,
                    action=form.cleaned_data["action"],
                    user=request.user,
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
        if form.errors:
            # Show the page the decision came from again, with the error and the comment.
            if request.POST.get("return_to") == "queue":
                view = ReviewQueueView()
                view.setup(request)
                context = view.get_context_data(failed_form=form, failed_cluster=cluster)
            else:
                view = ClusterDetailView()
                view.setup(request, *args, **kwargs)
                context = view.get_context_data(review_form=form, **kwargs)
            return TemplateResponse(request, view.template_name, context)
        messages.success(
            request,
            _("“%(cluster)s”: %(action)s.")
            % {
                "cluster": cluster,
                "action": workflow.Action(form.cleaned_data["action"]).label.lower(),
            },
        )
        default = reverse("editing:cluster_detail", kwargs={"slug": cluster.slug})
        if request.POST.get("return_to") == "queue":
            default = reverse("editing:review_queue")
        return redirect(default)


class ReviewQueueView(PolicyRequiredMixin, TemplateView):
    """The clusters waiting for a curator, oldest submission first, each with approve and
    reject-with-comment."""

    template_name = "workspace/review_queue.html"
    action = PUBLISH

    def get_context_data(self, failed_form=None, failed_cluster=None, **kwargs):
        context = super().get_context_data(**kwargs)
        allowed = cluster_policy.instances_user_has_permission_for(self.request.user, PUBLISH)
        clusters = list(
            queries.with_submission_time(workflow.review_queue()).filter(
                pk__in=allowed.values("pk")
            )
        )
        for cluster in clusters:
            failed = failed_cluster is not None and cluster.pk == failed_cluster.pk
            cluster.review_form = (
                failed_form if failed else ReviewForm(auto_id=review_auto_id(cluster))
            )
        context.update(
            clusters=clusters,
            failed_cluster=failed_cluster,
            queue_actions=[workflow.Action.APPROVED, workflow.Action.REJECTED],
        )
        return context


class MergeView(PolicyRequiredMixin, TemplateView):
    """Merge two duplicates: find them (search, slug or address), compare them side by side
    with the warnings, choose the survivor and the values it keeps, confirm.

    `?first=<slug>&second=<slug>` opens the comparison directly (the data-quality desk
    links here so).
    """

    template_name = "workspace/merge.html"
    action = MERGE
    kind = ""  # "cluster" or "stakeholder": the template and the form pick their sentences
    merge = None
    compare = None
    search_url_name = ""
    successor = None

    def candidates(self):
        return self.policy.instances_user_has_permission_for(self.request.user, MERGE)

    def pick_form(self, data):
        return MergePickForm(
            data,
            candidates=self.candidates().select_related(*self.related),
            kind=self.kind,
            search_url=reverse(self.search_url_name),
            successor=self.successor,
        )

    def get_context_data(self, pick=None, confirm=None, **kwargs):
        context = super().get_context_data(**kwargs)
        if pick is None:
            pick = self.pick_form(self.request.GET or None)
        if confirm is None and pick.is_bound and pick.is_valid():
            comparison = self.compare(
                first=pick.cleaned_data["first"], second=pick.cleaned_data["second"]
            )
            confirm = MergeConfirmForm(comparison=comparison)
        context.update(
            pick_form=pick,
            confirm_form=confirm,
            comparison=confirm.comparison if confirm is not None else None,
            records=(
                (confirm.comparison.first, confirm.comparison.second) if confirm is not None else ()
            ),
            kind=self.kind,
        )
        return context

    def post(self, request, *args, **kwargs):
        pick = self.pick_form(request.POST)
        if not pick.is_valid():
            return self.render_to_response(self.get_context_data(pick=pick))
        comparison = self.compare(
            first=pick.cleaned_data["first"], second=pick.cleaned_data["second"]
        )
        form = MergeConfirmForm(request.POST, comparison=comparison)
        if form.is_valid():
            try:
                record = self.merge(user=request.user, **form.merge_arguments())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, str(record))
                return redirect(self.survivor_url(form.merge_arguments()["survivor"]))
        return self.render_to_response(self.get_context_data(pick=pick, confirm=form))

    def survivor_url(self, survivor):
        raise NotImplementedError


class ClusterMergeView(MergeView):
    policy = cluster_policy
    kind = "cluster"
    related = ("region", "sector", "agency")
    search_url_name = "editing:cluster_merge_search"
    successor = staticmethod(cluster_successor_slug)

    @staticmethod
    def merge(**kwargs):
        return merging.cluster_merge(**kwargs)

    @staticmethod
    def compare(**kwargs):
        return comparison.cluster_merge_comparison(**kwargs)

    def survivor_url(self, survivor):
        return reverse("editing:cluster_detail", kwargs={"slug": survivor.slug})


class StakeholderMergeView(MergeView):
    policy = stakeholder_policy
    kind = "stakeholder"
    related = ("region",)
    search_url_name = "editing:stakeholder_merge_search"
    successor = staticmethod(stakeholder_successor_slug)

    @staticmethod
    def merge(**kwargs):
        return merging.stakeholder_merge(**kwargs)

    @staticmethod
    def compare(**kwargs):
        return comparison.stakeholder_merge_comparison(**kwargs)

    def survivor_url(self, survivor):
        return reverse("editing:stakeholder_edit", kwargs={"slug": survivor.slug})


class MergeSearchView(PolicyRequiredMixin, View):
    """The merge page's autocomplete: `?q=` (and `exclude=<slug>`, the record picked in the
    other field) → JSON `{"results": [{"slug", "label", "detail"}]}`, at most 20 records
    the curator may merge."""

    action = MERGE
    http_method_names = ["get"]
    search = None

    def get(self, request, *args, **kwargs):
        candidates = self.policy.instances_user_has_permission_for(request.user, MERGE)
        records = self.search(
            candidates=candidates,
            query=request.GET.get("q", "")[:200],
            exclude=request.GET.get("exclude", "")[:220],
        )
        return JsonResponse({"results": [self.describe(record) for record in records]})


class ClusterMergeSearchView(MergeSearchView):
    policy = cluster_policy

    @staticmethod
    def search(**kwargs):
        return search.cluster_merge_search(**kwargs)

    @staticmethod
    def describe(cluster):
        detail = [str(cluster.region or ""), cluster.get_cluster_type_display()]
        detail.append(cluster.get_status_display())
        return {
            "slug": cluster.slug,
            "label": str(cluster),
            "detail": " · ".join(part for part in detail if part),
        }


class StakeholderMergeSearchView(MergeSearchView):
    policy = stakeholder_policy

    @staticmethod
    def search(**kwargs):
        return search.stakeholder_merge_search(**kwargs)

    @staticmethod
    def describe(stakeholder):
        detail = [stakeholder.get_kind_display(), stakeholder.place, str(stakeholder.region or "")]
        return {
            "slug": stakeholder.slug,
            "label": stakeholder.name,
            "detail": " · ".join(part for part in detail if part),
        }
