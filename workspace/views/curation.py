"""Curator pages: decisions on a cluster (approve, reject, archive, restore), the review
queue, and merging duplicate clusters or stakeholders."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from clusters import workflow
from clusters.permissions import MERGE, PUBLISH, cluster_policy
from stakeholders import merging
from stakeholders.permissions import stakeholder_policy
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
    """Merge two duplicates: name them by slug, compare, choose the survivor, confirm."""

    template_name = "workspace/merge.html"
    action = MERGE
    noun = ""
    merge = None
    detail_url_name = ""

    def candidates(self):
        return self.policy.instances_user_has_permission_for(self.request.user, MERGE)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pick = MergePickForm(self.request.GET or None, candidates=self.candidates(), noun=self.noun)
        confirm = kwargs.get("confirm_form")
        if confirm is None and pick.is_bound and pick.is_valid():
            confirm = MergeConfirmForm(
                initial={
                    "first": pick.cleaned_data["first"].slug,
                    "second": pick.cleaned_data["second"].slug,
                    "survivor": "first",
                },
                candidates=self.candidates(),
                noun=self.noun,
            )
            context["records"] = (pick.cleaned_data["first"], pick.cleaned_data["second"])
        context.update(pick_form=pick, confirm_form=confirm, noun=self.noun)
        return context

    def post(self, request, *args, **kwargs):
        form = MergeConfirmForm(request.POST, candidates=self.candidates(), noun=self.noun)
        if not form.is_valid():
            context = self.get_context_data(confirm_form=form)
            if form.cleaned_data.get("first") and form.cleaned_data.get("second"):
                context["records"] = (form.cleaned_data["first"], form.cleaned_data["second"])
            return TemplateResponse(request, self.template_name, context)
        survivor, duplicate = form.survivor_and_duplicate()
        try:
            record = self.merge(survivor=survivor, duplicate=duplicate, user=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return TemplateResponse(
                request, self.template_name, self.get_context_data(confirm_form=form)
            )
        messages.success(request, str(record))
        return redirect(self.survivor_url(survivor))

    def survivor_url(self, survivor):
        raise NotImplementedError


class ClusterMergeView(MergeView):
    policy = cluster_policy
    noun = gettext_lazy("cluster")

    @staticmethod
    def merge(**kwargs):
        return merging.cluster_merge(**kwargs)

    def survivor_url(self, survivor):
        return reverse("editing:cluster_detail", kwargs={"slug": survivor.slug})


class StakeholderMergeView(MergeView):
    policy = stakeholder_policy
    noun = gettext_lazy("stakeholder")

    @staticmethod
    def merge(**kwargs):
        return merging.stakeholder_merge(**kwargs)

    def survivor_url(self, survivor):
        return reverse("editing:stakeholder_edit", kwargs={"slug": survivor.slug})
