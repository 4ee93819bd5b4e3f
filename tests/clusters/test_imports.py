"""Import of clusters from CSV and XLSX: every bad row reported, all or nothing, create or
update by identity, blanks never erase, and the spreadsheet quirks people send."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from clusters.imports import CLUSTER_COLUMNS, ClusterImporter
from clusters.models import Cluster, ClusterFigure, Region
from tests.conftest import CLUSTERS_CSV
from tests.factories import AgencyFactory, ClusterFactory, region


def run(text, **kwargs):
    """Import `text` (a CSV as str, or bytes) and return the result."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return ClusterImporter(**kwargs).run(data)


def cluster(product, place):
    return Cluster.objects.get(product=product, place=place)


# The fixture profiles ----------------------------------------------------------------------


def test_fixture_profiles_are_all_created(india_clusters):
    """The 15 public profiles import as 15 published clusters without an agency."""
    assert india_clusters.summary() == "created 15, updated 0, unchanged 0"
    assert india_clusters.warnings == []
    assert Cluster.objects.count() == 15
    assert set(Cluster.objects.values_list("status", flat=True)) == {"published"}
    assert not Cluster.objects.filter(agency__isnull=False).exists()


@pytest.mark.parametrize(
    ("product", "place", "status", "reason"),
    [
        ("Galvanizing and wire drawing", "Howrah", "qualifies", "100 enterprises ≥ 100"),
        ("Aluminium castings", "Rajkot", "potential", "60 enterprises < 100"),
        ("Forgings", "Pune", "potential", "70 enterprises < 100"),
        ("Coir products", "Alappuzha", "insufficient_data", "the number of enterprises (≥ 50)"),
        ("Handloom sarees", "Phulia", "qualifies", "3,200 looms ≥ 500"),
        ("Hosiery", "Ludhiana", "qualifies", "12,000 enterprises ≥ 100"),
        ("Terracotta", "Ghruni", "qualifies", "675 enterprises ≥ 50"),
    ],
)
def test_fixture_profiles_are_classified(india_clusters, product, place, status, reason):
    """Howrah (100) qualifies, Rajkot (60) and Pune (70) are potential, Alappuzha is unknown."""
    imported = cluster(product, place)
    assert imported.classification_status == status
    assert reason in imported.classification_reason


def test_fixture_rows_keep_place_state_sector_and_provenance(india_clusters):
    """Tirupur keeps its district, state, sector and the year, source and estimate of its count."""
    tirupur = cluster("Knitted garments", "Tirupur")
    assert (tirupur.district, tirupur.region.name, tirupur.sector.name) == (
        "Tiruppur",
        "Tamil Nadu",
        "Textiles",
    )
    figure = tirupur.figures.get()
    assert (figure.measure, figure.value, figure.year, figure.estimated) == (
        "enterprise_count",
        3200,
        "2010-11",
        True,
    )
    assert "SAMEEEKSHA" in figure.source


def test_fixture_amounts_are_whole_rupees(india_clusters):
    """Ludhiana's turnover of Rs 50,000 million is stored in rupees, with INR."""
    ludhiana = cluster("Hosiery", "Ludhiana")
    assert ludhiana.annual_turnover == 50_000_000_000
    assert ludhiana.currency == "INR"
    assert ludhiana.figures.get(measure="annual_turnover").display_value == "₹5,000 crore"


def test_reimporting_the_same_file_changes_nothing(india_clusters, row_counts):
    """A second import of the same file reports every row unchanged and writes nothing."""
    before = row_counts()

    result = ClusterImporter().run(CLUSTERS_CSV)

    assert result.summary() == "created 0, updated 0, unchanged 15"
    assert row_counts() == before


# Invalid files ------------------------------------------------------------------------------

