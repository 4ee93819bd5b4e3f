"""Forms of the curators: a decision on a cluster, and merging two duplicate records."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clusters.workflow import CURATOR_ACTIONS, Action


class ReviewForm(forms.Form):
    """A curator's decision on a cluster: approve, reject (with a comment), archive, restore."""

    action = forms.ChoiceField(
        choices=[(action.value, action.label) for action in Action if action in CURATOR_ACTIONS],
        widget=forms.HiddenInput,
    )
    comment = forms.CharField(
        label=_("Comment for the agency"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you return a cluster to draft: say what to correct."),
    )


class MergePickForm(forms.Form):
    """Name two duplicate records by their slugs (from their addresses)."""

    first = forms.SlugField(
        label=_("First record"), help_text=_("Its slug: the last part of its address.")
    )
    second = forms.SlugField(label=_("Second record"), help_text=_("Its slug."))

    def __init__(self, *args, candidates, noun, **kwargs):
        """`candidates` is the queryset of records the user may merge."""
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        self.noun = noun

    def _find(self, name):
        slug = self.cleaned_data[name]
        record = self.candidates.filter(slug=slug).first()
        if record is None:
            raise ValidationError(
                gettext("No %(noun)s has the slug “%(slug)s”.") % {"noun": self.noun, "slug": slug}
            )
        return record

    def clean_first(self):
        return self._find("first")

    def clean_second(self):
        return self._find("second")

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("first"), cleaned.get("second")
        if first is not None and first == second:
            self.add_error(
                "second",
                gettext("Choose two different records: a record cannot merge into itself."),
            )
        return cleaned


class MergeConfirmForm(MergePickForm):
    """The two records again, and which of them survives."""

    survivor = forms.ChoiceField(
        label=_("Which record survives?"),
        choices=[("first", _("The first")), ("second", _("The second"))],
        widget=forms.RadioSelect,
    )

    def survivor_and_duplicate(self):
        """Return (survivor, duplicate) from the valid form."""
        first, second = self.cleaned_data["first"], self.cleaned_data["second"]
        return (first, second) if self.cleaned_data["survivor"] == "first" else (second, first)
