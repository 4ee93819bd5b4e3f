"""Forms of the editor pages.

They validate a cluster, a stakeholder or a relationship the way the importers validate a
row (the same fields from clusters/imports.py and common/forms.py, the same services for
identity, years and roles), with the widgets, labels and hints a person typing needs.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clusters import services
from clusters.choices import ClusterType, Measure, Origin, PublicationStatus, Stage, Structure
from clusters.imports import ClusterImportForm, row_figures, row_provenance
from clusters.models import Agency
from clusters.workflow import CURATOR_ACTIONS, Action
from common.forms import CodeChoiceField, CodeField, YesNoField
from common.text import collapse_spaces
from stakeholders import services as stakeholder_services
from stakeholders.choices import ROLES_BY_KIND, Kind, RelationshipType, Role, SizeClass
from stakeholders.imports import PartialDateField

YES_NO = [("", _("Not known")), ("yes", _("Yes")), ("no", _("No"))]
DESCRIPTOR_FIELDS = (
    "district",
    "origin",
    "structure",
    "stage",
    "exporting",
    "description",
    "latitude",
    "longitude",
)
FIGURE_FIELDS = tuple(Measure.values)
PROVENANCE_FIELDS = ("figures_year", "source", "estimated", "currency")


def blank_first(choices, blank):
    """Return `choices` after an empty choice labelled `blank`."""
    return [("", blank), *choices]


def yes_no_initial(value):
    """Return a stored True / False / None as the yes-no select shows it."""
    return {True: "yes", False: "no"}.get(value, "")


def add_service_errors(form, error):
    """Put a ValidationError raised by a service on the form: on its field where the form
    has one, at the top otherwise."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class GroupedFieldsMixin:
    """Let a template render a long form as fieldsets: `groups` lists (legend, hint, names)."""

    groups = ()

    def fieldsets(self):
        """Return (legend, hint, bound fields) for each group, skipping absent fields."""
        return [
            (legend, hint, [self[name] for name in names if name in self.fields])
            for legend, hint, names in self.groups
        ]


