"""Relationship dates on the public pages and in the downloads as they were typed (issue
16): "2018" reads as 2018, not 2018-01-01; "2018-03" as March 2018 (in Hindi with the month's
Hindi name); every download gives back what was imported."""

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from stakeholders.imports import RelationshipImporter
from tests import factories

TYPED = {"supplies": ("2018", ""), "trains": ("2018-03", "2019"), "finances": ("2018-03-05", "")}


@pytest.fixture(autouse=True)
def _empty_cache():
    """Pages and maps are cached across tests: start and end without them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def hosiery(db):
    """A published cluster with three relationships dated to a year, a month and a day,
    imported from a file."""
    cluster = factories.ClusterFactory(
        product="Hosiery", place="Ludhiana", region=factories.region("Punjab")
    )
    for name, kind in (("Yarn House", "supplier"), ("Knit Mill", "enterprise")):
        factories.MembershipFactory(
            cluster=cluster, stakeholder=factories.StakeholderFactory(name=name, kind=kind)
        )
    rows = "".join(
        f"Yarn House,supplier,Knit Mill,enterprise,{kind},Hosiery,Ludhiana,Punjab,{since},"
        f"{until},\n"
        for kind, (since, until) in TYPED.items()
    )
    header = (
        "source_name,source_kind,target_name,target_kind,relationship,"
        "cluster_product,cluster_place,cluster_state,since,until,source\n"
    )
    result = RelationshipImporter().run((header + rows).encode())
    assert result.summary() == "created 3, updated 0, unchanged 0", result.errors
    return cluster


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def page(response):
    assert response.status_code == 200
    return body(response).decode()


def test_the_relationship_list_shows_each_date_as_typed(client, hosiery):
    html = page(client.get("/relationships/", {"cluster": hosiery.slug}))

    assert "2018–" in html and "March 2018–2019" in html and "5 March 2018–" in html
    assert "2018-01-01" not in html and "1 January 2018" not in html


def test_the_cluster_profile_shows_each_date_as_typed(client, hosiery):
    html = page(client.get(hosiery.get_absolute_url()))

    assert "2018–now" in html and "March 2018–2019" in html and "5 March 2018–now" in html
    assert "2018-01-01" not in html


def test_a_hindi_reader_sees_the_month_in_hindi(client, hosiery):
    html = page(client.get("/relationships/", {"cluster": hosiery.slug}, HTTP_ACCEPT_LANGUAGE="hi"))

    assert '<html lang="hi"' in html
    assert "मार्च 2018–2019" in html and "5 मार्च 2018–" in html
    assert "March" not in html


def test_the_maps_table_shows_each_date_as_typed(client, hosiery):
    html = page(client.get(reverse("clusters:cluster_map", kwargs={"slug": hosiery.slug})))

    assert "<td>2018</td><td>—</td>" in html
    assert "<td>March 2018</td><td>2019</td>" in html
    assert "<td>5 March 2018</td><td>—</td>" in html


def test_every_download_gives_back_the_dates_as_imported(client, hosiery):
    """CSV, JSON and XLSX hold 2018, 2018-03 and 2018-03-05; the CSV re-imports unchanged."""
    content = body(client.get("/relationships/export.csv"))
    rows = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    assert {row["relationship"]: (row["since"], row["until"]) for row in rows} == TYPED
    data = json.loads(body(client.get("/relationships/export.json")))
    assert {item["relationship"]: (item["since"], item["until"]) for item in data} == TYPED
    sheet = load_workbook(io.BytesIO(body(client.get("/relationships/export.xlsx")))).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    columns = [header.index(name) for name in ("relationship", "since", "until")]
    typed = {
        row[columns[0]]: (row[columns[1]], row[columns[2]] or "")
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert typed == TYPED
    assert RelationshipImporter().run(content).summary() == "created 0, updated 0, unchanged 3"


def test_the_network_files_give_the_dates_as_typed(client, hosiery):
    """The GraphML and JSON network downloads carry 2018, 2018-03, 2018-03-05."""
    graphml = body(client.get(reverse("clusters:cluster_graphml", kwargs={"slug": hosiery.slug})))
    assert b'<data key="e_since">2018</data>' in graphml
    assert b'<data key="e_since">2018-03</data>' in graphml
    assert b'<data key="e_until">2019</data>' in graphml
    graph = json.loads(
        body(client.get(reverse("clusters:cluster_graph_json", kwargs={"slug": hosiery.slug})))
    )
    assert sorted(link["since"] for link in graph["links"]) == ["2018", "2018-03", "2018-03-05"]
