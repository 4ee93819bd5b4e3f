"""The data-quality desk's filters: an agency, a state, and the two thresholds."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from clusters.models import Agency, Region
from workspace.quality import Filters


class QualityFilterForm(forms.Form):
    """Narrow every list of the desk to an agency and a state; set how old a figure may be
    and how far apart two sources may be before they are listed."""

    agency = forms.ModelChoiceField(
        queryset=Agency.objects.order_by("name"),
        required=False,
        to_field_name="slug",
        label=_("Agency"),
        empty_label=_("Any agency"),
    )
    state = forms.ModelChoiceField(
        queryset=Region.objects.order_by("country", "name"),
        required=False,
        to_field_name="slug",
        label=_("State"),
        empty_label=_("Any state"),
    )
    years = forms.IntegerField(
        label=_("Stale after (years)"),
        required=False,
        min_value=1,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "size": 4}),
    )
    percent = forms.IntegerField(
        label=_("Sources apart by more than (%)"),
        required=False,
        min_value=1,
        max_value=99,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "size": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["years"].widget.attrs["placeholder"] = settings.REGISTRY_QUALITY_STALE_YEARS
        self.fields["percent"].widget.attrs["placeholder"] = (
            settings.REGISTRY_QUALITY_DISAGREE_PERCENT
        )

    def filters(self):
        """Return the Filters chosen: the defaults where a field is blank or invalid."""
        if not self.is_bound:
            return Filters()
        self.is_valid()
        data = {
            name: self.cleaned_data.get(name)
            for name in ("agency", "state", "years", "percent")
            if self.cleaned_data.get(name) is not None
        }
        if "state" in data:
            data["region"] = data.pop("state")
        return Filters(**data)