class ClusterForm(GroupedFieldsMixin, ClusterImportForm):
    """Enter or edit a cluster and record new figures: one row of the import, typed in."""

    cluster_type = CodeChoiceField(
        choices=ClusterType.choices,
        noun="cluster type",
        required=True,
        widget=forms.Select(choices=blank_first(ClusterType.choices, _("Choose a type"))),
    )
    origin = CodeChoiceField(
        choices=Origin.choices,
        noun="origin",
        widget=forms.Select(choices=blank_first(Origin.choices, _("Not known"))),
    )
    structure = CodeChoiceField(
        choices=Structure.choices,
        noun="structure",
        widget=forms.Select(choices=blank_first(Structure.choices, _("Not known"))),
    )
    stage = CodeChoiceField(
        choices=Stage.choices,
        noun="life-cycle stage",
        widget=forms.Select(choices=blank_first(Stage.choices, _("Not known"))),
    )
    exporting = YesNoField(widget=forms.Select(choices=YES_NO))
    estimated = forms.BooleanField(required=False)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    labels = {
        "product": _("Product"),
        "place": _("Place"),
        "district": _("District"),
        "state": _("State or region"),
        "country": _("Country"),
        "cluster_type": _("Type of cluster"),
        "sector": _("Sector"),
        "enterprise_count": _("Enterprises"),
        "loom_count": _("Looms"),
        "artisan_count": _("Artisans"),
        "employment": _("Employment"),
        "annual_turnover": _("Annual turnover"),
        "annual_exports": _("Annual exports"),
        "currency": _("Currency of the amounts"),
        "figures_year": _("Year of these figures"),
        "source": _("Source of these figures"),
        "estimated": _("These figures are estimates"),
        "origin": _("Origin"),
        "structure": _("Structure"),
        "stage": _("Life-cycle stage"),
        "exporting": _("Exporting"),
        "description": _("Description"),
        "latitude": _("Latitude"),
        "longitude": _("Longitude"),
    }
    hints = {
        "product": _("What the cluster makes, e.g. Knitwear or Brass products."),
        "place": _("The town or locality, e.g. Ludhiana. Product and place identify the cluster."),
        "district": _("Describes the place; not part of its identity."),
        "state": _("An Indian state or union territory (W Bengal and Orissa are understood)."),
        "country": _("Two-letter ISO code; IN if left blank."),
        "cluster_type": _(
            "Handicraft and handloom clusters are artisan clusters (FAQ Q8); the type decides "
            "which benchmark classifies the cluster."
        ),
        "sector": _("E.g. Textiles or Engineering; a new name adds a sector."),
        "enterprise_count": _("Whole number, 0 or more; 12,000 and 12,00,000 are understood."),
        "loom_count": _("Handlooms, for handloom clusters."),
        "artisan_count": _("Whole number, 0 or more."),
        "employment": _("People employed; whole number, 0 or more."),
        "annual_turnover": _("Whole currency units: ₹1 crore is 10000000."),
        "annual_exports": _("Whole currency units."),
        "currency": _("ISO 4217 code; INR if left blank."),
        "figures_year": _("2016, or a fiscal year as 2015-16."),
        "source": _("The study, profile or survey these figures come from."),
        "estimated": _("Tick if the source gives them as approximate (≈)."),
        "description": _("A few sentences: history, products, markets."),
        "latitude": _("Decimal degrees, e.g. 30.9010."),
        "longitude": _("Decimal degrees, e.g. 75.8573."),
    }
    required_messages = {
        "product": _("Enter the product the cluster makes."),
        "place": _("Enter the town or locality of the cluster."),
        "cluster_type": _("Choose the type of cluster."),
    }
    groups = (
        (_("The cluster"), "", ("product", "place", "district", "state", "country")),
        (_("Type"), "", ("cluster_type", "sector", "agency")),
        (
            _("New figures"),
            _(
                "Fill in what one source gives for one year and leave the rest blank: blank "
                "means unknown, never zero. Earlier figures stay in the history."
            ),
            (*FIGURE_FIELDS, "currency", "figures_year", "source", "estimated"),
        ),
        (
            _("Descriptors"),
            "",
            ("origin", "structure", "stage", "exporting", "description", "latitude", "longitude"),
        ),
    )

    def __init__(self, *args, cluster=None, curator=False, **kwargs):
        """`cluster` is the record being edited (None for a new one); a curator also
        chooses the owning agency."""
        super().__init__(*args, **kwargs)
        self.cluster = cluster
        self.duplicate = None
        if curator:
            self.fields["agency"] = forms.ModelChoiceField(
                queryset=Agency.objects.order_by("name"),
                required=False,
                label=_("Implementing agency"),
                help_text=_("The agency whose editors maintain this cluster."),
                empty_label=_("No agency (curators only)"),
            )
        if cluster is not None:
            self.fields["version"].required = True
            self.fields["version"].error_messages["required"] = _(
                "This form is incomplete: reload the page and make your changes again."
            )
        for name, field in self.fields.items():
            if name in self.labels:
                field.label = self.labels[name]
            if name in self.hints:
                field.help_text = self.hints[name]
            if name in self.required_messages:
                field.error_messages["required"] = self.required_messages[name]
        for name in (*FIGURE_FIELDS, "latitude", "longitude"):
            self.fields[name].widget.attrs.update(inputmode="decimal", autocomplete="off")
        self.fields["country"].widget.attrs.update(size=3, maxlength=2, autocomplete="off")
        self.fields["currency"].widget.attrs.update(size=3, maxlength=3, autocomplete="off")
        self.fields["state"].widget.attrs["list"] = "state-options"
        self.fields["sector"].widget.attrs["list"] = "sector-options"

    @classmethod
    def initial_for(cls, cluster):
        """Return the form's initial values for editing `cluster` (new figures start blank)."""
        return {
            "product": cluster.product,
            "place": cluster.place,
            "district": cluster.district,
            "state": cluster.region.name if cluster.region_id else "",
            "country": cluster.country,
            "cluster_type": cluster.cluster_type,
            "sector": cluster.sector.name if cluster.sector_id else "",
            "agency": cluster.agency_id,
            "origin": cluster.origin,
            "structure": cluster.structure,
            "stage": cluster.stage,
            "exporting": yes_no_initial(cluster.exporting),
            "description": cluster.description,
            "latitude": cluster.latitude,
            "longitude": cluster.longitude,
            "currency": cluster.currency,
            "version": cluster.version,
        }

    def clean(self):
        cleaned = super().clean()
        identity = ("product", "place", "state", "country")
        if "region" in cleaned and not any(self.has_error(name) for name in identity):
            try:
                services.cluster_validate_identity(
                    product=cleaned["product"],
                    place=cleaned["place"],
                    region=cleaned["region"],
                    country=cleaned["country"],
                    exclude_pk=self.cluster.pk if self.cluster else None,
                )
            except ValidationError:
                self.duplicate = services.cluster_find(
                    product=cleaned["product"],
                    place=cleaned["place"],
                    region=cleaned["region"],
                    country=cleaned["country"],
                )
                self.add_error(
                    "product",
                    gettext(
                        "The registry has this cluster already: “%(cluster)s”. Open that "
                        "record and add to it instead of entering a second one."
                    )
                    % {"cluster": self.duplicate},
                )
        return cleaned

    def cluster_data(self, *, region, sector):
        """Return the cluster's fields from the valid form, with `region` and `sector`."""
        cleaned = self.cleaned_data
        data = {
            name: cleaned[name]
            for name in ("product", "place", "country", "cluster_type", *DESCRIPTOR_FIELDS)
        }
        data.update(region=region, sector=sector)
        if "agency" in self.fields:
            data["agency"] = cleaned["agency"]
        return data

    def figures(self):
        """Return the new figures typed in, {measure: value}."""
        return row_figures(self.cleaned_data)

    def provenance(self):
        """Return the year, source, estimate flag and currency of the new figures."""
        return row_provenance(self.cleaned_data)


