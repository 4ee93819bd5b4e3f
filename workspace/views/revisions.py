"""Proposed changes to published clusters (clusters.revisions): the curators' queue, one
revision's field-by-field diff with approve and return-with-comment, and the author's
withdraw."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from clusters import revisions
from clusters.models import ClusterRevision
from clusters.permissions import PUBLISH, cluster_policy
from common.permissions import CHANGE, is_curator
from workspace.forms.revisions import RevisionDecisionForm
from workspace.views.shared import PolicyRequiredMixin


def revisions_for(user):
    """Return the revisions `user` may see: a curator every one, an editor their own on
    clusters they may still change (another agency's are not found)."""
    rows = ClusterRevision.objects.select_related(
        "cluster", "cluster__region", "cluster__agency", "cluster__sector", "author", "reviewer"
    )
    if is_curator(user):
        return rows
    editable = cluster_policy.instances_user_has_permission_for(user, CHANGE)
    return rows.filter(author=user, cluster__in=editable)


class RevisionQueueView(PolicyRequiredMixin, TemplateView):
    """The proposed changes waiting for a curator, oldest first."""

    template_name = "workspace/revisions/revision_queue.html"
    action = PUBLISH

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pending = list(revisions.pending_revisions())
        for revision in pending:
            revision.stale = revisions.is_stale(revision)
        context.update(revisions=pending)
        return context


class RevisionMixin(PolicyRequiredMixin):
    action = CHANGE

    def get_revision(self):
        if not hasattr(self, "_revision"):
            self._revision = get_object_or_404(
                revisions_for(self.request.user), pk=self.kwargs["pk"]
            )
        return self._revision


class RevisionDetailView(RevisionMixin, TemplateView):
    """One proposed change: old → new for each field, figures with year and source, members
    and relationships added or removed; approve or return (curators), withdraw (author)."""

    template_name = "workspace/revisions/revision_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        revision = self.get_revision()
        user = self.request.user
        context.update(
            revision=revision,
            cluster=revision.cluster,
            diff=revisions.revision_diff(revision),
            form=kwargs.get("form") or RevisionDecisionForm(),
            may_decide=revision.is_pending and is_curator(user),
            may_withdraw=revision.is_pending and revision.author_id == user.pk,
        )
        return context


class RevisionDecideView(RevisionMixin, View):
    """Approve or return a pending revision (POST, curators)."""

    http_method_names = ["post"]
    decision = "approve"

    def post(self, request, *args, **kwargs):
        if not is_curator(request.user):
            raise PermissionDenied(_("Only a curator can review proposed changes."))
        revision = self.get_revision()
        form = RevisionDecisionForm(request.POST)
        if not form.is_valid():
            return self.invalid(form)
        comment = form.cleaned_data["comment"]
        try:
            if self.decision == "approve":
                revisions.revision_approve(curator=request.user, revision=revision, comment=comment)
            else:
                revisions.revision_return(curator=request.user, revision=revision, comment=comment)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
            return self.invalid(form)
        if self.decision == "approve":
            messages.success(
                request,
                _("The change to “%(cluster)s” is approved and public.")
                % {"cluster": revision.cluster},
            )
        else:
            messages.success(
                request,
                _("The change to “%(cluster)s” is returned to its author.")
                % {"cluster": revision.cluster},
            )
        return redirect("editing:revision_queue")

    def invalid(self, form):
        view = RevisionDetailView(request=self.request, kwargs=self.kwargs, args=())
        view._revision = self.get_revision()
        context = view.get_context_data(form=form)
        return TemplateResponse(self.request, view.template_name, context, status=400)


class RevisionWithdrawView(RevisionMixin, View):
    """Withdraw one's own pending revision (POST)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        revision = self.get_revision()
        if revision.author_id != request.user.pk:
            raise Http404
        try:
            revisions.revision_withdraw(user=request.user, revision=revision)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your proposed change is withdrawn."))
        return redirect("editing:cluster_detail", slug=revision.cluster.slug)