MALFORMED = """product,place,district,state,country,cluster_type,enterprise_count,loom_count,figures_year
Brass ware,Moradabad,,Uttar Pradesh,IN,spaceship,120,,
Locks,Aligarh,,Uttar Pradesh,IN,industrial,-5,,
Carpets,Bhadohi,,Uttar Pradesh,IN,handicraft,lots,,
,Firozabad,,Uttar Pradesh,IN,industrial,150,,
Glass bangles,,,Uttar Pradesh,IN,industrial,150,,
Leather,Kanpur,,Atlantis,IN,industrial,150,,
Sports goods,Jalandhar,,Punjab,IN,industrial,150,,2015-17
Bicycles,Ludhiana,,Punjab,IN,industrial,4000,,20x5
Hosiery,Ludhiana,,Punjab,IN,industrial,12000,,
hosiery , LUDHIANA,,punjab,in,industrial,11000,,2016
Handloom sarees,Phulia,,West Bengal,IN,handloom,,3.5,
"""


EXPECTED_ERRORS = [
    "row 2, cluster_type: 'spaceship' is not a cluster type; "
    "use one of: industrial, handicraft, handloom, service.",
    "row 3, enterprise_count: -5 is negative: a count is 0 or more.",
    "row 4, enterprise_count: 'lots' is not a count: use a whole number of 0 or more.",
    "row 5, product: the product is missing",
    "row 6, place: the place is missing",
    "row 7, state: 'Atlantis' is not a state or union territory of India.",
    "row 8, figures_year: 2015-17 is not a fiscal year: "
    "the second part must be the next year (2015-16).",
    "row 9, figures_year: '20x5' is not a year such as 2016 or 2015-16.",
    "row 11, product: duplicate of row 10: the same record appears twice in the file",
    "row 12, loom_count: '3.5' is not a count: use a whole number of 0 or more.",
]


def test_malformed_file_reports_every_bad_row_by_row_and_column(db, row_counts):
    """Each bad row is reported as 'row N, COLUMN: message' (header = row 1), all at once."""
    before = row_counts()

    result = run(MALFORMED)

    assert not result.ok
    assert [str(error) for error in result.errors] == EXPECTED_ERRORS
    assert result.summary() == "created 0, updated 0, unchanged 0"
    assert row_counts() == before


def test_malformed_file_through_the_command_exits_with_status_1(db, write_file, row_counts):
    """manage.py import_clusters prints the same errors to stderr and exits with status 1."""
    path = write_file(MALFORMED)
    before = row_counts()
    err = io.StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("import_clusters", str(path), stdout=io.StringIO(), stderr=err)

    assert caught.value.returncode == 1
    assert str(caught.value) == "10 error(s) in 10 row(s); nothing was written."
    assert err.getvalue().splitlines() == EXPECTED_ERRORS
    assert row_counts() == before


def test_one_invalid_row_rolls_back_every_row(db, row_counts):
    """Import rolls back every row when one row is invalid."""
    before = row_counts()
    text = (
        "product,place,state,cluster_type,enterprise_count\n"
        "Hosiery,Ludhiana,Punjab,industrial,12000\n"
        "Bicycles,Ludhiana,Punjab,industrial,4000\n"
        "Locks,Aligarh,Uttar Pradesh,industrial,many\n"
    )

    result = run(text)

    assert [str(error) for error in result.errors] == [
        "row 4, enterprise_count: 'many' is not a count: use a whole number of 0 or more."
    ]
    assert row_counts() == before


def test_error_rows_are_lines_of_the_file_even_after_blank_lines(db):
    """Blank lines are skipped but still counted, so 'row N' is the line a person sees."""
    text = "product,place,state,cluster_type\n\nHosiery,Ludhiana,Punjab,industrial\n\n,Agra,UP,industrial\n"

    result = run(text)

    assert [str(error) for error in result.errors] == ["row 5, product: the product is missing"]


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("country", "ITA", "'ITA' is not an ISO 3166 alpha-2 country code."),
        ("currency", "RUPEES", "'RUPEES' is not an ISO 4217 currency code."),
        ("estimated", "maybe", "'maybe' is not yes or no."),
        ("origin", "alien", "'alien' is not an origin; use one of: natural, induced."),
        ("stage", "adolescence", "is not a life-cycle stage; use one of: birth, growth"),
        ("latitude", "95", "95 is outside -90 to 90 degrees."),
        ("longitude", "east", "'east' is not a number of degrees."),
        ("annual_turnover", "12.5", "'12.5' is not an amount: use a whole number of 0 or more."),
        ("employment", "999999999", "999999999 is implausibly large for a count."),
    ],
)
def test_each_column_is_validated(db, column, value, message):
    """Every column of the format is checked and its error names the column."""
    text = (
        f"product,place,state,cluster_type,{column}\nHosiery,Ludhiana,Punjab,industrial,{value}\n"
    )

    result = run(text)

    assert len(result.errors) == 1
    assert str(result.errors[0]).startswith(f"row 2, {column}: ")
    assert message in result.errors[0].message
    assert not Cluster.objects.exists()


