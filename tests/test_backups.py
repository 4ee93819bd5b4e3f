"""Backups (scripts/backup: pg_dump -Fc with the row counts of its snapshot) and the restore
drill (scripts/restore-drill: restore the newest dump into a scratch database, compare the
counts, check the migrations and `manage.py check`), run on the test PostgreSQL."""

import os
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from clusters.models import Cluster
from stakeholders.models import Relationship, Stakeholder
from tests import factories
from tests.topology import BASE_DIR, test_database_url


def run(script, backup_dir, *args):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update({"DATABASE_URL": test_database_url(), "BACKUP_DIR": str(backup_dir)})
    return subprocess.run(
        [str(BASE_DIR / "scripts" / script), *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def databases():
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database")
        return {name for (name,) in cursor.fetchall()}


@pytest.fixture
def small_registry(committed_db):
    """A few published clusters with stakeholders and relationships, committed."""
    for _ in range(3):
        factories.RelationshipFactory()
    factories.ClusterFactory(product="Zari embroidery", figures={"enterprise_count": 120})


def test_the_drill_restores_the_newest_backup_and_finds_it_complete(small_registry, tmp_path):
    databases_before = databases()
    backed_up = run("backup", tmp_path)
    assert backed_up.returncode == 0, backed_up.stderr
    dump = backed_up.stdout.strip()
    assert dump.startswith(str(tmp_path / "cluster-registry-")) and dump.endswith(".dump")
    counts = dict(line.split() for line in (Path(f"{dump}.counts")).read_text().splitlines())
    assert int(counts["clusters_cluster"]) == Cluster.objects.count() == 4
    assert int(counts["stakeholders_stakeholder"]) == Stakeholder.objects.count()
    assert int(counts["stakeholders_relationship"]) == Relationship.objects.count() == 3

    drill = run("restore-drill", tmp_path)

    assert drill.returncode == 0, drill.stdout + drill.stderr
    assert drill.stdout.splitlines()[1:] == [
        "ok: restored",
        f"ok: row counts equal the source's in {len(counts)} tables "
        f"(4 clusters, {counts['stakeholders_stakeholder']} stakeholders, 3 relationships)",
        "ok: every migration applied",
        "ok: manage.py check",
        "restore-drill: passed",
    ]
    assert databases() == databases_before  # the scratch database is dropped


def test_the_drill_fails_when_the_restored_rows_differ_from_the_source(small_registry, tmp_path):
    backup = run("backup", tmp_path)
    assert backup.returncode == 0, backup.stderr
    dump = backup.stdout.strip()
    counts_file = Path(f"{dump}.counts")
    counts = counts_file.read_text().replace("clusters_cluster 4\n", "clusters_cluster 5\n")
    counts_file.write_text(counts)

    drill = run("restore-drill", tmp_path, dump)

    assert drill.returncode == 1
    assert "row counts differ" in drill.stderr
    assert "-clusters_cluster 5" in drill.stderr and "+clusters_cluster 4" in drill.stderr


def test_the_drill_says_so_when_there_is_no_dump(tmp_path):
    drill = run("restore-drill", tmp_path)

    assert drill.returncode == 2
    assert "no dump found" in drill.stderr
