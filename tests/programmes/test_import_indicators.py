"""Import of indicator measurements (manage.py import_indicators and the importer): one
row per (cluster, indicator, year), every bad row reported as `row N, COLUMN: message`,
all or nothing, unchanged on a second import."""

import io
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from clusters.choices import PublicationStatus
from common.tabular import write_xlsx
from programmes.imports import INDICATOR_COLUMNS, IndicatorImporter
from programmes.models import IndicatorMeasurement
from tests import factories
from tests.topology import BASE_DIR, process_env, test_database_url

HEADER = "cluster_product,cluster_place,cluster_state,cluster_country,indicator,year,value,unit,source,estimated\n"
GOOD = HEADER + (
    "Jute products,Kolkata,West Bengal,IN,new-markets,2023,4,markets,CDA report 2023,no\n"
    "Jute products,Kolkata,West Bengal,,new-markets,2024-25,6,,CDA report 2024,yes\n"
    'jute  PRODUCTS,kolkata,W Bengal,IN,additional-investment,2023,"1,20,00,000",INR,Survey,\n'
    "Jute products,Kolkata,West Bengal,IN,cost-reduction,2023,-2.5,per cent,Survey,yes\n"
)


@pytest.fixture
def jute(db):
    """A published cluster in West Bengal named by the rows above."""
    return factories.ClusterFactory(product="Jute products", place="Kolkata")


def run(text, **kwargs):
    return IndicatorImporter(**kwargs).run(text.encode("utf-8"))


def errors(result):
    return [str(error) for error in result.iter_errors()]


