"""The form of a judgement of a selection parameter (FAQ Q43)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusters.choices import AssessmentParameter


class AssessmentForm(forms.Form):
    """Record a judgement: the parameter, a rating 1-5, its source and date, a note."""

    parameter = forms.ChoiceField(label=_("Parameter"), choices=AssessmentParameter.choices)
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(number, str(number)) for number in range(1, 6)],
        widget=forms.RadioSelect,
        help_text=_(
            "1 to 5: higher is more in favour of selecting the cluster (see the scales below)."
        ),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=500,
        help_text=_("The study, report, visit or web address the judgement rests on."),
    )
    assessed_on = forms.DateField(
        label=_("Assessed on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The date of the assessment (not later than today)."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the judgement rests on, in a sentence or two."),
    )

    def clean_assessed_on(self):
        value = self.cleaned_data["assessed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date of an assessment cannot be in the future."))
        return value
