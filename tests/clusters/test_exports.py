"""The cluster CSV rendered by PostgreSQL (cluster_export_csv) is byte for byte the one the
Python writer makes of cluster_export_records, on any text, number or blank."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models.expressions import RawSQL

from clusters.exports import (
    cluster_export_csv,
    cluster_export_records,
    export_columns,
)
from clusters.models import Cluster, ClusterFigure
from clusters.newest_figures import newest_figures_refresh
from clusters.selectors import cluster_export_list
from common.tabular import csv_cells, iter_csv_records
from stakeholders.models import NetworkSummary
from stakeholders.network.summary import network_summaries_refresh, summary_csv_sql
from tests.common.test_csv_sql import TRICKY
from tests.factories import (
    ClusterFactory,
    MembershipFactory,
    RelationshipFactory,
    StakeholderFactory,
)

KEPT_COLUMNS = ("actors", "links", "pairs", "isolated", "unlinked_enterprises", "absent_kinds")

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the database renders the lines on PostgreSQL"
)


def python_text(queryset):
    text = "".join(iter_csv_records(cluster_export_records(queryset), export_columns()))
    return text.split("\r\n", 1)[1]  # without the header


def database_text(queryset):
    return "".join(cluster_export_csv(queryset))


def exported():
    return cluster_export_list().order_by("product", "place", "pk")


def tricky_clusters():
    """One cluster per tricky text, in every text column, with numbers, blanks, booleans
    and figures that vary from one to the next."""
    clusters = []
    for number, text in enumerate(TRICKY):
        cluster = ClusterFactory(product=f"Product {number:02d}", place=f"Place {number:02d}")
        Cluster.objects.filter(pk=cluster.pk).update(
            product=f"{text} {number:02d}" if number % 2 else cluster.product,
            place=text or "x",
            district=text[:100],
            description=text,
            classification_reason=text[:300],
            enterprise_count=None if number % 3 == 0 else number * 1000,
            employment=number,
            annual_turnover=None if number % 4 else 13_500_000_000 + number,
            annual_exports=None if number % 5 else number,
            latitude=None if number % 6 == 0 else Decimal(f"-{number}.5") * (-1) ** number,
            longitude=Decimal("0.000001") * number,
            exporting=(None, True, False)[number % 3],
        )
        if number % 7:
            ClusterFigure.objects.create(
                cluster=cluster,
                measure="employment",
                value=number,
                year=("2016", "2015-16", "", text[:7])[number % 4],
                source=text,
                estimated=bool(number % 2),
            )
        clusters.append(cluster)
    newest_figures_refresh(cluster_ids=[cluster.pk for cluster in clusters])
    return clusters


def test_database_lines_equal_the_python_writer_on_tricky_values(db):
    """Formulas, quotes, commas, line breaks, Unicode, negative and tiny decimals, blanks
    (no figure, no amount, unknown booleans) come out as csv.writer writes them."""
    tricky_clusters()
    rendered = database_text(exported())
    assert rendered == python_text(exported())
    for written in ('"comma, inside', "'=HYPERLINK", "'-1", ",-2.500000,", ",0.000001,", ",yes,"):
        assert written in rendered


def test_network_columns_kept_or_computed_equal_the_python_writer(db):
    """A cluster with a kept network summary and one without (computed for the export)
    get the same network columns from both writers."""
    clusters = []
    for number in range(4):
        cluster = ClusterFactory()
        ends = [StakeholderFactory() for _ in range(number + 2)]
        for stakeholder in ends:
            MembershipFactory(stakeholder=stakeholder, cluster=cluster)
        RelationshipFactory(cluster=cluster, source=ends[0], target=ends[1])
        clusters.append(cluster)
    network_summaries_refresh([cluster.pk for cluster in clusters])
    NetworkSummary.objects.filter(cluster__in=clusters[::2]).delete()
    rendered = database_text(exported())
    assert rendered == python_text(exported())
    assert "0.333333" in rendered  # 3 actors, one link: the density as Python rounds it


def test_filters_are_honoured(db):
    """The rendered CSV is of the queryset given (the list's filters), in its order."""
    clusters = tricky_clusters()
    queryset = exported().filter(pk__in=[cluster.pk for cluster in clusters[::3]])
    assert database_text(queryset) == python_text(queryset)
    assert database_text(queryset).count("Place") <= len(clusters[::3])


def test_csv_cells_write_what_csv_writer_writes():
    """csv_cells: None blank, numbers as str (a float as its repr), text neutralised and
    quoted as csv.writer quotes it."""
    values = [None, 3, 0.1, 1e-05, Decimal("-1.50"), *TRICKY]
    expected = "".join(iter_csv_records([values], [str(i) for i in range(len(values))]))
    assert csv_cells(values) + "\r\n" == expected.split("\r\n", 1)[1]


def test_the_cluster_csv_download_is_rendered_by_the_database(
    client, db, django_assert_max_num_queries
):
    """The download is the rendered text after the header, its rows from one query."""
    tricky_clusters()
    with django_assert_max_num_queries(6):
        response = client.get("/clusters/export.csv")
        content = b"".join(response.streaming_content).decode("utf-8-sig")
    header = ",".join(export_columns())
    assert content == header + "\r\n" + python_text(exported())


@pytest.mark.parametrize(
    ("actors", "pairs"),
    [
        (0, 0),
        (1, 0),
        (2, 1),  # 1.0
        (3, 1),  # 0.333333
        (10, 0),  # 0.0
        (1000, 5),  # 1e-05
        (1000, 6),  # 1.2e-05
        (2000, 5),  # 5e-06 (rounded from 2.5e-06)
        (1500, 100),  # 8.9e-05
        (257, 257),  # 1/128 = 0.0078125: an exact half, left to Python (half to even)
        (1280, 1279),  # 1/640 = 0.0015625: a half, Python rounds the float
        (70_000, 3),  # more actors than the database rounds
        (45_000, 1_000_000_000),  # a product beyond 32 bits
    ],
)
def test_kept_density_written_by_the_database_equals_python(db, actors, pairs):
    """The density written from the kept row is the text Python writes of its float,
    rounding ties and big networks included (those are handed back to Python)."""
    cluster = ClusterFactory()
    ends = [StakeholderFactory() for _ in range(2)]
    for stakeholder in ends:
        MembershipFactory(stakeholder=stakeholder, cluster=cluster)
    network_summaries_refresh([cluster.pk])
    kept = NetworkSummary.objects.filter(cluster=cluster)
    kept.update(actors=actors, pairs=pairs, links=pairs, absent_kinds='supplier =x, "y"')
    # The text kept with the row, as the refresh writes it (summary_csv_sql).
    kept.update(csv_text=RawSQL(summary_csv_sql(*KEPT_COLUMNS), []))
    assert database_text(exported()) == python_text(exported())


def test_the_kept_text_is_written_by_every_refresh(db):
    """A refresh keeps the summary's CSV text with it (the export reads it as it is)."""
    cluster = ClusterFactory()
    ends = [StakeholderFactory() for _ in range(3)]
    for stakeholder in ends:
        MembershipFactory(stakeholder=stakeholder, cluster=cluster)
    RelationshipFactory(cluster=cluster, source=ends[0], target=ends[1])
    network_summaries_refresh([cluster.pk])
    kept = NetworkSummary.objects.get(cluster=cluster)
    assert kept.csv_text is not None
    assert kept.csv_text in database_text(exported())
    assert database_text(exported()) == python_text(exported())


def test_the_newest_figure_is_joined_by_its_id_without_picking_it_among_all(db):
    """The export joins the newest figure kept on each cluster by its primary key: no
    DISTINCT ON, no sort or scan of every cluster's figures."""
    ClusterFactory()
    sql, params = exported().values_list("newest_figure__year").query.sql_with_params()
    assert "DISTINCT" not in sql.upper(), sql
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "clusters_clusterfigure_pkey" in plan, plan
    assert "clusterfigure_newest_idx" not in plan, plan
