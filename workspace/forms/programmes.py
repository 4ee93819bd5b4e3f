"""Forms of the editor pages of development initiatives: the initiative, its diagnostic
study and source documents, the activities of its action plan, its indicator targets and
the cluster's indicator measurements.

They only parse what a person typed; the rules (who may, what is valid together, the
document's size and type, the year's form) are the domain's, checked by its services,
whose errors are put next to the fields (workspace.forms.shared.add_service_errors).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from programmes.models import (
    DiagnosticStudy,
    Indicator,
    Initiative,
    PlanActivity,
    StudyDocument,
)
from programmes.years import format_year
from stakeholders.models import Stakeholder

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StakeholderChoiceField(forms.ModelMultipleChoiceField):
    """Stakeholders of the cluster, each named with its kind."""

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_kind_display()})"


def cluster_stakeholders(cluster):
    """Return the stakeholders linked to `cluster`, by name."""
    return (
        Stakeholder.objects.filter(memberships__cluster=cluster)
        .only("pk", "name", "kind")
        .order_by("name", "pk")
    )


YEAR_HINT = _("e.g. 2023, or the fiscal year 2023-24")


def _year_widget(field):
    field.widget.attrs.update(size=8, inputmode="numeric", autocomplete="off")


class InitiativeForm(forms.ModelForm):
    """Enter or edit an initiative. The cluster is chosen on creation only; the agency is a
    curator's choice (an editor's initiatives belong to their agency). The version the form
    showed comes back, so that a save over someone else's is refused."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Initiative
        fields = [
            "cluster",
            "title",
            "scheme",
            "agency",
            "development_agent_name",
            "started_on",
            "ended_on",
            "stage",
            "budget",
            "sanctioned_amount",
            "released_amount",
            "currency",
            "description",
            "source",
        ]
        widgets = {
            "started_on": DATE,
            "ended_on": DATE,
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "budget": _("Whole currency units; leave blank when unknown (never 0)."),
            "sanctioned_amount": _("Whole currency units; blank is unknown."),
            "released_amount": _("Whole currency units; blank is unknown."),
            "currency": _("ISO 4217 code, e.g. INR."),
            "source": _("Where these facts come from (a sanction order, a report)."),
        }

    def __init__(self, *args, clusters, curator, creating, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["cluster"].queryset = clusters.select_related("region").order_by(
                "product", "place"
            )
        else:
            del self.fields["cluster"]
            if not self.is_bound:
                self.initial["version"] = self.instance.version
        if not curator:
            del self.fields["agency"]
        for name in ("budget", "sanctioned_amount", "released_amount"):
            self.fields[name].widget.attrs.update(inputmode="numeric", autocomplete="off")
        self.fields["currency"].widget.attrs.update(size=3, maxlength=3, autocomplete="off")

    def initiative_data(self):
        """Return the initiative's fields as typed (for initiative_create / _update)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class StudyForm(forms.ModelForm):
    """The diagnostic study: the sections of FAQ Q48 and the stakeholders consulted."""

    consulted = StakeholderChoiceField(
        label=_("Stakeholders consulted"),
        queryset=Stakeholder.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The sample of the cluster's stakeholders the study consulted (FAQ Q49)."),
    )

    class Meta:
        model = DiagnosticStudy
        fields = [*DiagnosticStudy.SECTIONS, "completed_on", "prepared_by", "consulted"]
        widgets = {
            **{name: forms.Textarea(attrs={"rows": 3}) for name in DiagnosticStudy.SECTIONS},
            "completed_on": DATE,
        }

    def __init__(self, *args, cluster, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consulted"].queryset = cluster_stakeholders(cluster)

    def study_data(self):
        """Return the study's sections and facts as typed (for study_save)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "consulted"}


class DocumentForm(forms.ModelForm):
    """Attach a source document to the study (its type and size are checked by the
    service)."""

    class Meta:
        model = StudyDocument
        fields = ["title", "file"]
        help_texts = {
            "file": _("PDF, Word (docx), Excel (xlsx), OpenDocument text, CSV or plain text."),
        }


class ActivityForm(forms.ModelForm):
    """One activity of the action plan."""

    responsible = StakeholderChoiceField(
        label=_("Responsible stakeholders"),
        queryset=Stakeholder.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = PlanActivity
        fields = [
            "title",
            "horizon",
            "intervention",
            "activity_type",
            "responsible",
            "status",
            "cost",
            "currency",
            "due_on",
            "notes",
        ]
        widgets = {"due_on": DATE, "notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "intervention": _(
                "Soft: trust building, training, exposure visits, joint marketing. "
                "Hard: common facility centres, infrastructure."
            ),
            "cost": _("Whole currency units; blank is unknown."),
        }

    def __init__(self, *args, cluster, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = cluster_stakeholders(cluster)
        self.fields["cost"].widget.attrs.update(inputmode="numeric", autocomplete="off")
        self.fields["currency"].widget.attrs.update(size=3, maxlength=3, autocomplete="off")

    def activity_data(self):
        """Return the activity's fields as typed (for activity_save)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "responsible"}


class TargetForm(forms.Form):
    """An initiative's baseline and target for one indicator of the catalogue."""

    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    baseline_year = forms.CharField(
        label=_("Baseline year"), max_length=7, required=False, help_text=YEAR_HINT
    )
    baseline_value = forms.DecimalField(
        label=_("Baseline value"), max_digits=20, decimal_places=2, required=False
    )
    target_year = forms.CharField(
        label=_("Target year"), max_length=7, required=False, help_text=YEAR_HINT
    )
    target_value = forms.DecimalField(
        label=_("Target value"), max_digits=20, decimal_places=2, required=False
    )
    source = forms.CharField(label=_("Source"), max_length=500, required=False)
    estimated = forms.BooleanField(label=_("These values are estimates"), required=False)

    def __init__(self, *args, target=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.order_by("position", "slug")
        self.fields["indicator"].label_from_instance = indicator_label
        if target is not None and target.pk and not self.is_bound:
            self.initial.update(
                indicator=target.indicator_id,
                baseline_year=format_year(target.baseline_year, target.baseline_fiscal),
                baseline_value=target.baseline_value,
                target_year=format_year(target.target_year, target.target_fiscal),
                target_value=target.target_value,
                source=target.source,
                estimated=target.estimated,
            )
        for name in ("baseline_year", "target_year"):
            _year_widget(self.fields[name])
        for name in ("baseline_value", "target_value"):
            self.fields[name].widget.attrs.update(inputmode="decimal", autocomplete="off")

    def target_data(self):
        """Return the fields target_save sets (years as typed: the service parses them)."""
        data = dict(self.cleaned_data)
        data.pop("indicator")
        return data


def indicator_label(indicator):
    """Return an indicator as a choice: its name, level and unit."""
    return f"{indicator.name} ({indicator.get_level_display().lower()}, {indicator.unit})"


class MeasurementForm(forms.Form):
    """One measured value of an indicator in the initiative's cluster for one year."""

    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    year = forms.CharField(label=_("Year"), max_length=7, help_text=YEAR_HINT)
    value = forms.DecimalField(label=_("Value"), max_digits=20, decimal_places=2)
    unit = forms.CharField(
        label=_("Unit"),
        max_length=40,
        required=False,
        help_text=_("Leave blank for the catalogue's unit."),
    )
    source = forms.CharField(label=_("Source"), max_length=500, required=False)
    estimated = forms.BooleanField(label=_("This value is an estimate"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Those the registry computes from its own data (networks, linked institutions,
        # BDS providers) are not typed in: record the networks or stakeholders instead.
        self.fields["indicator"].queryset = Indicator.objects.filter(computed_from="").order_by(
            "position", "slug"
        )
        self.fields["indicator"].label_from_instance = indicator_label
        self.fields["indicator"].help_text = _(
            "Networks created, support institutions linked and BDS providers are computed "
            "from the registry's own records."
        )
        _year_widget(self.fields["year"])
        self.fields["value"].widget.attrs.update(inputmode="decimal", autocomplete="off")


class InitiativeReviewForm(forms.Form):
    """A curator's decision on a submitted initiative: publish, or return with a comment."""

    action = forms.ChoiceField(
        choices=[("publish", _("Publish")), ("return", _("Return")), ("archive", _("Archive"))]
    )
    comment = forms.CharField(
        label=_("Comment for the agency"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Say what to correct; required to return an initiative."),
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what the agency should correct."))
        return data


__all__ = [
    "ActivityForm",
    "DocumentForm",
    "InitiativeForm",
    "InitiativeReviewForm",
    "MeasurementForm",
    "StudyForm",
    "TargetForm",
]