def command(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_indicators", str(path), *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


# Good files ------------------------------------------------------------------------------


def test_a_good_csv_records_every_row(jute):
    """Four rows give four measurements, with year, fiscal flag, value, source and flag."""
    result = run(GOOD)
    assert result.ok, errors(result)
    assert result.summary() == "created 4, updated 0, unchanged 0"
    rows = {
        (m.indicator.slug, m.year_label): m
        for m in IndicatorMeasurement.objects.filter(cluster=jute).select_related("indicator")
    }
    assert set(rows) == {
        ("new-markets", "2023"),
        ("new-markets", "2024-25"),
        ("additional-investment", "2023"),
        ("cost-reduction", "2023"),
    }
    fiscal = rows[("new-markets", "2024-25")]
    assert (fiscal.year, fiscal.fiscal, fiscal.value, fiscal.estimated) == (
        2024,
        True,
        Decimal(6),
        True,
    )
    assert rows[("new-markets", "2023")].source == "CDA report 2023"
    assert rows[("additional-investment", "2023")].value == Decimal(12_000_000)
    assert rows[("additional-investment", "2023")].estimated is False
    # A change in per cent may be below zero: costs that rose.
    assert rows[("cost-reduction", "2023")].value == Decimal("-2.5")


def test_a_good_xlsx_records_every_row(jute, write_file):
    """The same rows in an XLSX workbook import the same way (numbers as numbers)."""
    cells = [
        ("Jute products", "Kolkata", "West Bengal", "IN", "new-markets", "2023", 4, "markets"),
        ("Jute products", "Kolkata", "West Bengal", "", "new-markets", "2024-25", 6, ""),
        ("Jute products", "Kolkata", "West Bengal", "IN", "cost-reduction", 2023, -2.5, ""),
    ]
    records = [dict(zip(INDICATOR_COLUMNS, row, strict=False)) for row in cells]
    stream = io.BytesIO()
    write_xlsx(records, INDICATOR_COLUMNS, stream, title="Indicators")
    result = IndicatorImporter().run(write_file(stream.getvalue(), name="indicators.xlsx"))
    assert result.ok, errors(result)
    assert result.summary() == "created 3, updated 0, unchanged 0"
    stored = {
        (m.indicator.slug, m.year_label): m.value
        for m in IndicatorMeasurement.objects.filter(cluster=jute).select_related("indicator")
    }
    assert stored == {
        ("new-markets", "2023"): Decimal(4),
        ("new-markets", "2024-25"): Decimal(6),
        ("cost-reduction", "2023"): Decimal("-2.5"),
    }


def test_a_csv_with_a_byte_order_mark_is_read(jute):
    """Excel's UTF-8 CSV starts with a BOM: the first column is still cluster_product."""
    result = IndicatorImporter().run(("\ufeff" + GOOD).encode("utf-8"))
    assert result.ok, errors(result)
    assert result.created == 4


def test_a_second_import_of_the_same_file_changes_nothing(jute):
    """Re-importing is idempotent: every row unchanged, no new history."""
    assert run(GOOD).ok
    history = IndicatorMeasurement.history.count()
    result = run(GOOD)
    assert result.summary() == "created 0, updated 0, unchanged 4"
    assert IndicatorMeasurement.history.count() == history


def test_a_changed_value_updates_the_measurement(jute):
    """The same (cluster, indicator, year) with another value updates it in place."""
    assert run(GOOD).ok
    changed = GOOD.replace("new-markets,2023,4,markets", "new-markets,2023,5,markets")
    result = run(changed)
    assert result.summary() == "created 0, updated 1, unchanged 3"
    measurement = IndicatorMeasurement.objects.get(
        cluster=jute, indicator__slug="new-markets", year=2023
    )
    assert measurement.value == 5
    assert IndicatorMeasurement.objects.count() == 4


def test_unknown_columns_are_ignored_with_a_warning(jute):
    """A column the format does not know (a note) is ignored, not an error."""
    text = (
        HEADER.rstrip("\n")
        + ",note\n"
        + ("Jute products,Kolkata,West Bengal,IN,new-markets,2023,4,,,no,see annex\n")
    )
    result = run(text)
    assert result.ok, errors(result)
    assert result.created == 1
    assert any("note" in warning for warning in result.warnings)


def test_the_import_is_in_the_history_with_its_reason(jute, write_file):
    """The command's writes are one change set named after the file."""
    command(write_file(GOOD, name="mse-cdp-2023.csv"))
    record = IndicatorMeasurement.history.first()
    assert record.history_change_reason.startswith("import_indicators mse-cdp-2023.csv #")


# Bad files: each kind of error -------------------------------------------------------------


def only_error(text):
    result = run(text)
    assert not result.ok
    assert IndicatorMeasurement.objects.count() == 0
    found = errors(result)
    assert len(found) == 1, found
    return found[0]


def test_a_cluster_not_registered_is_named(jute):
    """The message names the cluster the row looked for, and says to import it first."""
    error = only_error(HEADER + "Brassware,Moradabad,Uttar Pradesh,IN,new-markets,2023,4,,,\n")
    assert error.startswith("row 2, cluster_product: ")
    assert "'Brassware' in Moradabad, Uttar Pradesh" in error


def test_an_unknown_indicator_suggests_the_closest_slug(jute):
    """A misspelt slug: the error proposes the catalogue's nearest one."""
    error = only_error(HEADER + "Jute products,Kolkata,West Bengal,IN,new-market,2023,4,,,\n")
    assert error.startswith("row 2, indicator: 'new-market' is not an indicator")
    assert "did you mean new-markets?" in error


def test_a_computed_indicator_cannot_be_imported(jute):
    """Networks created is computed from the registry's networks: refused, saying so."""
    error = only_error(HEADER + "Jute products,Kolkata,West Bengal,IN,networks-created,2023,3,,,\n")
    assert error.startswith("row 2, indicator: networks-created is computed from the registry")


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("last year", "'last year' is not a year such as 2016 or 2015-16."),
        ("2023-25", "the second part must be the next year (2023-24)"),
        ("1850", "1850 is not a plausible year."),
        ("", "the year is missing"),
    ],
)
def test_a_bad_year_is_refused(jute, year, message):
    """The year reads like a cluster figure's: 2023 or the fiscal 2023-24."""
    error = only_error(HEADER + f"Jute products,Kolkata,West Bengal,IN,new-markets,{year},4,,,\n")
    assert error.startswith("row 2, year: ")
    assert message in error


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("four", "'four' is not a number"),
        ("", "the value is missing"),
        ("-3", "-3 is negative: new-markets counts markets, 0 or more"),
        ("1.234", "more than 2 decimal places"),
        ("1e30", "implausibly large"),
    ],
)
def test_a_bad_value_is_refused(jute, value, message):
    """A value is a number; a count is never negative."""
    error = only_error(
        HEADER + f"Jute products,Kolkata,West Bengal,IN,new-markets,2023,{value},,,\n"
    )
    assert error.startswith("row 2, value: ")
    assert message in error


