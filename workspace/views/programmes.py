"""Editor and curator pages of development initiatives under /manage/ (namespace
`initiatives`): enter and update an initiative, its diagnostic study (with source
documents, downloaded only by those allowed), its action plan, its indicator targets and
the cluster's measurements; submit it; a curator publishes or returns it.

Every view asks the policies of programmes.permissions: an anonymous user is sent to sign
in, a user the policy gives no right at all gets 403, and the initiative comes from
`instances_user_has_permission_for`, so another agency's is simply not found (404). Views
parse the request and call the domain's services inside a change set (the history names
who and when); the rules live there.
"""

import mimetypes

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from clusters.accounts import editor_agency_id
from clusters.choices import PublicationStatus
from clusters.models import Agency
from common.history import change_set
from common.permissions import ADD, CHANGE, is_curator
from programmes import page_selectors, revisions
from programmes import services as programme_services
from programmes.models import (
    DiagnosticStudy,
    IndicatorTarget,
    Initiative,
    InitiativeRevision,
    PlanActivity,
    StudyDocument,
)
from programmes.permissions import (
    DOWNLOAD,
    PUBLISH,
    SUBMIT,
    document_policy,
    initiative_policy,
    measurement_policy,
)
from workspace.forms.programmes import (
    ActivityForm,
    DocumentForm,
    InitiativeForm,
    InitiativeReviewForm,
    MeasurementForm,
    StudyForm,
    TargetForm,
)
from workspace.forms.shared import add_service_errors

# Permission plumbing ----------------------------------------------------------------------


class InitiativePolicyMixin(LoginRequiredMixin):
    """Send anonymous users to sign in; refuse (403) a user the policy gives no `action`."""

    action = CHANGE

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not initiative_policy.user_has_permission(user, self.action):
            raise PermissionDenied(_("You do not have permission to do this."))
        return super().dispatch(request, *args, **kwargs)

    @property
    def curator(self):
        return is_curator(self.request.user)


class InitiativeMixin(InitiativePolicyMixin):
    """A page about one initiative, found among those the policy allows for `action`."""

    def get_initiative(self):
        """Return the initiative named by the URL's slug, if the user may act on it (or 404)."""
        if not hasattr(self, "_initiative"):
            queryset = initiative_policy.instances_user_has_permission_for(
                self.request.user, self.action
            )
            self._initiative = get_object_or_404(
                page_selectors.initiative_rows(queryset), slug=self.kwargs["slug"]
            )
        return self._initiative

    def detail_url(self):
        return reverse("initiatives:initiative_detail", kwargs={"slug": self.get_initiative().slug})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        initiative = self.get_initiative()
        context.update(initiative=initiative, cluster=initiative.cluster)
        return context


REVIEW_ACTIONS = {
    "publish": programme_services.initiative_publish,
    "return": programme_services.initiative_return,
    "archive": programme_services.initiative_archive,
}


def _saved(request, what):
    messages.success(request, _("%(what)s is saved.") % {"what": what})


def propose(request, initiative, changes, *, replace=()):
    """Keep the signed-in editor's `changes` to the published `initiative` as (part of)
    their pending revision, and say so."""
    revision = revisions.revision_propose(
        user=request.user, initiative=initiative, changes=changes, replace=replace
    )
    if revision is None:
        messages.info(request, _("Nothing changed: the record is as it was."))
    else:
        messages.success(request, _("Your change waits for a curator's review."))
    return revision


# Initiatives ------------------------------------------------------------------------------


class InitiativeListView(InitiativePolicyMixin, TemplateView):
    """An editor's agency's initiatives in every status (a curator's: all)."""

    template_name = "workspace/programmes/initiative_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        initiatives = page_selectors.initiative_rows(
            initiative_policy.instances_user_has_permission_for(user, CHANGE)
        ).order_by("-updated", "-pk")[:200]
        context.update(
            initiatives=list(initiatives),
            may_add=initiative_policy.user_has_permission(user, ADD),
            curator=self.curator,
        )
        return context


class InitiativeCreateView(InitiativePolicyMixin, FormView):
    """Record a new initiative, as a draft: an editor's belongs to their agency, in one of
    their agency's clusters or a published one."""

    template_name = "workspace/programmes/initiative_form.html"
    form_class = InitiativeForm
    action = ADD

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "clusters": initiative_policy.creatable_clusters(self.request.user),
            "curator": self.curator,
            "creating": True,
        }

    def get_initial(self):
        initial = super().get_initial()
        slug = self.request.GET.get("cluster")
        if slug:
            cluster = (
                initiative_policy.creatable_clusters(self.request.user).filter(slug=slug).first()
            )
            if cluster is not None:
                initial["cluster"] = cluster.pk
        return initial

    def form_valid(self, form):
        user = self.request.user
        data = form.initiative_data()
        if not self.curator:
            # An editor's initiatives are their agency's (the service holds to it too).
            data["agency"] = Agency.objects.get(pk=editor_agency_id(user))
        try:
            with change_set(user=user, reason="site: new initiative"):
                initiative = programme_services.initiative_create(user=user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The initiative “%(title)s” is saved as a draft.") % {"title": initiative.title},
        )
        return redirect("initiatives:initiative_detail", slug=initiative.slug)


