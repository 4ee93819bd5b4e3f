"""Import indicator measurements from the contract's indicator CSV/XLSX format.

One row per (cluster, indicator, year): the cluster named by its identity (product, place,
state, country, as the stakeholder files name it), the indicator by its catalogue slug, the
year as a cluster figure's ('2023' or fiscal '2023-24'). A row for a (cluster, indicator,
year) already recorded updates that measurement; the same values again leave it unchanged.
"""

import difflib
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from clusters.services import cluster_is_visible
from common.forms import YesNoField
from common.history import bulk_history_insert
from common.importing import CREATED, UNCHANGED, UPDATED, RowImporter
from common.text import collapse_spaces
from stakeholders.imports import ChunkLookups, ClusterReferenceForm

from .models import Indicator, IndicatorMeasurement
from .permissions import measurement_policy
from .services import is_catalogue_unit, measurement_unit, value_may_be_negative
from .years import format_year, parse_year

INDICATOR_COLUMNS = (
    "cluster_product",
    "cluster_place",
    "cluster_state",
    "cluster_country",
    "indicator",
    "year",
    "value",
    "unit",
    "source",
    "estimated",
)
REQUIRED_COLUMNS = ("cluster_product", "cluster_place", "indicator", "year", "value")

# Units whose values may be below zero: a change measured in per cent (a cost reduction of
# -5 per cent is a cost that rose). Everything else the catalogue counts or adds up
# (markets, enterprises, rupees invested) is 0 or more.
_GROUPED = re.compile(r"^-?\d{1,3}(,\d{2,3})+(\.\d+)?$")
# IndicatorMeasurement.value: DecimalField(max_digits=20, decimal_places=2).
VALUE_DECIMALS = 2
VALUE_LIMIT = Decimal(10) ** (20 - VALUE_DECIMALS)


def parse_value(text):
    """Return the number in `text` ('12', '1,20,000', '3.5', '-2.5') as a Decimal, or raise."""
    text = (text or "").strip().replace(" ", "")
    if _GROUPED.match(text):
        text = text.replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite():
        raise ValueError(text)
    return number


def format_value(value):
    """Return a stored value as the import reads it back: '12', '3.5' (no trailing zeros)."""
    if value is None:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


class IndicatorImportForm(ClusterReferenceForm):
    """Validate one row of an indicator file."""

    indicator = forms.CharField(max_length=100)
    year = forms.CharField(max_length=20)
    value = forms.CharField(max_length=50)
    unit = forms.CharField(max_length=50, required=False)
    source = forms.CharField(max_length=500, required=False)
    estimated = YesNoField()

    def __init__(self, *args, catalogue=None, **kwargs):
        """`catalogue` maps slugs to the catalogue's indicators (read once per import)."""
        super().__init__(*args, **kwargs)
        self.catalogue = catalogue if catalogue is not None else indicator_catalogue()
        messages = {
            "indicator": _("the indicator is missing: give a catalogue slug such as new-markets"),
            "year": _("the year is missing"),
            "value": _("the value is missing"),
        }
        for name, message in messages.items():
            self.fields[name].error_messages["required"] = message

    def clean_indicator(self):
        slug = collapse_spaces(self.cleaned_data["indicator"]).lower()
        indicator = self.catalogue.get(slug)
        if indicator is None:
            close = difflib.get_close_matches(slug, list(self.catalogue), n=1, cutoff=0.5)
            if close:
                message = _(
                    "'%(slug)s' is not an indicator of the catalogue; did you mean %(close)s?"
                ) % {"slug": slug, "close": close[0]}
            else:
                message = _(
                    "'%(slug)s' is not an indicator of the catalogue; use one of: %(slugs)s"
                ) % {"slug": slug, "slugs": ", ".join(self.catalogue)}
            raise ValidationError(message)
        if indicator.computed_from:
            raise ValidationError(
                _(
                    "%(slug)s is computed from the registry (%(what)s), not imported: "
                    "record those in the registry instead"
                )
                % {"slug": slug, "what": indicator.get_computed_from_display().lower()}
            )
        return indicator

    def clean_year(self):
        try:
            year, fiscal = parse_year(self.cleaned_data["year"])
        except ValidationError as exc:
            raise ValidationError(exc.messages[0]) from None
        return year, fiscal

    def clean_value(self):
        text = self.cleaned_data["value"]
        try:
            value = parse_value(text)
        except ValueError:
            raise ValidationError(
                _("'%(value)s' is not a number such as 12, 1,20,000 or 3.5") % {"value": text}
            ) from None
        if abs(value) >= VALUE_LIMIT:
            raise ValidationError(_("%(value)s is implausibly large") % {"value": text})
        if value != value.quantize(Decimal(1).scaleb(-VALUE_DECIMALS)):
            raise ValidationError(
                _("%(value)s has more than %(places)d decimal places")
                % {"value": text, "places": VALUE_DECIMALS}
            )
        return value

    def clean(self):
        cleaned = super().clean()
        if "source" in cleaned:
            cleaned["source"] = collapse_spaces(cleaned["source"])
        cleaned["estimated"] = bool(cleaned.get("estimated"))
        indicator = cleaned.get("indicator")
        if indicator is None:
            return cleaned
        try:
            # The domain's rule; the message is worded for a file's row and column.
            cleaned["unit"] = measurement_unit(indicator, cleaned.get("unit", ""))
        except ValidationError:
            self.add_error(
                "unit",
                _("%(slug)s is measured in %(unit)s, not '%(given)s' (blank means %(unit)s)")
                % {
                    "slug": indicator.slug,
                    "unit": indicator.unit,
                    "given": collapse_spaces(cleaned.get("unit", "")),
                },
            )
        value = cleaned.get("value")
        if value is not None and value < 0 and not value_may_be_negative(indicator):
            self.add_error(
                "value",
                _("%(value)s is negative: %(slug)s counts %(unit)s, 0 or more")
                % {"value": format_value(value), "slug": indicator.slug, "unit": indicator.unit},
            )
        return cleaned


