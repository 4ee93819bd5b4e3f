"""Forms of a cluster's members: enter or edit a stakeholder, link one, record a
relationship among the members."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clusters import services
from common.forms import COUNTRY_CODE_MESSAGE, CodeChoiceField, CodeField
from common.local_names import LocalNamesField
from common.partial_dates import ends_before
from common.text import collapse_spaces
from stakeholders import services as stakeholder_services
from stakeholders.choices import (
    KIND_MESSAGE,
    RELATIONSHIP_TYPE_MESSAGE,
    ROLE_MESSAGE,
    ROLES_BY_KIND,
    SIZE_CLASS_MESSAGE,
    Kind,
    RelationshipType,
    Role,
    SizeClass,
)
from stakeholders.imports import PartialDateField
from stakeholders.permissions import stakeholder_policy
from workspace.forms.shared import GroupedFieldsMixin, blank_first


class StakeholderForm(GroupedFieldsMixin, forms.Form):
    """Enter or edit a stakeholder, checked for its role and its identity (name + kind +
    state) as the stakeholder import checks them."""

    name = forms.CharField(label=_("Name"), max_length=300)
    kind = CodeChoiceField(
        choices=Kind.choices,
        message=KIND_MESSAGE,
        required=True,
        label=_("Kind"),
        widget=forms.Select(choices=blank_first(Kind.choices, _("Choose a kind"))),
        help_text=_(
            "Enterprise (makes or sells), supplier, institution (bank, college, government), "
            "association, or business development service (BDS) provider."
        ),
    )
    role = CodeChoiceField(
        choices=Role.choices,
        message=ROLE_MESSAGE,
        label=_("Role"),
        widget=forms.Select(
            choices=blank_first(
                [
                    (kind.label, [(role.value, role.label) for role in roles])
                    for kind, roles in ROLES_BY_KIND.items()
                ],
                _("Not known"),
            )
        ),
        help_text=_("Choose a role listed under the stakeholder's kind."),
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    state = forms.CharField(
        label=_("State or region"),
        max_length=100,
        required=False,
        help_text=_("With the name and kind, tells two stakeholders of the same name apart."),
    )
    country = CodeField(length=2, default="IN", message=COUNTRY_CODE_MESSAGE, label=_("Country"))
    website = forms.URLField(
        label=_("Website"), max_length=500, required=False, assume_scheme="https"
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    size_class = CodeChoiceField(
        choices=SizeClass.choices,
        message=SIZE_CLASS_MESSAGE,
        label=_("Size class"),
        widget=forms.Select(choices=blank_first(SizeClass.choices, _("Not known"))),
        help_text=_("For enterprises."),
    )
    services_offered = forms.CharField(
        label=_("Services offered"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For BDS providers: training, testing, consultancy…"),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=500,
        required=False,
        help_text=_("Where you learnt of this stakeholder, e.g. a diagnostic study."),
    )
    local_names = LocalNamesField()
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    groups = (
        (_("Who"), "", ("name", "local_names", "kind", "role")),
        (_("Where"), "", ("place", "state", "country")),
        (
            _("Details"),
            "",
            (
                "website",
                "email",
                "phone",
                "size_class",
                "services_offered",
                "description",
                "source",
            ),
        ),
    )
    DATA_FIELDS = (
        "name",
        "local_names",
        "kind",
        "role",
        "place",
        "country",
        "website",
        "email",
        "phone",
        "size_class",
        "services_offered",
        "description",
        "source",
    )

    def __init__(self, *args, stakeholder=None, user=None, **kwargs):
        """`stakeholder` is the record being edited (None for a new one); `user` (default:
        the acting user) is who is told about a duplicate: only one they may link is named."""
        super().__init__(*args, **kwargs)
        self.stakeholder = stakeholder
        self.user = user if user is not None else services.acting_user()
        self.duplicate = None
        self.fields["name"].error_messages["required"] = _("Enter the stakeholder's name.")
        self.fields["kind"].error_messages["required"] = _("Choose the kind of stakeholder.")
        self.fields["state"].widget.attrs["list"] = "state-options"
        self.fields["country"].widget.attrs.update(size=3, maxlength=2, autocomplete="off")
        if stakeholder is not None:
            self.fields["version"].required = True

    @classmethod
    def initial_for(cls, stakeholder):
        """Return the form's initial values for editing `stakeholder`."""
        initial = {name: getattr(stakeholder, name) for name in cls.DATA_FIELDS}
        initial["state"] = stakeholder.region.name if stakeholder.region_id else ""
        initial["version"] = stakeholder.version
        return initial

    def clean(self):
        cleaned = super().clean()
        for name in ("name", "place", "phone", "source"):
            if name in cleaned:
                cleaned[name] = collapse_spaces(cleaned[name])
        if cleaned.get("kind") and cleaned.get("role"):
            try:
                stakeholder_services.validate_role(kind=cleaned["kind"], role=cleaned["role"])
            except ValidationError as exc:
                self.add_error("role", exc.messages[0])
        if "state" in cleaned and "country" in cleaned:
            try:
                cleaned["region"] = services.region_lookup(
                    state=cleaned["state"], country=cleaned["country"]
                )
            except ValidationError as exc:
                self.add_error("state", exc.messages[0])
        if cleaned.get("name") and cleaned.get("kind") and "region" in cleaned:
            try:
                stakeholder_services.stakeholder_validate_identity(
                    name=cleaned["name"],
                    kind=cleaned["kind"],
                    region=cleaned["region"],
                    exclude_pk=self.stakeholder.pk if self.stakeholder else None,
                    user=self.user,
                )
            except ValidationError:
                duplicate = stakeholder_services.stakeholder_find(
                    name=cleaned["name"], kind=cleaned["kind"], region=cleaned["region"]
                )
                if self._may_link(duplicate):
                    self.duplicate = duplicate
                    self.add_error(
                        "name",
                        gettext(
                            "The registry has this stakeholder already: “%(name)s” (%(kind)s). "
                            "Link that record instead of entering a second one."
                        )
                        % {"name": duplicate, "kind": duplicate.get_kind_display()},
                    )
                else:  # known only from another agency's drafts: say it exists, nothing more
                    self.add_error("name", stakeholder_services.hidden_duplicate_message())
        return cleaned

    def _may_link(self, stakeholder):
        """Return whether the user may see (and so link) `stakeholder`."""
        if self.user is None:
            return True
        return stakeholder_policy.linkable_instances(self.user).filter(pk=stakeholder.pk).exists()

    def stakeholder_data(self, *, region):
        """Return the stakeholder's fields from the valid form, with `region`."""
        data = {name: self.cleaned_data[name] for name in self.DATA_FIELDS}
        data["region"] = region
        return data


