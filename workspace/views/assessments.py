"""Record judgements of a cluster's selection parameters (FAQ Q43) under /manage/:
curators for any cluster, agency editors for their own agency's (another agency's cluster
is not found: 404). Whether a judgement counts now or waits for a curator is
clusters.assessments.assessment_judge's to decide, as in the admin.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from clusters.assessments import assessment_judge, cluster_assessments
from clusters.choices import ASSESSMENT_SCALES, AssessmentParameter
from clusters.permissions import assessment_policy
from common.permissions import CHANGE
from workspace.forms.assessments import AssessmentForm
from workspace.views.shared import ClusterMixin, say_proposed


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
        try:
            outcome = assessment_judge(
                user=self.request.user,
                cluster=cluster,
                parameter=data["parameter"],
                rating=data["rating"],
                source=data["source"],
                assessed_on=data["assessed_on"],
                note=data["note"],
                via="site",
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
            return self.form_invalid(form)
        if outcome.proposed:
            say_proposed(self.request, outcome.revision)
        else:
            messages.success(
                self.request,
                _("Recorded: %(parameter)s %(rating)s/5.")
                % {
                    "parameter": outcome.assessment.get_parameter_display(),
                    "rating": outcome.assessment.rating,
                },
            )
        return redirect("editing:cluster_assessments", slug=cluster.slug)
