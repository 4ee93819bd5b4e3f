"""Property-based tests: whatever a spreadsheet cell holds, the importer answers with row
errors or a result (never a crash), and an export never holds a cell a spreadsheet runs."""

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusters.exports import cluster_export_rows, export_columns
from clusters.imports import CLUSTER_COLUMNS, ClusterImporter
from clusters.models import Cluster
from clusters.selectors import cluster_export_list
from common.tabular import FORMULA_PREFIXES, iter_csv, write_csv
from stakeholders.imports import STAKEHOLDER_COLUMNS, StakeholderImporter

cells = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=40,
)
rows = st.lists(st.fixed_dictionaries(dict.fromkeys(CLUSTER_COLUMNS, cells)), max_size=4)
PROPERTY_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _csv_bytes(columns, records):
    stream = io.StringIO()
    write_csv(records, columns, stream)
    return stream.getvalue().encode()


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(records=rows)
def test_arbitrary_cluster_cells_never_crash_the_importer(records):
    """Any cell contents give either a clean import or row errors naming row and column."""
    result = ClusterImporter().run(_csv_bytes(CLUSTER_COLUMNS, records), dry_run=True)
    for error in result.errors:
        assert error.row >= 2 and error.column in CLUSTER_COLUMNS
        assert str(error).startswith(f"row {error.row}, {error.column}: ")
    if not result.errors:
        assert result.created + result.updated + result.unchanged == len(
            [r for r in records if any(v.strip() for v in r.values())]
        )


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(
    records=st.lists(st.fixed_dictionaries(dict.fromkeys(STAKEHOLDER_COLUMNS, cells)), max_size=4)
)
def test_arbitrary_stakeholder_cells_never_crash_the_importer(records):
    """The stakeholder importer too answers arbitrary cells with row errors, not a crash."""
    result = StakeholderImporter().run(_csv_bytes(STAKEHOLDER_COLUMNS, records), dry_run=True)
    for error in result.errors:
        assert error.column in (*STAKEHOLDER_COLUMNS, "file")


def _executable(cell):
    return cell.startswith(FORMULA_PREFIXES)


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(product=cells.filter(lambda s: s.strip()), description=cells)
def test_exports_never_hold_an_executable_cell(product, description):
    """Text starting with = + - @ tab or CR is exported with a leading quote."""
    Cluster.objects.all().delete()
    data = {
        "product": product,
        "place": "Meerut",
        "state": "Uttar Pradesh",
        "cluster_type": "industrial",
        "description": description,
    }
    result = ClusterImporter().run(_csv_bytes(list(data), [data]))
    if result.errors:
        return
    lines = "".join(iter_csv(cluster_export_rows(cluster_export_list()), export_columns()))
    for row in csv.reader(io.StringIO(lines)):
        for cell in row:
            assert not _executable(cell), cell
