"""Forms of the curators: a decision on a cluster, and merging two duplicate records."""

from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.urls import Resolver404, resolve
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


def slug_from_address(text):
    """Return the slug in `text`: a slug as typed, or the one in a record's address pasted
    whole (`https://…/clusters/pochampally-handloom/map/?x=1`, `/manage/clusters/…/edit/`).
    """
    text = (text or "").strip()
    if "/" not in text:
        return text.lower()
    path = urlsplit(text).path if "://" in text else text.split("?", 1)[0].split("#", 1)[0]
    try:
        match = resolve(path if path.startswith("/") else f"/{path}")
    except Resolver404:
        match = None
    if match is not None and "slug" in match.kwargs:
        return match.kwargs["slug"].lower()
    # Not one of our addresses: the slug is the last part of it.
    parts = [part for part in path.split("/") if part]
    return parts[-1].lower() if parts else ""


class AddressOrSlugField(forms.CharField):
    """A record named by its slug, or by its whole address pasted (the slug is taken out)."""

    def to_python(self, value):
        value = slug_from_address(super().to_python(value))
        if value:
            validate_slug(value)
        return value


# One sentence for each kind of record merged (never a noun put into a sentence).
MERGED_INTO = {
    "cluster": _("The cluster “%(slug)s” was merged into “%(successor)s”: name that one instead."),
    "stakeholder": _(
        "The stakeholder “%(slug)s” was merged into “%(successor)s”: name that one instead."
    ),
}
NO_SUCH_SLUG = {
    "cluster": _("No cluster has the slug “%(slug)s”."),
    "stakeholder": _("No stakeholder has the slug “%(slug)s”."),
}


class MergePickForm(forms.Form):
    """Name two duplicate records: found by the search (the autocomplete), or by their slugs
    or their addresses pasted."""

    first = AddressOrSlugField(
        label=_("First record"),
        max_length=500,
        help_text=_("Search by name, product or place; or paste its address or its slug."),
    )
    second = AddressOrSlugField(
        label=_("Second record"),
        max_length=500,
        help_text=_("Search by name, product or place; or paste its address or its slug."),
    )

    def __init__(self, *args, candidates, kind, search_url="", successor=None, **kwargs):
        """`candidates` is the queryset of records the user may merge; `search_url` the
        autocomplete's JSON endpoint; `successor(value=slug)` the slug of the record that
        absorbed a merged one (to say so when an old slug is given)."""
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        self.kind = kind  # "cluster" or "stakeholder": which of the sentences below
        self.successor = successor
        for name, other in (("first", "second"), ("second", "first")):
            self.fields[name].widget.attrs.update(
                {
                    "autocomplete": "off",
                    "spellcheck": "false",
                    "data-merge-search": search_url,
                    "data-merge-other": f"id_{other}",
                }
            )

    def _find(self, name):
        slug = self.cleaned_data[name]
        record = self.candidates.filter(slug=slug).first()
        if record is None and self.successor is not None:
            successor = self.successor(value=slug)
            if successor is not None:
                raise ValidationError(
                    str(MERGED_INTO[self.kind]) % {"slug": slug, "successor": successor}
                )
        if record is None:
            raise ValidationError(str(NO_SUCH_SLUG[self.kind]) % {"slug": slug})
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


SIDES = (("first", _("The first")), ("second", _("The second")))


class MergeConfirmForm(forms.Form):
    """Which record survives, and for each value that differs which record's the survivor
    keeps (`choose_<field>`; pre-selected as the comparison says: the survivor's, or the
    other's where the survivor has none). The versions shown guard against a stale page."""

    survivor = forms.ChoiceField(
        label=_("Which record survives?"), choices=SIDES, widget=forms.RadioSelect
    )
    first_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    second_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, comparison, **kwargs):
        super().__init__(*args, **kwargs)
        self.comparison = comparison
        self.fields["survivor"].initial = "first"
        self.fields["first_version"].initial = getattr(comparison.first, "version", None)
        self.fields["second_version"].initial = getattr(comparison.second, "version", None)
        for row in comparison.choosable_rows:
            self.fields[f"choose_{row.name}"] = forms.ChoiceField(
                label=row.label,
                choices=[("first", row.first), ("second", row.second)],
                initial=row.default,
                required=False,
                widget=forms.RadioSelect,
            )

    def choice_rows(self):
        """Return (row, bound field or None) for every row of the comparison."""
        return [
            (row, self[f"choose_{row.name}"] if row.choosable else None)
            for row in self.comparison.rows
        ]

    def merge_arguments(self):
        """Return the keyword arguments of the merge service from the valid form."""
        first, second = self.comparison.first, self.comparison.second
        survivor_side = self.cleaned_data["survivor"]
        survivor, duplicate = (first, second) if survivor_side == "first" else (second, first)
        from_duplicate = set()
        for row in self.comparison.choosable_rows:
            chosen = self.cleaned_data.get(f"choose_{row.name}") or (
                row.default if survivor_side == "first" else row.default_if_second
            )
            if chosen != survivor_side:
                from_duplicate.add(row.name)
        versions = {
            first.pk: self.cleaned_data.get("first_version"),
            second.pk: self.cleaned_data.get("second_version"),
        }
        return {
            "survivor": survivor,
            "duplicate": duplicate,
            "from_duplicate": from_duplicate,
            "expected_versions": {pk: v for pk, v in versions.items() if v is not None},
        }