def test_header_without_a_required_column_is_refused(db):
    """A file without cluster_type is refused as a whole, reported on row 1."""
    result = run("product,place,state\nHosiery,Ludhiana,Punjab\n")

    assert [str(error) for error in result.errors] == [
        "row 1, file: the header lacks the required column: cluster_type"
    ]


def test_empty_file_is_refused(db):
    """An empty file is reported, not silently accepted."""
    result = run("")

    assert [str(error) for error in result.errors] == [
        "row 1, file: the file is empty: the first row must name the columns"
    ]


def test_binary_file_is_refused(db):
    """A file that is neither CSV nor XLSX is refused with a clear message."""
    result = run(b"\x00\x01\x02 not a table")

    assert [str(error) for error in result.errors] == [
        "row 1, file: the file is neither CSV nor XLSX"
    ]


# Create or update by identity -----------------------------------------------------------


def test_row_matching_a_stored_cluster_updates_it(db):
    """A row naming an existing cluster (any case or spacing) updates it, never duplicates it."""
    existing = ClusterFactory(product="Hosiery", place="Ludhiana", region=region("Punjab"))

    result = run(
        "product,place,state,cluster_type,enterprise_count,figures_year\n"
        "  HOSIERY , ludhiana,PUNJAB,industrial,12000,2016\n"
    )

    assert result.summary() == "created 0, updated 1, unchanged 0"
    existing.refresh_from_db()
    assert existing.enterprise_count == 12000
    assert existing.product == "Hosiery"
    assert Cluster.objects.count() == 1


def test_state_spellings_in_the_file_find_the_official_state(db):
    """'W Bengal' and 'Orissa' in a file are West Bengal and Odisha."""
    result = run(
        "product,place,state,cluster_type\n"
        "Terracotta,Ghruni,W Bengal,handicraft\n"
        "Brass ware,Balakati,Orissa,handicraft\n"
    )

    assert result.ok
    assert cluster("Terracotta", "Ghruni").region.name == "West Bengal"
    assert cluster("Brass ware", "Balakati").region.name == "Odisha"


def test_foreign_region_is_created_on_first_use(db):
    """A region abroad named in a file is created once and reused by the next row."""
    regions = Region.objects.count()

    result = run(
        "product,place,state,country,cluster_type,enterprise_count\n"
        "Knitwear,Prato,Tuscany,IT,industrial,7000\n"
        "Leather goods,Santa Croce,tuscany,it,industrial,900\n"
    )

    assert result.summary() == "created 2, updated 0, unchanged 0"
    assert Region.objects.count() == regions + 1
    prato = cluster("Knitwear", "Prato")
    assert (prato.country, prato.region.name) == ("IT", "Tuscany")
    assert cluster("Leather goods", "Santa Croce").region == prato.region


def test_zero_and_blank_counts_differ(db):
    """0 enterprises is a potential cluster; a blank count is insufficient data."""
    run(
        "product,place,state,cluster_type,enterprise_count\n"
        "Bell metal,Sarthebari,Assam,handicraft,0\n"
        "Cane and bamboo,Barpeta,Assam,handicraft,\n"
    )

    zero, blank = cluster("Bell metal", "Sarthebari"), cluster("Cane and bamboo", "Barpeta")
    assert (zero.enterprise_count, zero.classification_status) == (0, "potential")
    assert (blank.enterprise_count, blank.classification_status) == (None, "insufficient_data")


