"""Forms of the editor's cluster pages: enter or edit a cluster, filter the list."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clusters import services
from clusters.choices import (
    CLUSTER_TYPE_MESSAGE,
    ORIGIN_MESSAGE,
    STAGE_MESSAGE,
    STRUCTURE_MESSAGE,
    ClusterType,
    Measure,
    Origin,
    PublicationStatus,
    Stage,
    Structure,
)
from clusters.imports import ClusterImportForm, row_figures, row_provenance
from clusters.models import DESCRIPTOR_FIELDS, Agency
from common.forms import CodeChoiceField, YesNoField
from common.local_names import LocalNamesField
from workspace.forms.shared import GroupedFieldsMixin, blank_first

YES_NO = [("", _("Not known")), ("yes", _("Yes")), ("no", _("No"))]
FIGURE_FIELDS = tuple(Measure.values)


def yes_no_initial(value):
    """Return a stored True / False / None as the yes-no select shows it."""
    return {True: "yes", False: "no"}.get(value, "")


class ClusterForm(GroupedFieldsMixin, ClusterImportForm):
    """Enter or edit a cluster and record new figures: one row of the import, typed in."""

    cluster_type = CodeChoiceField(
        choices=ClusterType.choices,
        message=CLUSTER_TYPE_MESSAGE,
        required=True,
        widget=forms.Select(choices=blank_first(ClusterType.choices, _("Choose a type"))),
    )
    origin = CodeChoiceField(
        choices=Origin.choices,
        message=ORIGIN_MESSAGE,
        widget=forms.Select(choices=blank_first(Origin.choices, _("Not known"))),
    )
    structure = CodeChoiceField(
        choices=Structure.choices,
        message=STRUCTURE_MESSAGE,
        widget=forms.Select(choices=blank_first(Structure.choices, _("Not known"))),
    )
    stage = CodeChoiceField(
        choices=Stage.choices,
        message=STAGE_MESSAGE,
        widget=forms.Select(choices=blank_first(Stage.choices, _("Not known"))),
    )
    exporting = YesNoField(widget=forms.Select(choices=YES_NO))
    estimated = forms.BooleanField(required=False)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    local_names = LocalNamesField()
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
        (
            _("The cluster"),
            "",
            ("product", "place", "local_names", "district", "state", "country"),
        ),
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

    def __init__(self, *args, cluster=None, curator=False, user=None, **kwargs):
        """`cluster` is the record being edited (None for a new one); a curator also
        chooses the owning agency. `user` (default: the acting user) is who is told about a
        duplicate: only a record they may see is named."""
        super().__init__(*args, **kwargs)
        self.cluster = cluster
        self.user = user if user is not None else services.acting_user()
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
            "local_names": cluster.local_names,
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
                    user=self.user,
                )
            except ValidationError:
                duplicate = services.cluster_find(
                    product=cleaned["product"],
                    place=cleaned["place"],
                    region=cleaned["region"],
                    country=cleaned["country"],
                )
                if services.cluster_is_visible(user=self.user, cluster=duplicate):
                    self.duplicate = duplicate
                    self.add_error(
                        "product",
                        gettext(
                            "The registry has this cluster already: “%(cluster)s”. Open that "
                            "record and add to it instead of entering a second one."
                        )
                        % {"cluster": duplicate},
                    )
                else:  # another agency's draft: say it exists, nothing more
                    self.add_error("product", services.hidden_duplicate_message())
        return cleaned

    def cluster_data(self, *, region, sector):
        """Return the cluster's fields from the valid form, with `region` and `sector`."""
        cleaned = self.cleaned_data
        data = {
            name: cleaned[name]
            for name in (
                "product",
                "place",
                "local_names",
                "country",
                "cluster_type",
                *DESCRIPTOR_FIELDS,
            )
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


class ClusterFilterForm(forms.Form):
    """Narrow the editor's list of clusters by status, words and (for curators) agency."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        help_text=_("Product, place, district, state, sector or description"),
    )
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
