"""The statistics page's weight in the economy and figures over time, with their CSVs."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters.services import Provenance, cluster_record_figures
from common.page_cache import bump_public_version
from tests.factories import ClusterFactory, foreign_region, region

STATS_URL = reverse("clusters:stats")


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


def stats_csv(client, chart):
    response = client.get(reverse("clusters:stats_csv", args=[chart]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def economy(db):
    """Clusters with employment, turnover in rupees and in euros, one without figures, a
    history over two years, and a draft that must not count."""
    ludhiana = ClusterFactory(
        product="Hosiery",
        place="Ludhiana",
        region=region("Punjab"),
        figures={"employment": 500_000, "annual_turnover": 13_500_000_000},
        provenance=Provenance(year="2015-16"),
    )
    cluster_record_figures(
        cluster=ludhiana,
        values={"employment": 550_000},
        provenance=Provenance(year="2019-20", source="Survey"),
    )
    ClusterFactory(
        product="Forgings",
        place="Pune",
        region=region("Maharashtra"),
        figures={"employment": 5000},
        provenance=Provenance(year="2019-20"),
    )
    ClusterFactory(product="Castings", place="Kolhapur", region=region("Maharashtra"))
    ClusterFactory(product="Brassware", place="Moradabad", region=region("Uttar Pradesh"))
    ClusterFactory(
        product="Tiles",
        place="Sassuolo",
        region=foreign_region(),
        country="IT",
        figures={"annual_turnover": 3_000_000_000},
        provenance=Provenance(year="2016", currency="EUR"),
    )
    ClusterFactory(
        product="Secret",
        place="Hidden",
        status="draft",
        region=region("Punjab"),
        figures={"employment": 999_999},
    )


def test_economy_section_shows_totals_with_how_many_clusters_have_them(client, economy):
    """Employment by state is the default: totals in Indian grouping, "known for n of m"."""
    response = client.get(STATS_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="economy-heading">Weight in the economy</h2>' in html
    assert '<svg class="chart" id="chart-economy-state-employment"' in html
    assert '<caption id="economy-state-employment-caption">' in html
    assert "5,50,000" in html
    assert "figure known for 1 of 1 clusters" in html
    assert "figure known for 1 of 2 clusters" in html
    assert "9,99,999" not in html


def test_a_state_with_no_figure_shows_not_known_not_zero(client, economy):
    """Uttar Pradesh has a cluster without employment: "not known", and 0 of 1 known."""
    rows = stats_csv(client, "economy-state-employment")
    assert rows[0] == ["State", "Total", "Clusters with the figure", "Clusters"]
    by_state = {row[0]: row[1:] for row in rows[1:]}
    assert by_state["Punjab"] == ["550000", "1", "1"]
    assert by_state["Maharashtra"] == ["5000", "1", "2"]
    assert by_state["Uttar Pradesh"] == ["", "0", "1"]
    html = client.get(STATS_URL).content.decode()
    assert '<span class="unknown">not known</span>' in html


def test_measure_switch_shows_turnover_in_crore_and_counts_other_currencies(client, economy):
    """?measure=turnover draws turnover in ₹ crore and says the euro cluster is left out."""
    html = client.get(STATS_URL, {"measure": "turnover"}).content.decode()
    assert '<svg class="chart" id="chart-economy-state-turnover"' in html
    assert "chart-economy-state-employment" not in html
    assert "₹1,350 crore" in html
    assert 'aria-current="true" class="measure-switch__current">Annual turnover' in html
    assert "1 clusters are left out of the totals" in html
    rows = stats_csv(client, "economy-state-turnover")
    assert rows[0][-1] == "Left out: amount in another currency"
    by_state = {row[0]: row[1:] for row in rows[1:]}
    assert by_state["Punjab"] == ["13500000000", "1", "1", "0"]
    assert by_state["Lombardy"][0] == ""
    assert by_state["Lombardy"][-1] == "1"


def test_unknown_measure_falls_back_to_employment(client, economy):
    """A measure the page does not know shows employment, not an error."""
    html = client.get(STATS_URL, {"measure": "profit"}).content.decode()
    assert "chart-economy-state-employment" in html


def test_by_sector_and_by_type_charts_and_csvs(client, economy):
    """Each dimension has its chart, table and CSV for the measure."""
    html = client.get(STATS_URL, {"measure": "exports"}).content.decode()
    for dimension in ("state", "sector", "type"):
        slug = f"economy-{dimension}-exports"
        assert f'id="chart-{slug}"' in html
        assert reverse("clusters:stats_csv", args=[slug]) in html
    assert "Not known for any published cluster" in html
    types = stats_csv(client, "economy-type-employment")
    assert [row[0] for row in types[1:]] == ["Industrial", "Handicraft", "Handloom", "Service"]
    assert types[1][1:] == ["555000", "2", "5"]
    assert types[4][1:] == ["", "0", "0"]
    sectors = stats_csv(client, "economy-sector-employment")
    assert sectors[1][0] == "Sector not recorded"


def test_figures_over_time_small_multiples_with_counts(client, economy):
    """Each measure has a small chart of its totals by year with the clusters reporting."""
    html = client.get(STATS_URL).content.decode()
    for slug in ("employment", "turnover", "exports"):
        assert f'<svg class="chart chart--small" id="chart-economy-years-{slug}"' in html
    assert "n=2" in html
    rows = stats_csv(client, "economy-years-employment")
    assert rows[0] == ["Year", "Total", "Clusters reporting"]
    assert rows[1:] == [["2015-16", "500000", "1"], ["2019-20", "555000", "2"]]
    turnover = stats_csv(client, "economy-years-turnover")
    assert ["2016", "", "0", "1"] in turnover
    assert "1,350" in html  # ₹ crore in the small chart of turnover


def test_headings_are_in_order(client, economy):
    """The economy charts are h3 under their h2 sections."""
    html = client.get(STATS_URL).content.decode()
    economy_part = html.split('id="economy-heading"', 1)[1]
    assert '<h3 id="economy-state-employment-heading">' in economy_part
    assert '<h3 id="economy-years-employment-heading">' in economy_part


def _make(start, count):
    states = ["Punjab", "Gujarat", "Kerala", "Odisha", "Maharashtra", "West Bengal"]
    for number in range(start, start + count):
        cluster = ClusterFactory(
            product=f"Product {number}",
            place=f"Place {number}",
            region=region(states[number % len(states)]),
            figures={
                "employment": 1000 + number,
                "annual_turnover": 10_000_000 * (number + 1),
                "annual_exports": 1_000_000 * (number + 1),
            },
            provenance=Provenance(year=f"{2010 + number % 8}-{(11 + number % 8) % 100:02d}"),
        )
        cluster_record_figures(
            cluster=cluster,
            values={"employment": 1200 + number},
            provenance=Provenance(year="2022-23", source="Later survey"),
        )


@pytest.mark.parametrize(
    "url",
    [
        STATS_URL,
        STATS_URL + "?measure=turnover",
        "/stats/economy-state-employment.csv",
        "/stats/economy-sector-exports.csv",
        "/stats/economy-years-turnover.csv",
    ],
)
def test_economy_query_count_does_not_grow_with_clusters(
    client, db, django_assert_num_queries, settings, url
):
    """The page and the economy CSVs run as many queries for 50 clusters as for 1.

    The economy's numbers are kept until the registry changes (kept_until_public_change);
    with a cache that keeps nothing they are computed on every request, as after a change.
    """
    settings.CACHES = {
        **settings.CACHES,
        "nothing-kept": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    settings.PUBLIC_PAGE_CACHE_ALIAS = "nothing-kept"
    _make(0, 1)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    _make(1, 49)
    with django_assert_num_queries(len(queries)):
        response = client.get(url)
    assert response.status_code == 200
    industrial = stats_csv(client, "economy-type-employment")[1]
    assert industrial[0] == "Industrial" and industrial[-1] == "50"


def test_stats_page_query_count_is_bounded(client, db, django_assert_max_num_queries):
    """The whole statistics page, economy included, stays within a small fixed budget."""
    _make(0, 20)
    with django_assert_max_num_queries(12):
        response = client.get(STATS_URL)
    assert response.status_code == 200