def test_counts_may_use_indian_or_international_grouping(db):
    """'1,20,000' and '12,000' are read as the numbers people mean."""
    run(
        "product,place,state,cluster_type,employment,enterprise_count\n"
        'Hosiery,Ludhiana,Punjab,industrial,"1,20,000","12,000"\n'
    )

    ludhiana = cluster("Hosiery", "Ludhiana")
    assert (ludhiana.employment, ludhiana.enterprise_count) == (120_000, 12_000)


def test_descriptors_are_imported(db):
    """Origin, structure, stage, exporting, coordinates and description are stored."""
    run(
        "product,place,state,cluster_type,origin,structure,stage,exporting,latitude,longitude,"
        "description\n"
        "Knitted garments,Tirupur,Tamil Nadu,industrial,Natural,horizontal,MATURITY,yes,"
        "11.1085,77.3411,Cotton knitwear for export\n"
    )

    tirupur = cluster("Knitted garments", "Tirupur")
    assert (tirupur.origin, tirupur.structure, tirupur.stage) == (
        "natural",
        "horizontal",
        "maturity",
    )
    assert tirupur.exporting is True
    assert (tirupur.latitude, tirupur.longitude) == (Decimal("11.108500"), Decimal("77.341100"))
    assert tirupur.description == "Cotton knitwear for export"


def test_new_clusters_get_the_importers_agency_and_status_existing_keep_theirs(db):
    """An import's agency and status apply to the clusters it creates, not to those it updates."""
    own = AgencyFactory()
    other = AgencyFactory()
    existing = ClusterFactory(
        product="Hosiery", place="Ludhiana", region=region("Punjab"), agency=other
    )

    result = run(
        "product,place,state,cluster_type,enterprise_count\n"
        "Hosiery,Ludhiana,Punjab,industrial,12000\n"
        "Bicycles,Ludhiana,Punjab,industrial,4000\n",
        agency=own,
        status="draft",
    )

    assert result.summary() == "created 1, updated 1, unchanged 0"
    existing.refresh_from_db()
    assert (existing.agency, existing.status) == (other, "published")
    created = cluster("Bicycles", "Ludhiana")
    assert (created.agency, created.status) == (own, "draft")


def test_dry_run_counts_but_writes_nothing(db, row_counts):
    """A dry run validates and reports what it would do, and leaves the database as it was."""
    before = row_counts()

    result = ClusterImporter().run(CLUSTERS_CSV, dry_run=True)

    assert result.ok
    assert result.dry_run
    assert result.summary() == "created 15, updated 0, unchanged 0"
    assert row_counts() == before


def test_import_history_names_the_user_and_one_reason(curator):
    """Every history row of one import shares its user and its change-set reason."""
    result = ClusterImporter().run(CLUSTERS_CSV, user=curator, reason="import profiles.csv")

    reason = f"import profiles.csv #{result.change_set_id}"
    assert set(Cluster.history.values_list("history_change_reason", flat=True)) == {reason}
    assert set(ClusterFigure.history.values_list("history_change_reason", flat=True)) == {reason}
    assert set(Cluster.history.values_list("history_user", flat=True)) == {curator.pk}


# Partial files: blank is unknown, never an erasure ------------------------------------------


def test_partial_file_with_blank_cells_does_not_erase_stored_values(india_clusters, row_counts):
    """A row with only the identity and blanks leaves the stored figures and descriptors alone."""
    before = row_counts()

    result = run(
        "product,place,district,state,cluster_type,sector,enterprise_count,employment,"
        "annual_turnover,source,figures_year\n"
        "Hosiery,Ludhiana,,Punjab,industrial,,,,,,\n"
    )

    assert result.summary() == "created 0, updated 0, unchanged 1"
    ludhiana = cluster("Hosiery", "Ludhiana")
    assert (ludhiana.enterprise_count, ludhiana.employment) == (12000, 500000)
    assert ludhiana.annual_turnover == 50_000_000_000
    assert (ludhiana.district, ludhiana.sector.name) == ("Ludhiana", "Textiles")
    assert row_counts() == before


