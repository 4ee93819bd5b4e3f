"""The statistics page, its charts and their CSV downloads."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters.services import Provenance
from public import charts
from tests.factories import ClusterFactory, region

STATS_URL = reverse("clusters:stats")


def stats_csv(client, chart):
    """Return the rows of a chart's CSV download."""
    response = client.get(reverse("clusters:stats_csv", args=[chart]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def clusters(db):
    """Published clusters in three states, one potential, and a draft that must not count."""
    ClusterFactory(
        product="Hosiery",
        place="Ludhiana",
        region=region("Punjab"),
        figures={"enterprise_count": 12000, "employment": 500000},
    )
    ClusterFactory(
        product="Forgings",
        place="Pune",
        region=region("Maharashtra"),
        figures={"enterprise_count": 70, "employment": 5000},
        provenance=Provenance(year="2015-16"),
    )
    ClusterFactory(
        product="Ferrous castings",
        place="Kolhapur",
        region=region("Maharashtra"),
        figures={"enterprise_count": 300},
    )
    ClusterFactory(
        product="Handloom sarees",
        place="Phulia",
        cluster_type="handloom",
        figures={"loom_count": 3200, "employment": 800},
    )
    ClusterFactory(product="Coir", place="Alappuzha", cluster_type="handicraft", region=None)
    ClusterFactory(
        product="Secret",
        place="Hidden",
        status="draft",
        region=region("Maharashtra"),
        figures={"enterprise_count": 10, "employment": 999_999},
    )


def test_stats_page_shows_headline_totals_of_published_clusters(client, clusters):
    """Totals add published clusters only, with Indian digit grouping."""
    response = client.get(STATS_URL)
    assert response.status_code == 200
    totals = response.context["totals"]
    assert totals.clusters == 5
    assert totals.enterprises == 12370
    assert totals.employment == 505800
    assert totals.potential == 1
    html = response.content.decode()
    assert "12,370" in html
    assert "5,05,800" in html
    assert "Secret" not in html


def test_each_chart_is_an_inline_svg_with_a_table_alternative_and_a_csv(client, clusters):
    """Every chart is inline SVG labelled for screen readers, with a captioned table and a CSV link."""
    html = client.get(STATS_URL).content.decode()
    for slug in ("type-status", "top-states", "potential-by-state"):
        assert f'<svg class="chart" id="chart-{slug}"' in html
        assert f'aria-labelledby="chart-{slug}-title chart-{slug}-desc"' in html
        assert f'<caption id="{slug}-caption">' in html
        assert reverse("clusters:stats_csv", args=[slug]) in html
    assert '<th scope="col"' in html
    assert '<th scope="row"' in html
    assert "<script" not in html.split("<main", 1)[1]


def test_type_by_status_numbers(client, clusters):
    """The type × classification table counts published clusters by type and status."""
    rows = stats_csv(client, "type-status")
    assert rows[0] == [
        "Type",
        "Qualifies",
        "Potential cluster",
        "Insufficient data",
        "No benchmark",
        "Total",
    ]
    by_type = {row[0]: row[1:] for row in rows[1:]}
    assert by_type["Industrial"] == ["2", "1", "0", "0", "3"]
    assert by_type["Handloom"] == ["1", "0", "0", "0", "1"]
    assert by_type["Handicraft"] == ["0", "0", "1", "0", "1"]
    assert by_type["Service"] == ["0", "0", "0", "0", "0"]


def test_top_states_and_potential_by_state(client, clusters):
    """States are ranked by published clusters; a missing state is named as such, drafts ignored."""
    states = stats_csv(client, "top-states")
    assert states[0] == ["State", "Clusters"]
    assert states[1] == ["Maharashtra", "2"]
    assert ["State not recorded", "1"] in states
    potential = stats_csv(client, "potential-by-state")
    assert potential[1:] == [["Maharashtra", "1"]]


def test_table_cells_link_to_the_filtered_list(client, clusters):
    """A number in the type × status table links to the clusters it counts."""
    html = client.get(STATS_URL).content.decode()
    assert "/clusters/?cluster_type=industrial&amp;classification_status=potential" in html
    assert "/clusters/?state=maharashtra" in html


def test_unknown_chart_csv_is_not_found(client, db):
    """Only the page's charts have a CSV."""
    assert client.get("/stats/no-such-chart.csv").status_code == 404


def test_stats_with_no_published_cluster(client, db):
    """An empty registry shows zeros and empty charts, not an error."""
    ClusterFactory(status="draft")
    response = client.get(STATS_URL)
    assert response.status_code == 200
    assert response.context["totals"].clusters == 0
    assert "No data" in response.content.decode()


def test_chart_labels_are_escaped():
    """A label with markup is drawn as text."""
    svg = charts.bar_chart(
        chart_id="c",
        title="<b>t</b>",
        description="d",
        bars=[charts.Bar(label="<script>x</script>", value=3)],
    )
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "&lt;b&gt;t&lt;/b&gt;" in svg


def test_bar_widths_scale_to_the_largest_value():
    """The largest bar fills the plot width; the others are in proportion."""
    svg = charts.bar_chart(
        chart_id="c",
        title="t",
        description="d",
        bars=[charts.Bar(label="a", value=10), charts.Bar(label="b", value=5)],
    )
    full = charts.WIDTH - charts.LABEL_WIDTH - charts.VALUE_WIDTH
    assert f'width="{float(full)}"' in svg or f'width="{full}"' in svg
    assert f'width="{full / 2}"' in svg


@pytest.mark.parametrize("url", [STATS_URL, "/stats/top-states.csv", "/stats/type-status.csv"])
def test_stats_query_count_does_not_grow_with_clusters(client, db, django_assert_num_queries, url):
    """The statistics page and its CSVs run as many queries for 50 clusters as for 1."""
    states = ["Punjab", "Gujarat", "Kerala", "Odisha", "Maharashtra", "West Bengal"]

    def make(start, count):
        for number in range(start, start + count):
            ClusterFactory(
                product=f"Product {number}",
                place=f"Place {number}",
                region=region(states[number % len(states)]),
                figures={"enterprise_count": 40 + number * 3},
            )

    make(0, 1)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    make(1, 49)
    with django_assert_num_queries(len(queries)):
        response = client.get(url)
    assert response.status_code == 200