class StakeholderForm(GroupedFieldsMixin, forms.Form):
    """Enter or edit a stakeholder, checked for its role and its identity (name + kind +
    state) as the stakeholder import checks them."""

    name = forms.CharField(label=_("Name"), max_length=300)
    kind = CodeChoiceField(
        choices=Kind.choices,
        noun="stakeholder kind",
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
        noun="role",
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
    country = CodeField(
        length=2, default="IN", noun="ISO 3166 alpha-2 country code", label=_("Country")
    )
    website = forms.URLField(
        label=_("Website"), max_length=500, required=False, assume_scheme="https"
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    size_class = CodeChoiceField(
        choices=SizeClass.choices,
        noun="size class",
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
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    groups = (
        (_("Who"), "", ("name", "kind", "role")),
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

    def __init__(self, *args, stakeholder=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stakeholder = stakeholder
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
                )
            except ValidationError:
                self.duplicate = stakeholder_services.stakeholder_find(
                    name=cleaned["name"], kind=cleaned["kind"], region=cleaned["region"]
                )
                self.add_error(
                    "name",
                    gettext(
                        "The registry has this stakeholder already: “%(name)s” (%(kind)s). "
                        "Link that record instead of entering a second one."
                    )
                    % {"name": self.duplicate, "kind": self.duplicate.get_kind_display()},
                )
        return cleaned

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
        noun="relationship type",
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

    def clean_provenance(self):
        return collapse_spaces(self.cleaned_data["provenance"])


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


class ClusterFilterForm(forms.Form):
    """Narrow the editor's list of clusters by status, words and (for curators) agency."""

    q = forms.CharField(label=_("Search"), required=False, help_text=_("Product or place"))
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=blank_first(PublicationStatus.choices, _("Any status")),
    )

    def __init__(self, *args, curator=False, **kwargs):
        super().__init__(*args, **kwargs)
        if curator:
            self.fields["agency"] = forms.ModelChoiceField(
                queryset=Agency.objects.order_by("name"),
                required=False,
                to_field_name="slug",
                label=_("Agency"),
                empty_label=_("Any agency"),
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