class InitiativeDetailView(InitiativeMixin, TemplateView):
    """An initiative in the workspace: its status and review, every part with the links to
    change it, the documents to download, and submit (an editor) or decide (a curator)."""

    template_name = "workspace/programmes/initiative_detail.html"

    def get_context_data(self, review_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        initiative = page_selectors.initiative_page(
            slug=self.kwargs["slug"],
            queryset=initiative_policy.instances_user_has_permission_for(user, CHANGE),
        )
        cluster = initiative.cluster
        measurements = page_selectors.cluster_measurements(cluster=cluster)
        status = initiative.status
        context.update(
            initiative=initiative,
            page=page_selectors.initiative_page_layout(
                initiative, measurements=measurements, computed={}
            ),
            measurements=measurements,
            may_submit=status == PublicationStatus.DRAFT,
            may_measure=measurement_policy.user_may_measure(user, cluster),
            may_review=self.curator and status == PublicationStatus.SUBMITTED,
            review_form=review_form or InitiativeReviewForm(),
            reviews=list(initiative.reviews.select_related("user")[:10]),
            pending=revisions.revision_diffs(
                revisions.revisions_of(initiative).filter(state=InitiativeRevision.State.PENDING)
            ),
        )
        return context


class InitiativeEditView(InitiativeMixin, FormView):
    """Edit an initiative's facts."""

    template_name = "workspace/programmes/initiative_form.html"
    form_class = InitiativeForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": self.get_initiative(),
            "clusters": None,
            "curator": self.curator,
            "creating": False,
        }

    def form_valid(self, form):
        # The form set its values on the instance it showed: update a fresh copy.
        initiative = Initiative.objects.get(pk=self.get_initiative().pk)
        if revisions.review_needed(user=self.request.user, initiative=initiative):
            changes = revisions.field_changes(initiative=initiative, data=form.initiative_data())
            propose(self.request, initiative, {"fields": changes})
            return redirect(self.detail_url())
        try:
            with change_set(user=self.request.user, reason="site: edit initiative"):
                programme_services.initiative_update(
                    user=self.request.user,
                    initiative=initiative,
                    data=form.initiative_data(),
                    expected_version=form.cleaned_data.get("version"),
                )
        except programme_services.StaleEdit as exc:
            form.add_error(None, exc.messages)
            return self.form_invalid(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        _saved(self.request, _("The initiative"))
        return redirect(self.detail_url())


class InitiativeSubmitView(InitiativeMixin, View):
    """An editor submits a draft initiative for a curator's review (POST)."""

    action = SUBMIT
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        initiative = self.get_initiative()
        try:
            with change_set(user=request.user, reason="site: submit initiative"):
                programme_services.initiative_submit(user=request.user, initiative=initiative)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Submitted: a curator will review it."))
        return redirect(self.detail_url())


class InitiativeReviewView(InitiativeMixin, View):
    """A curator publishes, returns (with a comment) or archives an initiative (POST)."""

    action = PUBLISH
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        initiative = self.get_initiative()
        form = InitiativeReviewForm(request.POST)
        if form.is_valid():
            action, comment = form.cleaned_data["action"], form.cleaned_data["comment"]
            try:
                with change_set(user=request.user, reason=f"site: {action} initiative"):
                    REVIEW_ACTIONS[action](
                        user=request.user, initiative=initiative, comment=comment
                    )
            except ValidationError as exc:
                add_service_errors(form, exc)
        if form.errors:
            view = InitiativeDetailView()
            view.setup(request, *args, **kwargs)
            context = view.get_context_data(review_form=form, **kwargs)
            return view.render_to_response(context)
        labels = {
            "publish": _("published"),
            "return": _("returned to draft"),
            "archive": _("archived"),
        }
        messages.success(
            request,
            _("“%(title)s”: %(action)s.")
            % {"title": initiative.title, "action": labels[form.cleaned_data["action"]]},
        )
        if request.POST.get("return_to") == "queue":
            return redirect("editing:review_queue")
        return redirect(self.detail_url())


# The parts of an initiative -----------------------------------------------------------------


class PartFormView(InitiativeMixin, FormView):
    """A form about one part of an initiative (its study, an activity, a target...)."""

    template_name = "workspace/programmes/part_form.html"
    heading = ""
    submit_label = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(heading=self.heading, submit_label=self.submit_label)
        return context

    def save(self, form):
        raise NotImplementedError

    def proposed_changes(self, form):
        """Return the revision changes of `form` (for an editor's change to a published
        initiative), or None where the part cannot wait for review."""
        return None

    def form_valid(self, form):
        initiative = self.get_initiative()
        if revisions.review_needed(user=self.request.user, initiative=initiative):
            changes = self.proposed_changes(form)
            if changes is None:
                form.add_error(
                    None,
                    _(
                        "The initiative is published: ask a curator to add this, or to "
                        "return the initiative to draft."
                    ),
                )
                return self.form_invalid(form)
            propose(self.request, initiative, changes)
            return redirect(self.detail_url())
        try:
            with change_set(user=self.request.user, reason=f"site: {self.reason}"):
                self.save(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        _saved(self.request, self.saved_what)
        return redirect(self.detail_url())


class StudyEditView(PartFormView):
    """Record or update the diagnostic study: its sections and the stakeholders consulted."""

    form_class = StudyForm
    reason = "edit diagnostic study"

    @property
    def heading(self):
        return _("The diagnostic study")

    submit_label = property(lambda self: _("Save the study"))
    saved_what = property(lambda self: _("The diagnostic study"))

    def get_study(self):
        initiative = self.get_initiative()
        try:
            return initiative.study
        except DiagnosticStudy.DoesNotExist:
            return DiagnosticStudy(initiative=initiative)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": self.get_study(),
            "cluster": self.get_initiative().cluster,
        }

    def proposed_changes(self, form):
        return {
            "study": revisions.study_changes(
                initiative=self.get_initiative(),
                data=form.study_data(),
                consulted=list(form.cleaned_data["consulted"]),
            )
        }

    def save(self, form):
        programme_services.study_save(
            user=self.request.user,
            initiative=self.get_initiative(),
            data=form.study_data(),
            consulted=list(form.cleaned_data["consulted"]),
        )


class DocumentUploadView(PartFormView):
    """Attach a source document to the study (size and type checked by the service)."""

    form_class = DocumentForm
    reason = "add study document"
    multipart = True
    heading = property(lambda self: _("Attach a source document to the study"))
    submit_label = property(lambda self: _("Upload the document"))
    saved_what = property(lambda self: _("The document"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["multipart"] = True
        return context

    def save(self, form):
        initiative = self.get_initiative()
        study = DiagnosticStudy.objects.filter(initiative=initiative).first()
        if study is None:
            study = programme_services.study_save(
                user=self.request.user, initiative=initiative, data={}
            )
        programme_services.study_document_add(
            user=self.request.user,
            study=study,
            title=form.cleaned_data["title"],
            file=form.cleaned_data["file"],
        )


class DocumentDownloadView(LoginRequiredMixin, View):
    """Serve a study document to the editors of the initiative's agency and the curators;
    anyone else finds nothing (404)."""

    def get(self, request, pk, **kwargs):
        documents = document_policy.instances_user_has_permission_for(request.user, DOWNLOAD)
        document = get_object_or_404(documents, pk=pk, study__initiative__slug=kwargs["slug"])
        try:
            handle = document.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404(_("The document's file is missing.")) from exc
        name = document.file.name.rsplit("/", 1)[-1]
        content_type = document.content_type or mimetypes.guess_type(name)[0]
        response = FileResponse(
            handle, as_attachment=True, filename=name, content_type=content_type
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class ActivityFormView(PartFormView):
    form_class = ActivityForm
    submit_label = property(lambda self: _("Save the activity"))
    saved_what = property(lambda self: _("The activity"))

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": self.get_activity(),
            "cluster": self.get_initiative().cluster,
        }

    def proposed_changes(self, form):
        activity = self.get_activity()
        entry = revisions.activity_change(
            activity=activity if activity.pk else None,
            data=form.activity_data(),
            responsible=list(form.cleaned_data["responsible"]),
        )
        return {"activities": [entry]}

    def save(self, form):
        activity = self.get_activity()
        programme_services.activity_save(
            user=self.request.user,
            initiative=self.get_initiative(),
            activity=activity if activity.pk else None,
            data=form.activity_data(),
            responsible=list(form.cleaned_data["responsible"]),
        )


class ActivityCreateView(ActivityFormView):
    """Add an activity to the action plan."""

    reason = "new plan activity"
    heading = property(lambda self: _("Add an activity to the action plan"))

    def get_activity(self):
        if not hasattr(self, "_activity"):
            self._activity = PlanActivity(initiative=self.get_initiative())
        return self._activity


class ActivityEditView(ActivityFormView):
    """Change an activity of the action plan."""

    reason = "edit plan activity"
    heading = property(lambda self: _("Change an activity of the action plan"))

    def get_activity(self):
        if not hasattr(self, "_activity"):
            self._activity = get_object_or_404(
                PlanActivity, pk=self.kwargs["pk"], initiative=self.get_initiative()
            )
        return self._activity


class TargetFormView(PartFormView):
    form_class = TargetForm
    submit_label = property(lambda self: _("Save the target"))
    saved_what = property(lambda self: _("The target"))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "target": self.get_target()}

    def proposed_changes(self, form):
        entry = revisions.target_change(
            indicator=form.cleaned_data["indicator"], data=form.target_data()
        )
        return {"targets": [entry]}

    def save(self, form):
        programme_services.target_save(
            user=self.request.user,
            initiative=self.get_initiative(),
            indicator=form.cleaned_data["indicator"],
            data=form.target_data(),
        )


class TargetCreateView(TargetFormView):
    """Set a baseline and a target for one indicator."""

    reason = "new indicator target"
    heading = property(lambda self: _("Set a baseline and a target for an indicator"))

    def get_target(self):
        if not hasattr(self, "_target"):
            self._target = IndicatorTarget(initiative=self.get_initiative())
        return self._target


class TargetEditView(TargetFormView):
    """Change an indicator's baseline and target."""

    reason = "edit indicator target"
    heading = property(lambda self: _("Change a baseline and target"))

    def get_target(self):
        if not hasattr(self, "_target"):
            self._target = get_object_or_404(
                IndicatorTarget, pk=self.kwargs["pk"], initiative=self.get_initiative()
            )
        return self._target


class MeasurementCreateView(PartFormView):
    """Record a measured value of an indicator in the initiative's cluster (one per
    indicator and year: a second for the same year replaces the first)."""

    form_class = MeasurementForm
    reason = "record indicator measurement"

    def form_valid(self, form):
        # A measurement is the cluster's data, recorded at once (not part of the revision).
        try:
            with change_set(user=self.request.user, reason=f"site: {self.reason}"):
                self.save(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        _saved(self.request, self.saved_what)
        return redirect(self.detail_url())

    heading = property(lambda self: _("Record an indicator measurement"))
    submit_label = property(lambda self: _("Save the measurement"))
    saved_what = property(lambda self: _("The measurement"))

    def get_form(self, form_class=None):
        # On every GET and POST: an editor records measurements for the clusters of their
        # agency and those where their agency has an initiative (programmes.permissions).
        cluster = self.get_initiative().cluster
        if not measurement_policy.user_may_measure(self.request.user, cluster):
            raise Http404(_("You may not record measurements for this cluster."))
        return super().get_form(form_class)

    def save(self, form):
        data = form.cleaned_data
        initiative = self.get_initiative()
        programme_services.measurement_record(
            user=self.request.user,
            cluster=initiative.cluster,
            indicator=data["indicator"],
            year=data["year"],
            value=data["value"],
            unit=data["unit"],
            source=data["source"],
            estimated=data["estimated"],
            initiative=initiative,
        )


# Proposed changes to published initiatives --------------------------------------------------


class RevisionDecideView(LoginRequiredMixin, View):
    """A curator approves or returns (with a comment) an editor's proposed change (POST)."""

    decision = "approve"
    http_method_names = ["post"]

    def post(self, request, pk):
        if not is_curator(request.user):
            raise PermissionDenied(_("Only a curator reviews proposed changes."))
        revision = get_object_or_404(InitiativeRevision.objects.select_related("initiative"), pk=pk)
        try:
            if self.decision == "approve":
                revisions.revision_approve(curator=request.user, revision=revision)
                messages.success(
                    request,
                    _("The change to “%(title)s” is approved and public.")
                    % {"title": revision.initiative.title},
                )
            else:
                revisions.revision_return(
                    curator=request.user, revision=revision, comment=request.POST.get("comment")
                )
                messages.success(request, _("The change is returned to its author."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("editing:review_queue")


class RevisionWithdrawView(LoginRequiredMixin, View):
    """An editor withdraws their own pending change (POST)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        revision = get_object_or_404(
            InitiativeRevision.objects.select_related("initiative"),
            pk=pk,
            author=request.user,
        )
        try:
            revisions.revision_withdraw(user=request.user, revision=revision)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your proposed change is withdrawn."))
        return redirect("initiatives:initiative_detail", slug=revision.initiative.slug)


__all__ = [
    "RevisionDecideView",
    "RevisionWithdrawView",
    "ActivityCreateView",
    "ActivityEditView",
    "DocumentDownloadView",
    "DocumentUploadView",
    "InitiativeCreateView",
    "InitiativeDetailView",
    "InitiativeEditView",
    "InitiativeListView",
    "InitiativeReviewView",
    "InitiativeSubmitView",
    "MeasurementCreateView",
    "StudyEditView",
    "StudyDocument",
    "TargetCreateView",
    "TargetEditView",
]
