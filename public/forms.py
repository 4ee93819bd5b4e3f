"""Forms of the public pages (GET only: they filter, never write)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from stakeholders.choices import Kind, RelationshipType


class MapFilterForm(forms.Form):
    """Which stakeholders and relationships the map draws (GET; nothing chosen: all)."""

    kind = forms.MultipleChoiceField(
        label=_("Stakeholder kinds"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    relationship = forms.MultipleChoiceField(
        label=_("Relationship types"),
        choices=RelationshipType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only stakeholders with a link of a chosen type are drawn."),
    )

    def selection(self):
        """Return (kinds, relationship types) chosen, empty for all; invalid input: all."""
        if not self.is_bound or not self.is_valid():
            return (), ()
        return tuple(self.cleaned_data["kind"]), tuple(self.cleaned_data["relationship"])