def measurement_refusal(*, user, cluster):
    """Return why `user` may not record measurements of `cluster`, or None if they may: a
    curator records everywhere, an agency editor for the clusters of their agency and those
    where their agency has an initiative. A cluster they may not see is not named."""
    if measurement_policy.user_may_measure(user, cluster):
        return None
    if cluster_is_visible(user=user, cluster=cluster):
        return _(
            "you may not record measurements of the cluster %(cluster)s: it is another "
            "agency's and your agency has no initiative there"
        ) % {"cluster": cluster}
    return _(
        "a cluster with this product and place is maintained by another agency; you may not "
        "record measurements of it (a curator can help)"
    )


def indicator_catalogue():
    """Return {slug: indicator} of the whole catalogue, in its order."""
    return {indicator.slug: indicator for indicator in Indicator.objects.order_by("position")}


class IndicatorImporter(RowImporter):
    """Create or update indicator measurements by (cluster, indicator, year).

    An operator's import (the command line) may record measurements of every cluster; an
    upload by a user only of the clusters that user may record measurements for
    (programmes.permissions).
    """

    columns = INDICATOR_COLUMNS
    required = REQUIRED_COLUMNS
    form_class = IndicatorImportForm
    label = "indicator measurements"
    written_models = (IndicatorMeasurement,)

    def __init__(self, *, user=None):
        self.user = user
        self.lookups = ChunkLookups()
        self.catalogue = None
        self._refusals = {}

    def form_kwargs(self):
        if self.catalogue is None:
            self.catalogue = indicator_catalogue()
        kwargs = {"lookups": self.lookups, "catalogue": self.catalogue}
        if self.user is not None:
            kwargs["cluster_refusal"] = self.cluster_refusal
        return kwargs

    def prepare(self, rows):
        self.lookups.prefetch(rows)

    def cluster_refusal(self, cluster):
        """Return why the importing user may not record measurements of `cluster`, or None."""
        if cluster.pk not in self._refusals:
            self._refusals[cluster.pk] = measurement_refusal(user=self.user, cluster=cluster)
        return self._refusals[cluster.pk]

    def identity(self, cleaned):
        return (cleaned["cluster"].pk, cleaned["indicator"].pk, cleaned["year"][0])

    def duplicate_column(self):
        return "indicator"

    def row_label(self, cleaned):
        cluster = cleaned["cluster"]
        year = format_year(*cleaned["year"])
        return f"{cluster.product}, {cluster.place}: {cleaned['indicator'].slug} {year}"

    def apply_rows(self, valid, result):
        """Read the measurements of the clusters the rows name at once, then create or
        update each row's (unchanged when it states what is recorded)."""
        ids = sorted({cleaned["cluster"].pk for _number, cleaned in valid})
        existing = {}
        for start in range(0, len(ids), 2000):
            for measurement in IndicatorMeasurement.objects.filter(
                cluster_id__in=ids[start : start + 2000]
            ):
                key = (measurement.cluster_id, measurement.indicator_id, measurement.year)
                existing[key] = measurement
        new = []
        for number, cleaned in valid:
            year, fiscal = cleaned["year"]
            indicator = cleaned["indicator"]
            data = {
                "fiscal": fiscal,
                "value": cleaned["value"],
                "source": cleaned["source"],
                "estimated": cleaned["estimated"],
            }
            key = (cleaned["cluster"].pk, indicator.pk, year)
            measurement = existing.get(key)
            label = self.row_label(cleaned) if result.wants_labels() else ""
            if measurement is None:
                new.append(
                    measurement_new(
                        cluster=cleaned["cluster"], indicator=indicator, year=year, **data
                    )
                )
                result.count(CREATED, number, label)
            elif measurement_unchanged(measurement, indicator=indicator, data=data):
                result.count(UNCHANGED, number, label)
            else:
                measurement_update(measurement=measurement, data=data)
                result.count(UPDATED, number, label)
        measurements_create_bulk(new)


# The import's writes. Measurements carry no review: an operator's import, and an editor's
# upload of the clusters they may record for, write at once (in the import's change set).


def measurement_unchanged(measurement, *, indicator, data):
    """Return whether writing `data` would leave `measurement` as it is (its unit, blank or
    the catalogue's, is the same unit)."""
    return is_catalogue_unit(indicator, measurement.unit) and all(
        getattr(measurement, name) == value for name, value in data.items()
    )


def measurement_new(*, cluster, indicator, year, **data):
    """Return a new, validated, unsaved measurement (the catalogue's unit, kept blank)."""
    measurement = IndicatorMeasurement(
        cluster=cluster, indicator=indicator, year=year, unit="", **data
    )
    measurement.clean_fields(exclude=["cluster", "indicator", "initiative"])
    return measurement


def measurements_create_bulk(measurements, batch_size=2000):
    """Insert new measurements a batch at a time, with their history rows (in the current
    change set, common.history): a file of thousands of rows costs a few queries."""
    for start in range(0, len(measurements), batch_size):
        batch = IndicatorMeasurement.objects.bulk_create(measurements[start : start + batch_size])
        bulk_history_insert(IndicatorMeasurement, [m.pk for m in batch])


def measurement_update(*, measurement, data):
    """Change a recorded measurement to `data` (its unit becomes the catalogue's, blank)."""
    for name, value in data.items():
        setattr(measurement, name, value)
    measurement.unit = ""
    measurement.clean_fields(exclude=["cluster", "indicator", "initiative"])
    measurement.save()
    return measurement
