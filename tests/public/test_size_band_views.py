"""Scheme size bands on the public pages: the list filter and chips, the export, the API
and the profile's tags."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.page_cache import bump_public_version
from tests.factories import ClusterFactory

LIST_URL = reverse("clusters:cluster_list")
CSV_URL = reverse("clusters:cluster_export_csv")


@pytest.fixture(autouse=True)
def fresh_public_version(db, django_capture_on_commit_callbacks):
    """Start and end each test with a new public version: in a test's transaction nothing
    commits, so what a page keeps until the registry changes (filter options, the economy's
    numbers) would otherwise outlive the test's data and reach the next test."""
    with django_capture_on_commit_callbacks(execute=True):
        bump_public_version()
    yield
    with django_capture_on_commit_callbacks(execute=True):
        bump_public_version()


@pytest.fixture
def banded(db):
    """A regular and a major SFURTI cluster, a mega handloom cluster, one between bands."""
    return {
        "regular": ClusterFactory(
            product="Chikankari",
            place="Lucknow",
            cluster_type="handicraft",
            figures={"artisan_count": 400},
        ),
        "major": ClusterFactory(
            product="Brassware",
            place="Moradabad",
            cluster_type="handicraft",
            figures={"artisan_count": 9000},
        ),
        "mega": ClusterFactory(
            product="Silk sarees",
            place="Varanasi",
            cluster_type="handloom",
            figures={"loom_count": 40000},
        ),
        "gap": ClusterFactory(
            product="Cotton sarees",
            place="Phulia",
            cluster_type="handloom",
            figures={"loom_count": 600},
        ),
        "industrial": ClusterFactory(
            product="Forgings", place="Pune", figures={"enterprise_count": 150}
        ),
    }


def test_list_filters_by_size_band_with_a_removable_chip(client, banded):
    """Ticking a band lists its clusters and shows a chip that removes it."""
    response = client.get(LIST_URL, {"size_band": ["sfurti_major", "handloom_mega"]})
    assert response.status_code == 200
    products = {cluster.product for cluster in response.context["results"]}
    assert products == {"Brassware", "Silk sarees"}
    chips = {(chip.label, chip.value): chip.remove_url for chip in response.context["chips"]}
    assert ("Scheme size band", "SFURTI major cluster") in chips
    remove = chips[("Scheme size band", "Mega handloom cluster (CHCDS, 25,000 looms or more)")]
    assert remove == "?size_band=sfurti_major"
    html = response.content.decode()
    assert '<input type="checkbox" name="size_band" value="sfurti_major" checked>' in html
    assert '<input type="checkbox" name="size_band" value="sfurti_regular">' in html
    assert "<legend>Scheme size band</legend>" in html


def test_unknown_band_is_reported_not_ignored(client, banded):
    """An unknown band is a filter error with no results, never the whole list."""
    response = client.get(LIST_URL, {"size_band": "giant"})
    assert response.context["filter_errors"]
    assert not response.context.get("results")


def test_export_keeps_the_size_band_filter(client, banded):
    """The CSV export of a list filtered by band holds that band's clusters only."""
    response = client.get(CSV_URL, {"size_band": "sfurti_regular"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [row["product"] for row in rows] == ["Chikankari"]


def test_api_list_filters_by_size_band(client, banded):
    """The API's cluster list takes the same size_band filter."""
    response = client.get(
        "/api/clusters/", {"size_band": "handloom_mega"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [row["product"] for row in rows] == ["Silk sarees"]
    bad = client.get("/api/clusters/", {"size_band": "giant"}, HTTP_ACCEPT="application/json")
    assert bad.status_code == 400


def test_profile_shows_the_band_with_its_rule_and_source(client, banded):
    """A profile tags the cluster's band, with the rule sentence and its source."""
    html = client.get(banded["major"].get_absolute_url()).content.decode()
    assert '<span class="band-tag">SFURTI major cluster</span>' in html
    assert "9,000 artisans, 501 artisans or more: SFURTI major cluster." in html
    assert "Ministry of MSME, revised guidelines 2020" in html


def test_profile_between_bands_says_so(client, banded):
    """600 looms is in no handloom band, and the profile says so; artisans not known."""
    html = client.get(banded["gap"].get_absolute_url()).content.decode()
    html = html.replace('<span translate="no">SFURTI</span>', "SFURTI")  # a name, as data
    assert "600 looms: in no handloom scheme band" in html
    assert "Artisans not known: no SFURTI band." in html
    assert "No SFURTI band" in html


def test_profile_of_an_industrial_cluster_has_no_scheme_band_and_why(client, banded):
    """Industrial clusters are sized by no scheme, and the profile says why."""
    html = client.get(banded["industrial"].get_absolute_url()).content.decode()
    assert '<span class="band-tag">No scheme band</span>' in html
    assert "size artisan clusters (handicraft and handloom) only" in html


def test_size_band_list_query_count_does_not_grow(client, db, django_assert_num_queries):
    """The list filtered by band runs as many queries for 50 matching clusters as for 1."""

    def make(start, count):
        for number in range(start, start + count):
            ClusterFactory(
                product=f"Craft {number}",
                place=f"Village {number}",
                cluster_type="handicraft",
                figures={"artisan_count": 100 + number},
            )

    make(0, 1)
    query = {"size_band": "sfurti_regular"}
    client.get(LIST_URL, query)
    with CaptureQueriesContext(connection) as queries:
        client.get(LIST_URL, query)
    make(1, 49)
    with django_assert_num_queries(len(queries)):
        response = client.get(LIST_URL, query)
    assert len(response.context["results"]) == 50
