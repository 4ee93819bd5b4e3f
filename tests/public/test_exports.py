"""Downloads beside every list: stakeholders and relationships (and clusters as JSON) in
CSV, XLSX and JSON, of exactly the filtered public list, importable back unchanged."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from stakeholders.imports import RelationshipImporter, StakeholderImporter
from tests import factories


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(content):
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def published(db):
    cluster = factories.ClusterFactory(
        product="Hosiery", place="Ludhiana", region=factories.region("Punjab")
    )
    relationship = factories.RelationshipFactory(
        cluster=cluster,
        source=factories.StakeholderFactory(name='=HYPERLINK("x")', kind="supplier"),
        target=factories.StakeholderFactory(name="Knit House"),
    )
    return relationship


@pytest.fixture
def draft(db):
    cluster = factories.ClusterFactory(status="draft", product="Secret", place="Nowhere")
    return factories.RelationshipFactory(
        cluster=cluster, source=factories.StakeholderFactory(name="Hidden Supplier")
    )


def test_stakeholder_csv_round_trips_and_hides_drafts(client, published, draft):
    """The CSV lists members of published clusters only and re-imports as all unchanged."""
    content = body(client.get("/stakeholders/export.csv"))
    rows = csv_rows(content)
    names = {row["name"] for row in rows}
    assert names == {'\'=HYPERLINK("x")', "Knit House"}
    result = StakeholderImporter().run(content)
    assert result.summary() == "created 0, updated 0, unchanged 2", result.errors


def test_stakeholder_export_follows_the_filters(client, published):
    """kind=supplier keeps only the supplier; an invalid kind is a 400 naming the filter."""
    assert [
        r["name"] for r in csv_rows(body(client.get("/stakeholders/export.csv?kind=supplier")))
    ] == ['\'=HYPERLINK("x")']
    bad = client.get("/stakeholders/export.csv?kind=wizard")
    assert bad.status_code == 400 and b"kind" in bad.content


def test_relationship_exports_in_three_formats(client, published, draft):
    """CSV re-imports unchanged; JSON and XLSX hold the same single public relationship."""
    content = body(client.get("/relationships/export.csv"))
    rows = csv_rows(content)
    assert [(r["source_name"], r["relationship"], r["target_name"]) for r in rows] == [
        ('\'=HYPERLINK("x")', "supplies", "Knit House")
    ]
    assert RelationshipImporter().run(content).summary() == "created 0, updated 0, unchanged 1"
    data = json.loads(body(client.get("/relationships/export.json")))
    assert [item["target_name"] for item in data] == ["Knit House"]
    sheet = load_workbook(io.BytesIO(body(client.get("/relationships/export.xlsx")))).worksheets[0]
    assert sheet.max_row == 2 and sheet["A2"].value.startswith("'=")


def test_cluster_json_export(client, published, draft):
    """The cluster list also downloads as JSON, published clusters only."""
    data = json.loads(body(client.get("/clusters/export.json")))
    assert [item["product"] for item in data] == ["Hosiery"]


def test_relationship_list_page(client, published, draft):
    """The public relationship list shows published links with download links."""
    page = client.get("/relationships/?kind=supplies").content.decode()
    assert "Knit House" in page and "Hidden Supplier" not in page
    assert "/relationships/export.csv?kind=supplies" in page


@pytest.mark.parametrize(
    "url", ["/relationships/", "/relationships/export.csv", "/stakeholders/export.csv"]
)
def test_query_count_is_the_same_for_1_and_50_rows(client, db, url):
    """Lists and exports join what they show."""
    cluster = factories.ClusterFactory()

    def count():
        with CaptureQueriesContext(connection) as captured:
            body(client.get(url))
        return len(captured)

    factories.RelationshipFactory(cluster=cluster)
    one = count()
    for _ in range(49):
        factories.RelationshipFactory(cluster=cluster)
    assert count() == one
