"""Initiatives and indicator measurements as rows of a download.

Measurements are written in exactly the import's columns (programmes.imports), so that
importing an export changes nothing; initiatives in columns of their own (there is no
initiative import). Rows are tuples from one streamed values_list query: no model instances.
The site's and the command's downloads pass them to common.exports.export_response (see
`initiative_export_response` / `measurement_export_response`).
"""

from django.db.models import Value
from django.db.models.functions import Coalesce

from clusters.choices import PublicationStatus
from common.exports import export_response

from .imports import INDICATOR_COLUMNS, format_value
from .models import IndicatorMeasurement
from .years import format_year

MEASUREMENT_EXPORT_COLUMNS = INDICATOR_COLUMNS
INITIATIVE_EXPORT_COLUMNS = (
    "slug",
    "title",
    "scheme",
    "scheme_name",
    "cluster_product",
    "cluster_place",
    "cluster_state",
    "cluster_country",
    "cluster_slug",
    "agency",
    "development_agent",
    "stage",
    "started_on",
    "ended_on",
    "budget",
    "sanctioned_amount",
    "released_amount",
    "currency",
    "source",
    "description",
)


def _yes_no(value):
    return "yes" if value else "no"


def _iso(day):
    return day.isoformat() if day is not None else ""


def _blank_if_none(value):
    return "" if value is None else value


def public_measurements():
    """Return the measurements the public may see: those of published clusters."""
    return IndicatorMeasurement.objects.filter(cluster__status=PublicationStatus.PUBLISHED)


def measurement_export_records(measurements, chunk_size=5000):
    """Yield one tuple in MEASUREMENT_EXPORT_COLUMNS order per measurement of the queryset,
    as the importer reads it back: the year as '2023' or '2023-24', the value without
    trailing zeros, the catalogue's unit, estimated as yes/no."""
    rows = (
        measurements.order_by(
            "cluster__product", "cluster__place", "cluster_id", "indicator__position", "year"
        )
        .values_list(
            "cluster__product",
            "cluster__place",
            Coalesce("cluster__region__name", Value("")),
            "cluster__country",
            "indicator__slug",
            "year",
            "fiscal",
            "value",
            "indicator__unit",
            "source",
            "estimated",
        )
        .iterator(chunk_size=chunk_size)
    )
    for product, place, state, country, slug, year, fiscal, value, unit, source, estimated in rows:
        yield (
            product,
            place,
            state,
            country,
            slug,
            format_year(year, fiscal),
            format_value(value),
            unit,
            source,
            _yes_no(estimated),
        )


def measurement_export_rows(measurements, chunk_size=5000):
    """Yield one dict of MEASUREMENT_EXPORT_COLUMNS per measurement of the queryset."""
    for record in measurement_export_records(measurements, chunk_size=chunk_size):
        yield dict(zip(MEASUREMENT_EXPORT_COLUMNS, record, strict=True))


def initiative_export_records(initiatives, chunk_size=2000):
    """Yield one tuple in INITIATIVE_EXPORT_COLUMNS order per initiative of the queryset
    (pass the filtered public list: this does not restrict it)."""
    rows = (
        initiatives.order_by("cluster__product", "cluster__place", "title", "pk")
        .values_list(
            "slug",
            "title",
            "scheme__slug",
            "scheme__name",
            "cluster__product",
            "cluster__place",
            Coalesce("cluster__region__name", Value("")),
            "cluster__country",
            "cluster__slug",
            "agency__name",
            "development_agent_name",
            "stage",
            "started_on",
            "ended_on",
            "budget",
            "sanctioned_amount",
            "released_amount",
            "currency",
            "source",
            "description",
        )
        .iterator(chunk_size=chunk_size)
    )
    for row in rows:
        row = list(row)
        row[12], row[13] = _iso(row[12]), _iso(row[13])
        row[14:17] = [_blank_if_none(value) for value in row[14:17]]
        yield tuple(row)


def initiative_export_rows(initiatives, chunk_size=2000):
    """Yield one dict of INITIATIVE_EXPORT_COLUMNS per initiative of the queryset."""
    for record in initiative_export_records(initiatives, chunk_size=chunk_size):
        yield dict(zip(INITIATIVE_EXPORT_COLUMNS, record, strict=True))


def initiative_export_response(initiatives, *, file_format):
    """Return the download of the initiatives queryset as `file_format` (csv, xlsx, json)."""
    return export_response(
        initiative_export_records(initiatives),
        INITIATIVE_EXPORT_COLUMNS,
        file_format=file_format,
        name="initiatives",
        sheet_title="Initiatives",
        records=True,
    )


def measurement_export_response(measurements, *, file_format):
    """Return the download of the measurements queryset (in the import's columns)."""
    return export_response(
        measurement_export_records(measurements),
        MEASUREMENT_EXPORT_COLUMNS,
        file_format=file_format,
        name="indicators",
        sheet_title="Indicators",
        records=True,
    )
