"""Record judgements of a cluster's selection parameters (FAQ Q43) under /manage/:
curators for any cluster, agency editors for their own agency's (another agency's cluster
is not found: 404). Every record goes through clusters.assessments inside a change set,
so the history names who made it.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from clusters import revisions
from clusters.assessments import assessment_change, assessment_record, cluster_assessments
from clusters.choices import ASSESSMENT_SCALES, AssessmentParameter
from clusters.permissions import assessment_policy
from common.history import change_set
from common.permissions import CHANGE
from workspace.forms.assessments import AssessmentForm
from workspace.views.shared import ClusterMixin, propose_change


class ClusterAssessmentsView(ClusterMixin, FormView):
    """The judgements recorded for a cluster, and the form to record a new one."""

    template_name = "workspace/cluster_assessments.html"
    form_class = AssessmentForm
    policy = assessment_policy
    action = CHANGE

    def get_initial(self):
        parameter = self.request.GET.get("parameter")
        return {"parameter": parameter} if parameter in AssessmentParameter.values else {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cluster = self.get_cluster()
        context.update(
            cluster=cluster,
            assessments=cluster_assessments(cluster=cluster),
            scales=[
                (AssessmentParameter(parameter).label, list(enumerate(scale, start=1)))
                for parameter, scale in ASSESSMENT_SCALES.items()
            ],
        )
        return context

    def form_valid(self, form):
        cluster = self.get_cluster()
        data = form.cleaned_data
        if revisions.review_needed(user=self.request.user, cluster=cluster):
            # An agency editor's judgement of a published cluster waits for a curator.
            entry = assessment_change(
                parameter=data["parameter"],
                rating=data["rating"],
                source=data["source"],
                assessed_on=data["assessed_on"],
                note=data["note"],
                user=self.request.user,
            )
            with change_set(user=self.request.user, reason="site: proposed cluster assessment"):
                propose_change(self.request, cluster, {"assessments_added": [entry]})
            return redirect("editing:cluster_assessments", slug=cluster.slug)
        try:
            with change_set(user=self.request.user, reason="site: cluster assessment"):
                assessment = assessment_record(
                    cluster=cluster,
                    parameter=data["parameter"],
                    rating=data["rating"],
                    source=data["source"],
                    assessed_on=data["assessed_on"],
                    note=data["note"],
                    user=self.request.user,
                )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Recorded: %(parameter)s %(rating)s/5.")
            % {"parameter": assessment.get_parameter_display(), "rating": assessment.rating},
        )
        return redirect("editing:cluster_assessments", slug=cluster.slug)
