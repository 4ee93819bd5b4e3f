"""The command-line contract: import_clusters and export_clusters, their output, options
and exit status; import(export(x)) changes nothing."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from clusters import services
from clusters.exports import export_columns
from clusters.imports import CLUSTER_COLUMNS
from clusters.models import Cluster
from stakeholders.network.summary import SUMMARY_COLUMNS
from tests.conftest import CLUSTERS_CSV
from tests.factories import AgencyFactory, ClusterFactory, foreign_region, region


def command(name, *args):
    """Run a management command; return (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    call_command(name, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def failing(name, *args):
    """Run a command that must fail; return (CommandError, stderr)."""
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(name, *args, stdout=io.StringIO(), stderr=err)
    return caught.value, err.getvalue()


def export_rows(*args):
    out, _err = command("export_clusters", *args)
    return list(csv.DictReader(io.StringIO(out)))


# import_clusters ---------------------------------------------------------------------------


def test_import_prints_the_summary(db):
    """The command prints 'created N, updated N, unchanged N'."""
    out, err = command("import_clusters", str(CLUSTERS_CSV))

    assert out.strip() == "created 15, updated 0, unchanged 0"
    assert err == ""
    assert Cluster.objects.count() == 15


def test_command_import_is_in_the_history_under_the_files_name(db):
    """Every history row of a command-line import names the command and the file."""
    command("import_clusters", str(CLUSTERS_CSV))

    reasons = set(Cluster.history.values_list("history_change_reason", flat=True))
    assert len(reasons) == 1
    assert reasons.pop().startswith("import_clusters clusters_india_profiles.csv #")


def test_reimport_reports_every_row_unchanged(db, row_counts):
    """Importing the same file again prints 'created 0, updated 0, unchanged 15'."""
    command("import_clusters", str(CLUSTERS_CSV))
    before = row_counts()

    out, _err = command("import_clusters", str(CLUSTERS_CSV))

    assert out.strip() == "created 0, updated 0, unchanged 15"
    assert row_counts() == before


def test_invalid_file_exits_with_status_1_every_error_and_nothing_written(
    db, write_file, row_counts
):
    """Every error goes to stderr as 'row N, COLUMN: message'; exit status 1; nothing written."""
    path = write_file(
        "product,place,state,cluster_type,enterprise_count,figures_year\n"
        "Hosiery,Ludhiana,Punjab,industrial,12000,2016\n"
        "Brass ware,Moradabad,Uttar Pradesh,spaceship,-4,2015-17\n"
        ",Agra,Uttar Pradesh,industrial,ten,\n"
    )
    before = row_counts()

    error, err = failing("import_clusters", str(path))

    assert error.returncode == 1
    assert str(error) == "5 error(s) in 2 row(s); nothing was written."
    assert err.splitlines() == [
        "row 3, cluster_type: 'spaceship' is not a cluster type; "
        "use one of: industrial, handicraft, handloom, service.",
        "row 3, enterprise_count: -4 is negative: a count is 0 or more.",
        "row 3, figures_year: 2015-17 is not a fiscal year: "
        "the second part must be the next year (2015-16).",
        "row 4, product: the product is missing",
        "row 4, enterprise_count: 'ten' is not a count: use a whole number of 0 or more.",
    ]
    assert row_counts() == before


def test_missing_file_is_a_clear_error(db, tmp_path):
    """A path that cannot be read is reported, not a traceback."""
    error, _err = failing("import_clusters", str(tmp_path / "nowhere.csv"))

    assert "cannot read" in str(error)
    assert "nowhere.csv" in str(error)


def test_dry_run_reports_counts_and_writes_nothing(db, row_counts):
    """--dry-run says what it would have done and writes nothing."""
    before = row_counts()

    out, _err = command("import_clusters", str(CLUSTERS_CSV), "--dry-run")

    assert out.strip() == "dry run, nothing written: would have created 15, updated 0, unchanged 0"
    assert row_counts() == before


def test_dry_run_of_an_invalid_file_still_fails(db, write_file):
    """A dry run of a bad file reports its errors and exits with status 1."""
    path = write_file("product,place,cluster_type\nHosiery,,industrial\n")

    error, err = failing("import_clusters", str(path), "--dry-run")

    assert error.returncode == 1
    assert err.strip() == "row 2, place: the place is missing"


def test_agency_and_status_options_apply_to_new_clusters(db, write_file):
    """--agency and --status set the owner and publication status of the clusters created."""
    agency = AgencyFactory(slug="fmc")
    existing = ClusterFactory(product="Hosiery", place="Ludhiana", region=region("Punjab"))
    path = write_file(
        "product,place,state,cluster_type\n"
        "Hosiery,Ludhiana,Punjab,industrial\n"
        "Bicycles,Ludhiana,Punjab,industrial\n"
    )

    command("import_clusters", str(path), "--agency", "fmc", "--status", "submitted")

    created = Cluster.objects.get(product="Bicycles")
    assert (created.agency, created.status) == (agency, "submitted")
    existing.refresh_from_db()
    assert (existing.agency, existing.status) == (None, "published")


def test_command_line_imports_are_published_without_agency_by_default(db):
    """Without options, new clusters are published and belong to no agency."""
    command("import_clusters", str(CLUSTERS_CSV))

    assert set(Cluster.objects.values_list("status", "agency")) == {("published", None)}


def test_unknown_agency_is_refused(db, row_counts):
    """An --agency slug that does not exist is an error, and nothing is imported."""
    before = row_counts()

    error, _err = failing("import_clusters", str(CLUSTERS_CSV), "--agency", "nobody")

    assert str(error) == "no agency with the slug 'nobody'"
    assert row_counts() == before


def test_unknown_status_is_refused(db):
    """--status takes only the publication statuses."""
    error, _err = failing("import_clusters", str(CLUSTERS_CSV), "--status", "secret")

    assert "invalid choice: 'secret'" in str(error)
    assert not Cluster.objects.exists()


def test_unknown_columns_are_warned_about_on_stderr(db, write_file):
    """The command names the columns it ignored and imports the rest."""
    path = write_file(
        "product,place,state,cluster_type,colour\nHosiery,Ludhiana,Punjab,industrial,blue\n"
    )

    out, err = command("import_clusters", str(path))

    assert err.strip() == "warning: ignored unknown column: colour"
    assert out.strip() == "created 1, updated 0, unchanged 0"


def test_xlsx_file_from_disk(db, write_file):
    """import_clusters reads an .xlsx file as well as a CSV."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["product", "place", "state", "cluster_type", "loom_count"])
    workbook.active.append(["Handloom sarees", "Phulia", "West Bengal", "handloom", 3200])
    stream = io.BytesIO()
    workbook.save(stream)
    path = write_file(stream.getvalue(), name="clusters.xlsx")

    out, _err = command("import_clusters", str(path))

    assert out.strip() == "created 1, updated 0, unchanged 0"
    assert Cluster.objects.get().classification_status == "qualifies"


# export_clusters ---------------------------------------------------------------------------


def test_export_writes_every_cluster_in_the_contract_columns(india_clusters):
    """The export has the cluster columns plus slug and classification (then the network
    summary of each cluster), one row per cluster."""
    out, _err = command("export_clusters")

    reader = csv.DictReader(io.StringIO(out))
    assert tuple(reader.fieldnames) == export_columns()
    contract = (*CLUSTER_COLUMNS, "slug", "classification_status", "classification_reason")
    assert export_columns()[: len(contract)] == contract
    assert export_columns()[len(contract) :] == SUMMARY_COLUMNS
    rows = list(reader)
    assert len(rows) == 15
    phulia = next(row for row in rows if row["place"] == "Phulia")
    assert phulia["loom_count"] == "3200"
    assert phulia["enterprise_count"] == ""
    assert phulia["state"] == "West Bengal"
    assert phulia["slug"] == Cluster.objects.get(place="Phulia").slug
    assert phulia["classification_status"] == "qualifies"
    assert "3,200 looms ≥ 500" in phulia["classification_reason"]


def test_export_filters_as_on_the_public_list(india_clusters):
    """state=west-bengal cluster_type=handloom keeps only Phulia."""
    rows = export_rows("state=west-bengal", "cluster_type=handloom")

    assert [(row["product"], row["place"]) for row in rows] == [("Handloom sarees", "Phulia")]


def test_export_filter_by_state(india_clusters):
    """state=west-bengal keeps the four West Bengal clusters."""
    rows = export_rows("state=west-bengal")

    assert sorted(row["place"] for row in rows) == ["Ghruni", "Howrah", "Howrah", "Phulia"]


def test_export_filter_by_sector_and_agency_slugs(db):
    """sector=<slug> and agency=<slug> keep the clusters of that sector and agency."""
    fmc = AgencyFactory(slug="fmc")
    ClusterFactory(
        product="Forgings",
        place="Pune",
        sector=services.sector_get_or_create(name="Engineering"),
        agency=fmc,
    )
    ClusterFactory(
        product="Hosiery", place="Ludhiana", sector=services.sector_get_or_create(name="Textiles")
    )

    assert [row["place"] for row in export_rows("sector=engineering")] == ["Pune"]
    assert [row["place"] for row in export_rows("agency=fmc")] == ["Pune"]
    assert [row["place"] for row in export_rows(f"agency_id={fmc.pk}")] == ["Pune"]


def test_export_filter_by_state_id(india_clusters):
    """state_id=<id> is the same filter as state=<slug>."""
    rows = export_rows(f"state_id={region('West Bengal').pk}", "cluster_type=handloom")

    assert [row["place"] for row in rows] == ["Phulia"]


def test_export_filter_by_classification(india_clusters):
    """classification_status=potential keeps the clusters below the benchmark."""
    rows = export_rows("classification_status=potential")

    assert sorted(row["place"] for row in rows) == ["Pune", "Rajkot"]


def test_repeated_filter_means_any_of_its_values(india_clusters):
    """cluster_type=handloom cluster_type=handicraft keeps both artisan types."""
    rows = export_rows("cluster_type=handloom", "cluster_type=handicraft")

    assert {row["cluster_type"] for row in rows} == {"handloom", "handicraft"}
    assert len(rows) == 4


def test_export_as_json(india_clusters):
    """--format json writes a list of objects with the same keys, numbers as numbers."""
    out, _err = command("export_clusters", "--format", "json", "cluster_type=handloom")

    rows = json.loads(out)
    assert len(rows) == 1
    assert set(rows[0]) == set(export_columns())
    assert rows[0]["loom_count"] == 3200
    assert rows[0]["enterprise_count"] is None
    assert rows[0]["classification_status"] == "qualifies"


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("cluster_type=spaceship", "invalid filter: cluster_type:"),
        ("state=atlantis", "invalid filter: state:"),
        ("enterprise_count_min=many", "invalid filter: enterprise_count_min:"),
        ("colour=blue", "unknown filter(s): colour"),
        ("handloom", "'handloom' is not FILTER=VALUE"),
    ],
)
def test_invalid_filter_is_a_clear_error(india_clusters, argument, message):
    """A bad filter name or value is refused with a message naming it."""
    error, _err = failing("export_clusters", argument)

    assert message in str(error)


def test_export_neutralises_formulas(db):
    """A description that a spreadsheet would run as a formula is exported quoted."""
    ClusterFactory(product="Hosiery", place="Ludhiana", description="=cmd|' /C calc'!A0")

    rows = export_rows()

    assert rows[0]["description"] == "'=cmd|' /C calc'!A0"


# import(export(x)) changes nothing --------------------------------------------------------


def round_trip(write_file):
    out, _err = command("export_clusters")
    path = write_file(out, name="export.csv")
    return command("import_clusters", str(path))


def test_importing_the_export_changes_nothing(india_clusters, write_file, row_counts):
    """The export of the fixture profiles imports back with every row unchanged."""
    before = row_counts()

    out, err = round_trip(write_file)

    assert out.strip() == "created 0, updated 0, unchanged 15"
    assert "ignored unknown columns: slug, classification_status, classification_reason" in err
    assert row_counts() == before


def test_round_trip_of_a_fully_described_foreign_cluster(db, write_file, row_counts):
    """Descriptors, coordinates, formulas and figures from two sources survive a round trip."""
    prato = ClusterFactory(
        product="Knitwear",
        place="Prato",
        district="Prato",
        region=foreign_region("Tuscany"),
        country="IT",
        origin="natural",
        structure="horizontal",
        stage="maturity",
        exporting=True,
        latitude=Decimal("43.880600"),
        longitude=Decimal("11.096600"),
        description="=1+1, a formula-looking note\nover two lines",
        figures={"enterprise_count": 7000, "annual_turnover": 2_000_000_000},
        provenance=services.Provenance(year="2011", source="Istat", currency="EUR"),
    )
    services.cluster_record_figures(
        cluster=prato,
        values={"employment": 40000, "enterprise_count": 7200},
        provenance=services.Provenance(year="2016", source="Chamber", estimated=True),
    )
    before = row_counts()

    out, _err = round_trip(write_file)

    assert out.strip() == "created 0, updated 0, unchanged 1"
    assert row_counts() == before
    prato.refresh_from_db()
    assert prato.description == "=1+1, a formula-looking note\nover two lines"
    assert (prato.enterprise_count, prato.employment, prato.currency) == (7200, 40000, "EUR")


def test_round_trip_of_a_cluster_without_state_or_figures(db, write_file, row_counts):
    """A cluster with no state and no figures also comes back unchanged."""
    ClusterFactory(product="Coir", place="Alappuzha", region=None, cluster_type="service")
    before = row_counts()

    out, _err = round_trip(write_file)

    assert out.strip() == "created 0, updated 0, unchanged 1"
    assert row_counts() == before


def test_export_into_an_empty_database_recreates_the_clusters(india_clusters, write_file):
    """The export is a complete cluster file: imported elsewhere it recreates every cluster."""
    out, _err = command("export_clusters")
    before = {
        (c.product, c.place, c.classification_status, c.enterprise_count, c.loom_count)
        for c in Cluster.objects.all()
    }
    Cluster.objects.all().delete()
    path = write_file(out, name="export.csv")

    result, _err = command("import_clusters", str(path))

    assert result.strip() == "created 15, updated 0, unchanged 0"
    after = {
        (c.product, c.place, c.classification_status, c.enterprise_count, c.loom_count)
        for c in Cluster.objects.all()
    }
    assert after == before


def test_a_cell_over_131072_characters_exits_1_naming_row_and_column(db, write_file, row_counts):
    """A long cell on the command line: exit status 1, 'row N, COLUMN: message', nothing
    written (not a traceback from the csv module)."""
    path = write_file(
        "product,place,cluster_type,description\n"
        "Hosiery,Ludhiana,industrial,\n"
        f"Locks,Aligarh,industrial,{'x' * 131_073}\n"
    )
    before = row_counts()

    error, err = failing("import_clusters", str(path))

    assert error.returncode == 1
    assert err.strip() == "row 3, description: the cell is longer than 131,072 characters"
    assert row_counts() == before


def test_stakeholder_and_relationship_commands_report_a_long_cell_the_same_way(db, write_file):
    """The other import commands share the reading, and so the message."""
    long_name = "x" * 140_000
    for name, text in [
        (
            "import_stakeholders",
            f"name,kind,cluster_product,cluster_place\n{long_name},enterprise,A,B\n",
        ),
        (
            "import_relationships",
            "source_name,source_kind,target_name,target_kind,relationship,cluster_product,"
            f"cluster_place\nA,enterprise,{long_name},enterprise,supplies,A,B\n",
        ),
    ]:
        error, err = failing(name, str(write_file(text)))
        assert error.returncode == 1
        column = "name" if name == "import_stakeholders" else "target_name"
        assert err.strip() == f"row 2, {column}: the cell is longer than 131,072 characters"
