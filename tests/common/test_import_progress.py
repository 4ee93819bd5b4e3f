"""The importer's progress callback: called as rows are validated and written, in order,
ending at every row; the import's outcome is the same with it as without."""

from clusters.imports import ClusterImporter
from clusters.models import Cluster
from tests.jobs.conftest import HEADER, cluster_rows


class SmallChunks(ClusterImporter):
    chunk_rows = 1000


def test_progress_is_reported_per_chunk_and_ends_at_every_row(db, write_file):
    """2,500 rows in chunks of 1,000: validated goes ahead of written, both reach 2,500."""
    path = write_file(HEADER + cluster_rows(2500))
    calls = []
    result = SmallChunks().run(
        path, progress=lambda **figures: calls.append((figures["validated"], figures["written"]))
    )
    assert result.ok and result.created == 2500
    assert calls[-1] == (2500, 2500)
    assert (1000, 0) in calls and (1000, 1000) in calls and (2000, 2000) in calls
    assert calls == sorted(calls)  # never backwards
    assert all(written <= validated for validated, written in calls)


def test_a_user_upload_reports_validation_within_its_single_chunk(db, write_file, curator):
    """An upload is one chunk: validation is still reported every 1,000 rows."""
    path = write_file(HEADER + cluster_rows(2500))
    calls = []
    result = ClusterImporter(user=curator).run(
        path,
        user=curator,
        dry_run=True,
        progress=lambda **figures: calls.append((figures["validated"], figures["written"])),
    )
    assert result.ok and result.created == 2500
    assert calls[:2] == [(1000, 0), (2000, 0)]
    assert calls[-1] == (2500, 2500)
    assert Cluster.objects.count() == 0
