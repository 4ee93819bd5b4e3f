"""Exports of indicator measurements (in the import's columns: import(export) changes
nothing) and of initiatives."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from clusters.choices import PublicationStatus
from common.tabular import write_csv
from programmes.exports import (
    INITIATIVE_EXPORT_COLUMNS,
    MEASUREMENT_EXPORT_COLUMNS,
    initiative_export_response,
    initiative_export_rows,
    measurement_export_response,
    measurement_export_rows,
    public_measurements,
)
from programmes.imports import INDICATOR_COLUMNS, IndicatorImporter
from programmes.models import IndicatorMeasurement
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def measurements():
    """Measurements of two clusters: whole, fractional, negative per cent, fiscal, estimated,
    another country's cluster, and one of a draft cluster."""
    jute = factories.ClusterFactory(product="Jute products", place="Kolkata")
    lombardy = factories.ClusterFactory(
        product="Silk", place="Como", region=factories.foreign_region(), country="IT"
    )
    draft = factories.ClusterFactory(
        product="Locks", place="Aligarh", status=PublicationStatus.DRAFT
    )
    make = factories.IndicatorMeasurementFactory
    make(cluster=jute, year=2023, value=4, source="CDA report", estimated=False)
    make(cluster=jute, year=2024, fiscal=True, value=Decimal("6.50"), estimated=True)
    make(
        cluster=jute,
        indicator=factories.indicator("cost-reduction"),
        year=2023,
        value=Decimal("-2.5"),
        unit="per cent",
    )
    make(
        cluster=lombardy,
        indicator=factories.indicator("additional-investment"),
        year=2022,
        value=12_000_000,
    )
    make(cluster=draft, year=2023, value=1)
    return jute, lombardy, draft


def csv_of(rows, columns):
    stream = io.StringIO()
    write_csv(rows, columns, stream)
    return stream.getvalue()


def test_measurements_are_written_in_the_import_columns(measurements):
    """The columns are the import's; years, values, units and flags as a person types them."""
    assert MEASUREMENT_EXPORT_COLUMNS == INDICATOR_COLUMNS
    rows = list(measurement_export_rows(public_measurements()))
    assert len(rows) == 4  # not the draft cluster's
    by_key = {(r["cluster_place"], r["indicator"], r["year"]): r for r in rows}
    assert by_key[("Kolkata", "new-markets", "2023")] == {
        "cluster_product": "Jute products",
        "cluster_place": "Kolkata",
        "cluster_state": "West Bengal",
        "cluster_country": "IN",
        "indicator": "new-markets",
        "year": "2023",
        "value": "4",
        "unit": "markets",
        "source": "CDA report",
        "estimated": "no",
    }
    fiscal = by_key[("Kolkata", "new-markets", "2024-25")]
    assert (fiscal["value"], fiscal["estimated"]) == ("6.5", "yes")
    assert by_key[("Kolkata", "cost-reduction", "2023")]["value"] == "-2.5"
    assert by_key[("Como", "additional-investment", "2022")]["value"] == "12000000"
    assert by_key[("Como", "additional-investment", "2022")]["cluster_country"] == "IT"


def test_importing_the_csv_export_changes_nothing(measurements):
    """import(export): every row unchanged, no history written."""
    text = csv_of(measurement_export_rows(IndicatorMeasurement.objects.all()), INDICATOR_COLUMNS)
    history = IndicatorMeasurement.history.count()
    result = IndicatorImporter().run(text.encode("utf-8"))
    assert result.ok, [str(e) for e in result.iter_errors()]
    assert result.summary() == "created 0, updated 0, unchanged 5"
    assert IndicatorMeasurement.history.count() == history


def test_importing_the_xlsx_download_changes_nothing(measurements):
    """The XLSX download reads back as the same measurements."""
    response = measurement_export_response(public_measurements(), file_format="xlsx")
    assert response["Content-Disposition"].startswith('attachment; filename="indicators-')
    content = b"".join(response.streaming_content)
    result = IndicatorImporter().run(content)
    assert result.ok, [str(e) for e in result.iter_errors()]
    assert result.summary() == "created 0, updated 0, unchanged 4"


def test_the_export_recreates_the_measurements_in_an_empty_registry(measurements):
    """Exported, deleted, imported again: the same values come back."""
    text = csv_of(measurement_export_rows(IndicatorMeasurement.objects.all()), INDICATOR_COLUMNS)
    before = sorted(
        IndicatorMeasurement.objects.values_list(
            "cluster_id", "indicator_id", "year", "fiscal", "value", "source", "estimated"
        )
    )
    IndicatorMeasurement.objects.all().delete()
    result = IndicatorImporter().run(text.encode("utf-8"))
    assert result.created == 5
    after = sorted(
        IndicatorMeasurement.objects.values_list(
            "cluster_id", "indicator_id", "year", "fiscal", "value", "source", "estimated"
        )
    )
    assert after == before


def test_the_export_indicators_command_writes_what_the_import_reads(measurements, write_file):
    out = io.StringIO()
    call_command("export_indicators", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == ",".join(INDICATOR_COLUMNS)
    assert len(lines) == 6  # an operator's export: the draft cluster's too
    result = IndicatorImporter().run(write_file(out.getvalue()))
    assert result.summary() == "created 0, updated 0, unchanged 5"


def test_initiatives_are_exported_with_their_cluster_scheme_and_amounts():
    initiative = factories.InitiativeFactory(
        title="Soft interventions in the jute cluster",
        cluster=factories.ClusterFactory(product="Jute products", place="Kolkata"),
        status=PublicationStatus.PUBLISHED,
        budget=25_000_000,
        sanctioned_amount=20_000_000,
        started_on="2023-04-01",
    )
    factories.InitiativeFactory(title="Another")
    rows = list(initiative_export_rows(type(initiative).objects.filter(pk=initiative.pk)))
    assert len(rows) == 1
    row = rows[0]
    assert set(row) == set(INITIATIVE_EXPORT_COLUMNS)
    assert row["title"] == "Soft interventions in the jute cluster"
    assert (row["scheme"], row["scheme_name"]) == (
        "mse-cdp",
        "Micro and Small Enterprises – Cluster Development Programme",
    )
    assert (row["cluster_product"], row["cluster_place"], row["cluster_state"]) == (
        "Jute products",
        "Kolkata",
        "West Bengal",
    )
    assert row["agency"] == initiative.agency.name
    assert (row["budget"], row["sanctioned_amount"], row["released_amount"]) == (
        25_000_000,
        20_000_000,
        "",
    )
    assert (row["started_on"], row["ended_on"], row["stage"]) == (
        "2023-04-01",
        "",
        "diagnostic_study",
    )


def test_the_initiative_csv_download_has_a_header_and_a_row_each():
    factories.InitiativeFactory(title="Handloom cluster initiative")
    response = initiative_export_response(
        factories.InitiativeFactory._meta.model.objects.all(), file_format="csv"
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == ",".join(INITIATIVE_EXPORT_COLUMNS)
    assert "Handloom cluster initiative" in lines[1]
