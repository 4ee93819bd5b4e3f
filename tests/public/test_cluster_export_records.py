"""The cluster export reads each cluster's newest figure and kept network summary in its
own query (no lookups per chunk), and computes a summary that is not kept."""

import csv
import io
import json

from clusters.exports import cluster_export_rows, export_columns
from clusters.models import ClusterFigure
from clusters.newest_figures import newest_figures_refresh
from clusters.selectors import cluster_export_list
from clusters.services import year_sort_key
from stakeholders.models import NetworkSummary
from stakeholders.network.summary import network_summaries_refresh
from tests.factories import (
    ClusterFactory,
    MembershipFactory,
    RelationshipFactory,
    StakeholderFactory,
)


def figure(cluster, year, source, estimated):
    # Recorded as they are (the read is tested, not cluster_record_figures' rules), the
    # cluster's newest figure kept as the bulk paths keep it.
    ClusterFigure.objects.create(
        cluster=cluster,
        measure="employment",
        value=10,
        year=year,
        source=source,
        estimated=estimated,
    )
    newest_figures_refresh(cluster_ids=[cluster.pk])


def csv_text(client):
    return b"".join(client.get("/clusters/export.csv").streaming_content).decode("utf-8-sig")


def clusters_with_networks(count):
    clusters = []
    for number in range(count):
        cluster = ClusterFactory()
        ends = [StakeholderFactory() for _ in range(number % 3 + 2)]
        for stakeholder in ends:
            MembershipFactory(stakeholder=stakeholder, cluster=cluster)
        RelationshipFactory(cluster=cluster, source=ends[0], target=ends[1])
        clusters.append(cluster)
    return clusters


def test_the_newest_figure_is_of_the_latest_year_the_last_recorded_among_equals(db):
    """'2016' beats '2015-16' and a blank year; of two 2016 figures the later one wins."""
    cluster = ClusterFactory()
    for year, source, estimated in [
        ("2016", "First 2016", False),
        ("2015-16", "Fiscal", False),
        ("", "Undated", False),
        ("2016", "Last 2016", True),
        ("2010-11", "Older", False),
    ]:
        figure(cluster, year, source, estimated)
    undated = ClusterFactory()
    figure(undated, "", "Only undated", False)
    bare = ClusterFactory()
    rows = {row["slug"]: row for row in cluster_export_rows(cluster_export_list())}
    newest = max(
        ClusterFigure.objects.filter(cluster=cluster), key=lambda f: (year_sort_key(f.year), f.pk)
    )
    assert newest.source == "Last 2016"
    assert (rows[cluster.slug]["figures_year"], rows[cluster.slug]["source"]) == (
        "2016",
        "Last 2016",
    )
    assert rows[cluster.slug]["estimated"] == "yes"
    assert (rows[undated.slug]["figures_year"], rows[undated.slug]["source"]) == (
        "",
        "Only undated",
    )
    assert rows[undated.slug]["estimated"] == "no"
    assert [rows[bare.slug][name] for name in ("figures_year", "estimated", "source")] == [
        "",
        "",
        "",
    ]


def test_kept_summaries_are_read_in_the_exports_own_query(
    client, db, django_assert_max_num_queries
):
    """With every summary kept, the download is one query whatever the number of clusters."""
    clusters = clusters_with_networks(6)
    network_summaries_refresh([cluster.pk for cluster in clusters])
    with django_assert_max_num_queries(2):
        text = csv_text(client)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(export_columns())
    assert {int(row["network_actors"]) for row in rows} == {2, 3, 4}


def test_a_summary_not_kept_is_computed_and_equal(client, db, django_assert_max_num_queries):
    """Clusters without a kept row get the same figures, computed in one more statement."""
    clusters = clusters_with_networks(6)
    network_summaries_refresh([cluster.pk for cluster in clusters])
    kept = csv_text(client)
    NetworkSummary.objects.filter(cluster__in=clusters[::2]).delete()
    with django_assert_max_num_queries(3):
        computed = csv_text(client)
    assert computed == kept
    NetworkSummary.objects.all().delete()
    assert csv_text(client) == kept


def test_json_and_xlsx_carry_the_same_cells(client, db):
    """The JSON download has the CSV's values (as text there) for every column."""
    clusters_with_networks(3)
    rows = list(csv.DictReader(io.StringIO(csv_text(client))))
    records = client.get("/clusters/export.json")
    data = json.loads(b"".join(records.streaming_content))
    assert [list(record) for record in data] == [list(export_columns())] * len(rows)
    for row, record in zip(rows, data, strict=True):
        assert {k: "" if v is None else str(v) for k, v in record.items()} == row