class LinkForm(forms.Form):
    """Link an existing stakeholder, found by the search, to the cluster."""

    stakeholder = forms.SlugField(widget=forms.HiddenInput)
    source = forms.CharField(label=_("Source"), max_length=500, required=False)

    def __init__(self, *args, candidates, **kwargs):
        """`candidates` is the queryset of stakeholders the user may link."""
        super().__init__(*args, **kwargs)
        self.candidates = candidates

    def clean_stakeholder(self):
        stakeholder = self.candidates.filter(slug=self.cleaned_data["stakeholder"]).first()
        if stakeholder is None:
            raise ValidationError(_("That stakeholder is not one you can link; search again."))
        return stakeholder

    def clean_source(self):
        return collapse_spaces(self.cleaned_data["source"])


class MemberChoiceField(forms.ModelChoiceField):
    """A member of the cluster, shown with its kind."""

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_kind_display()})"


class RelationshipForm(forms.Form):
    """Record that one member of the cluster supplies, finances, trains... another."""

    source = MemberChoiceField(
        queryset=None, label=_("From"), empty_label=_("Choose a member"), help_text=""
    )
    kind = CodeChoiceField(
        choices=RelationshipType.choices,
        message=RELATIONSHIP_TYPE_MESSAGE,
        required=True,
        label=_("Relationship"),
        widget=forms.Select(
            choices=blank_first(RelationshipType.choices, _("Choose a relationship"))
        ),
        help_text=_("Read it as a sentence: From … supplies … To."),
    )
    target = MemberChoiceField(queryset=None, label=_("To"), empty_label=_("Choose a member"))
    since = PartialDateField(label=_("Since"), help_text=_("2015, 2015-06 or 2015-06-30."))
    until = PartialDateField(label=_("Until"), help_text=_("Blank if it continues."))
    provenance = forms.CharField(
        label=_("Source"),
        max_length=500,
        required=False,
        help_text=_("Where this relationship is known from."),
    )

    def __init__(self, *args, members, **kwargs):
        """`members` is the queryset of the cluster's stakeholders."""
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = members
        self.fields["target"].queryset = members
        self.fields["source"].error_messages["required"] = _("Choose who the link starts from.")
        self.fields["target"].error_messages["required"] = _("Choose who the link goes to.")
        self.fields["kind"].error_messages["required"] = _("Choose the kind of relationship.")

    def clean(self):
        cleaned = super().clean()
        if ends_before(cleaned.get("until"), cleaned.get("since")):
            self.add_error("until", _("'Until' must not be before 'since'."))
        return cleaned

    def clean_provenance(self):
        return collapse_spaces(self.cleaned_data["provenance"])
