"""Each cluster's newest figure, kept on the cluster (clusters.newest_figures), is right
after every path that writes figures: the services, the admin, merges, revisions, the bulk
import and the synthetic data; so the export shows the figures year, estimate and source
of the figure of the latest year, the last recorded among equals."""

from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters import revisions, services
from clusters.admin import ClusterFigureAdmin
from clusters.exports import cluster_export_rows
from clusters.imports import ClusterImporter
from clusters.models import Cluster, ClusterFigure
from clusters.newest_figures import figure_year_key, newest_figure_of, newest_figures_refresh
from clusters.selectors import cluster_export_list
from stakeholders.merging import cluster_merge
from tests import factories
from tests.accounts.people import make_people

pytestmark = pytest.mark.django_db


def expected_newest_id(cluster_id):
    """The newest figure as the export has always shown it: latest year, then last id."""
    figures = ClusterFigure.objects.filter(cluster_id=cluster_id)
    best = max(figures, key=lambda f: (services.year_sort_key(f.year), f.pk), default=None)
    return None if best is None else best.pk


def assert_every_newest_figure_kept():
    kept = dict(Cluster.objects.values_list("pk", "newest_figure_id"))
    assert kept, "no clusters"
    assert kept == {pk: expected_newest_id(pk) for pk in kept}


def provenance(year, source, estimated=False):
    return services.Provenance(year=year, source=source, estimated=estimated)


def export_row(cluster):
    rows = cluster_export_rows(cluster_export_list().filter(pk=cluster.pk))
    (row,) = list(rows)
    return row["figures_year"], row["estimated"], row["source"]


@pytest.mark.parametrize(
    "year", ["2016", "2015-16", "", "16", "2016-1", "2016-20", "abcd", "20161", "2016-1x", "٢٠١٦"]
)
def test_the_python_and_sql_year_keys_agree(db, year):
    """The key the services use and the one the bulk paths use in SQL order alike."""
    cluster = factories.ClusterFactory()
    middle = ClusterFigure.objects.create(
        cluster=cluster, measure="employment", value=1, year="2000", source="middle"
    )
    tested = ClusterFigure.objects.create(
        cluster=cluster, measure="employment", value=2, year=year, source="tested"
    )
    newest_figures_refresh(cluster_ids=[cluster.pk])
    cluster.refresh_from_db()
    assert cluster.newest_figure == newest_figure_of([middle, tested])
    assert cluster.newest_figure == (tested if figure_year_key(year) >= 2000 else middle)


def test_a_cluster_created_with_figures_shows_them_in_the_export(db):
    cluster = factories.ClusterFactory(
        figures={"enterprise_count": 120, "employment": 3000},
        provenance=provenance("2019-20", "A survey", estimated=True),
    )
    assert_every_newest_figure_kept()
    assert export_row(cluster) == ("2019-20", "yes", "A survey")
    assert factories.ClusterFactory().newest_figure is None


def test_recording_a_newer_figure_moves_it_an_older_one_does_not(db):
    cluster = factories.ClusterFactory(
        figures={"enterprise_count": 120}, provenance=provenance("2018", "Profile")
    )
    services.cluster_record_figures(
        cluster=cluster, values={"employment": 500}, provenance=provenance("2021-22", "Census")
    )
    assert export_row(cluster) == ("2021-22", "no", "Census")
    services.cluster_record_figures(
        cluster=cluster, values={"loom_count": 40}, provenance=provenance("2010", "Old report")
    )
    assert export_row(cluster) == ("2021-22", "no", "Census")
    # The same year and source again, now estimated: updated in place, still the newest.
    services.cluster_record_figures(
        cluster=cluster,
        values={"employment": 600},
        provenance=provenance("2021-22", "Census", estimated=True),
    )
    assert export_row(cluster) == ("2021-22", "yes", "Census")
    assert_every_newest_figure_kept()


def test_the_last_recorded_of_one_year_is_the_newest(db):
    cluster = factories.ClusterFactory(
        figures={"enterprise_count": 120}, provenance=provenance("2016", "First")
    )
    services.cluster_record_figures(
        cluster=cluster, values={"employment": 9}, provenance=provenance("2016-17", "Second")
    )
    assert export_row(cluster) == ("2016-17", "no", "Second")
    assert_every_newest_figure_kept()


