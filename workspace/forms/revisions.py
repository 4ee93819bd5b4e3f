"""The form of a curator's decision on a proposed revision."""

from django import forms
from django.utils.translation import gettext_lazy as _


class RevisionDecisionForm(forms.Form):
    """Approve a proposed change, or return it with a comment for its author."""

    comment = forms.CharField(
        label=_("Comment for the editor"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you return the change: say what to correct."),
    )