def test_partial_file_adds_a_figure_and_keeps_the_others(india_clusters):
    """A row giving only a newer employment figure adds it and keeps every other measure."""
    result = run(
        "product,place,state,cluster_type,employment,figures_year,source\n"
        "Hosiery,Ludhiana,Punjab,industrial,550000,2020-21,District Industries Centre\n"
    )

    assert result.summary() == "created 0, updated 1, unchanged 0"
    ludhiana = cluster("Hosiery", "Ludhiana")
    assert ludhiana.employment == 550000
    assert ludhiana.enterprise_count == 12000
    assert sorted(
        ludhiana.figures.filter(measure="employment").values_list("value", flat=True)
    ) == [
        500000,
        550000,
    ]


def test_a_column_left_out_of_the_file_is_left_alone(india_clusters):
    """A file with only some columns updates those and keeps the rest."""
    result = run(
        "product,place,state,cluster_type,stage\nHosiery,Ludhiana,Punjab,industrial,growth\n"
    )

    assert result.summary() == "created 0, updated 1, unchanged 0"
    ludhiana = cluster("Hosiery", "Ludhiana")
    assert ludhiana.stage == "growth"
    assert ludhiana.enterprise_count == 12000


# What spreadsheets produce -----------------------------------------------------------------


def test_utf8_with_byte_order_mark(db):
    """A UTF-8 file with a BOM (as Excel saves it) reads its first column correctly."""
    text = "product,place,state,country,cluster_type\nProsciutto,San Daniele,Friuli-Venezia Giulia,IT,industrial\n"

    result = run(b"\xef\xbb\xbf" + text.encode("utf-8"))

    assert result.ok, result.errors
    assert cluster("Prosciutto", "San Daniele").region.name == "Friuli-Venezia Giulia"


def test_windows_1252_bytes(db):
    """A file saved by Excel in Windows-1252 keeps its accents and curly quotes."""
    text = (
        "product,place,state,country,cluster_type,description\n"
        "Knitwear,Prato,Toscana,IT,industrial,La città’s wool\n"
    )

    result = run(text.encode("cp1252"))

    assert result.ok, result.errors
    assert cluster("Knitwear", "Prato").description == "La città’s wool"


def test_semicolon_delimiter(db):
    """A ';'-separated file (a European Excel default) is read as well."""
    result = run(
        "product;place;state;cluster_type;enterprise_count\n"
        "Brass ware;Moradabad;Uttar Pradesh;handicraft;2000\n"
    )

    assert result.ok, result.errors
    assert cluster("Brass ware", "Moradabad").enterprise_count == 2000


def test_headers_in_any_case_with_spaces(db):
    """' Product ', 'PLACE' and 'Cluster Type' name the contract's columns."""
    result = run(
        " Product ,PLACE, State ,Cluster Type,Enterprise Count, Loom  Count\n"
        "Handloom sarees,Phulia,West Bengal,handloom,,3200\n"
    )

    assert result.ok, result.errors
    assert cluster("Handloom sarees", "Phulia").loom_count == 3200


def xlsx_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def test_xlsx_workbook(db):
    """An XLSX file is read from its first sheet, numbers as numbers, empty cells as blank."""
    data = xlsx_bytes(
        [
            ["Product", "Place", "State", "Cluster type", "Enterprise count", "Loom count", "Year"],
            ["Handloom sarees", "Phulia", "West Bengal", "handloom", None, 3200.0, "2016"],
            ["Galvanizing", "Howrah", "West Bengal", "industrial", 100, None, 2016],
        ]
    )

    result = ClusterImporter().run(data)

    assert result.ok, result.errors
    assert result.warnings == ["ignored unknown column: year"]
    phulia = cluster("Handloom sarees", "Phulia")
    assert (phulia.loom_count, phulia.enterprise_count) == (3200, None)
    assert phulia.classification_status == "qualifies"
    assert cluster("Galvanizing", "Howrah").enterprise_count == 100