def test_the_admin_inline_sets_it_and_deleting_the_newest_figure_falls_back(curator_client, db):
    region = factories.region("Uttar Pradesh")
    response = curator_client.post(
        reverse("admin:clusters_cluster_add"),
        {
            "product": "Scissors",
            "place": "Meerut",
            "region": region.pk,
            "country": "IN",
            "cluster_type": "industrial",
            "status": "draft",
            "figures-TOTAL_FORMS": "2",
            "figures-INITIAL_FORMS": "0",
            "figures-0-measure": "enterprise_count",
            "figures-0-value": "150",
            "figures-0-year": "2019-20",
            "figures-0-source": "test survey",
            "figures-1-measure": "employment",
            "figures-1-value": "4000",
            "figures-1-year": "2012",
            "figures-1-source": "old survey",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    cluster = Cluster.objects.get(product="Scissors")
    assert cluster.newest_figure.source == "test survey"
    request = RequestFactory().post("/admin/")
    request.user = factories.CuratorFactory()
    ClusterFigureAdmin(ClusterFigure, admin.site).delete_model(request, cluster.newest_figure)
    cluster.refresh_from_db()
    assert cluster.newest_figure.source == "old survey"
    assert_every_newest_figure_kept()


def test_a_figure_moved_in_the_admin_leaves_both_clusters_right(db):
    first = factories.ClusterFactory(
        figures={"enterprise_count": 120}, provenance=provenance("2015", "Old")
    )
    services.cluster_record_figures(
        cluster=first, values={"employment": 9}, provenance=provenance("2022", "New")
    )
    second = factories.ClusterFactory(
        figures={"enterprise_count": 70}, provenance=provenance("2020", "Second's")
    )
    moved = first.figures.get(source="New")
    moved.cluster = second
    request = RequestFactory().post("/admin/")
    request.user = factories.CuratorFactory()
    ClusterFigureAdmin(ClusterFigure, admin.site).save_model(
        request, moved, SimpleNamespace(changed_data=["cluster"]), change=True
    )
    assert export_row(first) == ("2015", "no", "Old")
    assert export_row(second) == ("2022", "no", "New")
    assert_every_newest_figure_kept()


def test_a_merge_leaves_the_survivor_with_the_newest_of_both(db):
    people = make_people()
    kept = factories.ClusterFactory(
        product="Handloom",
        place="Pochampally",
        agency=people.agency_a,
        figures={"loom_count": 5000},
        provenance=provenance("2010-11", "DC Handlooms profile"),
    )
    duplicate = factories.ClusterFactory(
        product="Handlooms",
        place="Pochampally town",
        agency=people.agency_a,
        figures={"artisan_count": 9000},
        provenance=provenance("2018", "Diagnostic study 2018"),
    )
    cluster_merge(survivor=kept, duplicate=duplicate, user=people.curator)
    assert export_row(kept) == ("2018", "no", "Diagnostic study 2018")
    assert_every_newest_figure_kept()


def test_an_approved_revision_keeps_it(db):
    people = make_people()
    cluster = factories.ClusterFactory(
        agency=people.agency_a,
        figures={"enterprise_count": 80},
        provenance=provenance("2010-11", "Profile"),
    )
    revision = revisions.revision_propose(
        user=people.own_editor,
        cluster=cluster,
        changes={
            "figures": [
                {
                    "measure": "enterprise_count",
                    "value": 150,
                    "year": "2020-21",
                    "source": "Survey",
                    "estimated": False,
                    "currency": "",
                }
            ]
        },
    )
    revisions.revision_approve(curator=people.curator, revision=revision)
    assert export_row(cluster) == ("2020-21", "no", "Survey")
    assert_every_newest_figure_kept()


CLUSTERS = (
    "product,place,state,cluster_type,enterprise_count,figures_year,source,estimated\n"
    "Knitwear,Ludhiana,Punjab,industrial,1200,2021-22,a survey,yes\n"
    "Brassware,Moradabad,Uttar Pradesh,handicraft,800,2019,a report,no\n"
    "Locks,Aligarh,Uttar Pradesh,industrial,,,,\n"
)


def test_the_bulk_import_keeps_it_and_an_unchanged_re_import_writes_nothing(db):
    result = ClusterImporter().run(CLUSTERS.encode())
    assert result.ok, result.errors
    assert_every_newest_figure_kept()
    knitwear = Cluster.objects.get(product="Knitwear")
    assert export_row(knitwear) == ("2021-22", "yes", "a survey")
    assert Cluster.objects.get(product="Locks").newest_figure is None
    with CaptureQueriesContext(connection) as captured:
        again = ClusterImporter().run(CLUSTERS.encode())
    assert again.summary() == "created 0, updated 0, unchanged 3"
    writes = [
        query["sql"]
        for query in captured
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


def test_generated_scale_data_keeps_it(db):
    call_command("generate_scale_data", clusters=30, stakeholders=60, relationships=40, verbosity=0)
    assert Cluster.objects.exclude(newest_figure=None).exists()
    assert_every_newest_figure_kept()


def test_deleting_a_cluster_with_figures_still_works(db):
    cluster = factories.ClusterFactory(figures={"enterprise_count": 120})
    Cluster.objects.filter(pk=cluster.pk).delete()
    assert not ClusterFigure.objects.exists()
