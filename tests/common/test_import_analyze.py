"""A big operator's import refreshes PostgreSQL's statistics of the tables it wrote, so the
next import is planned with today's counts (common.importing.RowImporter._analyze)."""

import pytest
from django.db import connection

from clusters.imports import ClusterImporter
from common import importing

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's ANALYZE")

CLUSTERS = (
    "product,place,state,cluster_type,enterprise_count\n"
    "Knitwear,Ludhiana,Punjab,industrial,1200\n"
    "Brassware,Moradabad,Uttar Pradesh,handicraft,800\n"
)


def analyzed(table):
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = %s", [table])
        return cursor.fetchone()[0]


def test_a_big_import_analyzes_what_it_wrote_and_a_small_one_does_not(committed_db, monkeypatch):
    # Committed (ANALYZE is not run inside the caller's transaction), states put back after.
    monkeypatch.setattr(importing, "ANALYZE_ROWS", 3)
    before = analyzed("clusters_cluster")
    assert ClusterImporter().run(CLUSTERS.encode()).ok  # 2 rows: left to autovacuum
    assert analyzed("clusters_cluster") == before
    monkeypatch.setattr(importing, "ANALYZE_ROWS", 2)
    more = CLUSTERS.replace("1200", "1300").replace("800", "900")
    assert ClusterImporter().run(more.encode()).ok  # 2 rows updated: analyzed
    after = analyzed("clusters_cluster")
    assert after is not None and after != before
    assert analyzed("clusters_clusterfigure") is not None
    assert analyzed("common_importfingerprint") is not None


def test_the_statistics_refreshed_are_those_of_the_look_up_columns():
    from clusters.models import Cluster
    from common.fingerprints import ImportFingerprint

    columns = importing.lookup_columns(Cluster)
    # What an import finds clusters by, and their foreign keys...
    assert {"id", "identity_key", "slug", "region_id", "sector_id", "agency_id"} <= set(columns)
    # ...not the long texts a full ANALYZE spends most of its time sampling.
    assert not {"product", "place", "description"} & set(columns)
    # A composite key is its fields.
    assert {"importer", "identity", "cells"} <= set(importing.lookup_columns(ImportFingerprint))


def test_a_table_another_session_is_analyzing_is_left_to_it(committed_db, monkeypatch):
    # Autovacuum holds a table's SHARE UPDATE EXCLUSIVE lock while it works; the refresh
    # does not wait for it (which cancelled autovacuum after deadlock_timeout) but still
    # analyzes the other tables.
    import psycopg2

    monkeypatch.setattr(importing, "ANALYZE_ROWS", 2)
    before = analyzed("clusters_cluster"), analyzed("clusters_clusterfigure")
    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute("LOCK TABLE clusters_cluster IN SHARE UPDATE EXCLUSIVE MODE")
        with connection.cursor() as cursor:  # waiting for the lock fails, not hangs
            cursor.execute("SET statement_timeout = '10s'")
        assert ClusterImporter().run(CLUSTERS.encode()).ok
    finally:
        other.rollback()
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
    assert analyzed("clusters_cluster") == before[0]
    assert analyzed("clusters_clusterfigure") not in (None, before[1])