def test_a_unit_other_than_the_catalogues_is_refused(jute):
    """new-markets is counted in markets: a row in 'countries' is an error naming both."""
    error = only_error(
        HEADER + "Jute products,Kolkata,West Bengal,IN,new-markets,2023,4,countries,,\n"
    )
    assert error == (
        "row 2, unit: new-markets is measured in markets, not 'countries' (blank means markets)"
    )


@pytest.mark.parametrize(
    ("unit", "refused"),
    [("", False), ("markets", False), ("  MARKETS ", False), ("Mar kets", True), ("%", True)],
)
def test_the_import_follows_the_domains_unit_rule(jute, unit, refused):
    """The import asks programmes.services.measurement_unit, as the admin and the
    workspace do: the catalogue's unit in any case or spacing, or blank, is accepted and
    kept blank; any other is the row's error on its unit column."""
    from django.core.exceptions import ValidationError

    from programmes.models import Indicator
    from programmes.services import measurement_unit

    try:
        measurement_unit(Indicator.objects.get(slug="new-markets"), unit)
    except ValidationError:
        domain_refuses = True
    else:
        domain_refuses = False
    assert domain_refuses is refused
    result = run(HEADER + f"Jute products,Kolkata,West Bengal,IN,new-markets,2023,4,{unit},,\n")
    if refused:
        assert errors(result) == [
            f"row 2, unit: new-markets is measured in markets, not '{unit.strip()}' "
            "(blank means markets)"
        ]
    else:
        assert result.ok, errors(result)
        assert IndicatorMeasurement.objects.get(cluster=jute).unit == ""


def test_estimated_is_yes_or_no(jute):
    error = only_error(HEADER + "Jute products,Kolkata,West Bengal,IN,new-markets,2023,4,,,maybe\n")
    assert error == "row 2, estimated: 'maybe' is not yes or no."


def test_the_same_cluster_indicator_and_year_twice_names_both_rows(jute):
    """A second row for (Kolkata jute, new-markets, 2023), spelt differently, is a
    duplicate of the first; both row numbers are in the message."""
    text = HEADER + (
        "Jute products,Kolkata,West Bengal,IN,new-markets,2023,4,,,\n"
        "Jute products,Kolkata,West Bengal,IN,new-markets,2024,5,,,\n"
        "JUTE PRODUCTS,Kolkata,W Bengal,,New-Markets,2023,6,,,\n"
    )
    error = only_error(text)
    assert error.startswith("row 4, indicator: duplicate of row 2")


def test_a_missing_required_column_is_one_file_error(jute):
    """Without a value column nothing can be read: one error for the file."""
    result = run(
        "cluster_product,cluster_place,indicator,year\nJute products,Kolkata,new-markets,2023\n"
    )
    assert not result.ok
    assert [e.column for e in result.iter_errors()] == ["file"]
    assert "value" in errors(result)[0]