def test_xlsx_errors_are_reported_by_row(db):
    """Errors in a workbook name the spreadsheet row, like a CSV's."""
    data = xlsx_bytes(
        [
            ["product", "place", "state", "cluster_type", "enterprise_count"],
            ["Hosiery", "Ludhiana", "Punjab", "industrial", -3],
        ]
    )

    result = ClusterImporter().run(data)

    assert [str(error) for error in result.errors] == [
        "row 2, enterprise_count: -3 is negative: a count is 0 or more."
    ]


def test_damaged_xlsx_is_refused(db):
    """A file that starts like a workbook but is not one is refused, not a crash."""
    result = ClusterImporter().run(b"PK\x03\x04 broken")

    assert len(result.errors) == 1
    assert str(result.errors[0]).startswith("row 1, file: the file is not a readable XLSX workbook")


def test_unknown_columns_are_warned_about_and_ignored(db):
    """Columns outside the format (such as the export's slug) are named in a warning."""
    result = run(
        "product,place,state,cluster_type,colour,slug,classification_status\n"
        "Hosiery,Ludhiana,Punjab,industrial,blue,my-slug,qualifies\n"
    )

    assert result.ok
    assert result.warnings == ["ignored unknown columns: colour, slug, classification_status"]
    ludhiana = cluster("Hosiery", "Ludhiana")
    assert ludhiana.slug == "hosiery-ludhiana"
    assert ludhiana.classification_status == "insufficient_data"


def test_formula_text_that_was_neutralised_is_restored(db):
    """A description exported as \"'=cmd\" (neutralised) is imported back as '=cmd'."""
    result = run(
        "product,place,state,cluster_type,description\n"
        "Hosiery,Ludhiana,Punjab,industrial,'=cmd|' /C calc'!A0\n"
    )

    assert result.ok
    assert cluster("Hosiery", "Ludhiana").description == "=cmd|' /C calc'!A0"


def test_the_format_has_the_contract_columns():
    """The importer knows exactly the contract's cluster columns (plus exporting)."""
    assert CLUSTER_COLUMNS[:24] == (
        "product",
        "place",
        "district",
        "state",
        "country",
        "cluster_type",
        "sector",
        "enterprise_count",
        "loom_count",
        "artisan_count",
        "employment",
        "annual_turnover",
        "annual_exports",
        "currency",
        "figures_year",
        "estimated",
        "source",
        "origin",
        "structure",
        "stage",
        "latitude",
        "longitude",
        "description",
        "exporting",
    )


# Big files: chunks, one transaction ---------------------------------------------------------


class SmallChunks(ClusterImporter):
    chunk_rows = 2


def test_a_file_read_in_chunks_gives_what_one_chunk_gives(db, row_counts):
    """Chunked import (several chunks, one transaction) reports and writes as one chunk does."""
    result = SmallChunks().run(CLUSTERS_CSV)

    assert result.summary() == "created 15, updated 0, unchanged 0"
    assert SmallChunks().run(CLUSTERS_CSV).summary() == "created 0, updated 0, unchanged 15"


def test_an_error_in_a_late_chunk_rolls_back_the_chunks_written_before(db, row_counts):
    """Rows written from the first chunks are rolled back when a later row is invalid."""
    before = row_counts()
    lines = CLUSTERS_CSV.read_text(encoding="utf-8-sig").rstrip("\n").split("\n")
    broken = "\n".join([*lines, lines[1]]) + "\n"  # the first cluster again, at the end

    result = SmallChunks().run(broken.encode())

    assert [str(e) for e in result.errors] == [
        f"row {len(lines) + 1}, product: duplicate of row 2: the same record appears twice "
        "in the file"
    ]
    assert result.summary() == "created 0, updated 0, unchanged 0"
    assert row_counts() == before


def test_reimporting_an_unchanged_file_asks_a_bounded_number_of_queries(
    india_clusters, django_assert_max_num_queries
):
    """An unchanged row costs no write and no query of its own: one per state and sector
    the file names (validation's region look-up, the sector's), and a few for the file."""
    with django_assert_max_num_queries(22):
        result = ClusterImporter().run(CLUSTERS_CSV)

    assert result.summary() == "created 0, updated 0, unchanged 15"