def test_every_bad_row_is_reported_and_nothing_is_written(jute, row_counts):
    """All or nothing: two good rows and two bad ones write nothing, and both bad rows are
    reported with their line in the file (header = 1)."""
    before = row_counts()
    text = HEADER + (
        "Jute products,Kolkata,West Bengal,IN,new-markets,2023,4,,,\n"
        "Jute products,Kolkata,West Bengal,IN,new-markets,2024,lots,,,\n"
        "Jute products,Kolkata,West Bengal,IN,new-enterprises,2023,12,,,\n"
        "Jute products,Kolkata,West Bengal,IN,policy-suport,2023,1,,,\n"
    )
    result = run(text)
    assert [(e.row, e.column) for e in result.iter_errors()] == [(3, "value"), (5, "indicator")]
    assert result.summary() == "created 0, updated 0, unchanged 0"
    assert IndicatorMeasurement.objects.count() == 0
    assert IndicatorMeasurement.history.count() == 0
    assert row_counts() == before


# Dry run and the command ----------------------------------------------------------------------


def test_a_dry_run_counts_and_writes_nothing(jute):
    """A dry run validates and counts what it would do, and writes nothing."""
    result = IndicatorImporter().run(GOOD.encode("utf-8"), dry_run=True)
    assert result.ok
    assert result.created == 4
    assert IndicatorMeasurement.objects.count() == 0


def test_the_command_prints_the_summary(jute, write_file):
    path = write_file(GOOD)
    out, err = command(path)
    assert out == "created 4, updated 0, unchanged 0"
    assert err == ""
    out, _err = command(path)
    assert out == "created 0, updated 0, unchanged 4"


def test_the_commands_dry_run_writes_nothing(jute, write_file):
    out, _err = command(write_file(GOOD), "--dry-run")
    assert out == "dry run, nothing written: would have created 4, updated 0, unchanged 0"
    assert IndicatorMeasurement.objects.count() == 0


def test_the_command_fails_with_status_1_and_every_error(jute, write_file):
    text = HEADER + (
        "Jute products,Kolkata,West Bengal,IN,new-markets,20233,4,,,\n"
        "Brassware,Moradabad,Uttar Pradesh,IN,new-markets,2023,4,,,\n"
    )
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_indicators", str(write_file(text)), stdout=io.StringIO(), stderr=err)
    assert caught.value.returncode == 1
    assert "nothing was written" in str(caught.value)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("row 2, year: ")
    assert lines[1].startswith("row 3, cluster_product: no cluster 'Brassware'")
    assert IndicatorMeasurement.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_manage_py_exits_with_status_1_on_a_bad_file(tmp_path):
    """Run as an operator runs it: the process's exit status is 1 and stderr has the row."""
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "Nowhere,Nowhere,,IN,new-markets,2023,4,,,\n", encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, "manage.py", "import_indicators", str(path)],
        cwd=BASE_DIR,
        env=process_env(DATABASE_URL=test_database_url()),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    assert "row 2, cluster_product: no cluster 'Nowhere'" in completed.stderr


# An upload by a user ---------------------------------------------------------------------------


def test_an_editor_records_only_for_clusters_they_may(jute):
    """An editor of another agency, without an initiative in the cluster, is refused for
    a published cluster (named) and the rows of their own agency's cluster are fine."""
    editor = factories.AgencyEditorFactory()
    own = factories.ClusterFactory(
        product="Brassware",
        place="Moradabad",
        region=factories.region("Uttar Pradesh"),
        agency=editor.agency,
        status=PublicationStatus.DRAFT,
    )
    text = HEADER + (
        "Brassware,Moradabad,Uttar Pradesh,IN,new-markets,2023,4,,,\n"
        "Jute products,Kolkata,West Bengal,IN,new-markets,2023,4,,,\n"
    )
    result = run(text, user=editor.user)
    assert [str(e) for e in result.iter_errors()] == [
        "row 3, cluster_product: you may not record measurements of the cluster "
        f"{jute}: it is another agency's and your agency has no initiative there"
    ]
    ok = run(
        HEADER + "Brassware,Moradabad,Uttar Pradesh,IN,new-markets,2023,4,,,\n", user=editor.user
    )
    assert ok.ok, errors(ok)
    assert IndicatorMeasurement.objects.get().cluster == own
