"""A worker killed half-way through an import (SIGKILL) leaves nothing of the file written;
the job is shown interrupted, and a retry run by another worker imports it all.

The worker is a real `manage.py db_worker` process on the test database, so the test runs on
a transactional database (committed rows, which the worker sees).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from clusters.models import Cluster
from jobs import services
from jobs.choices import JobState
from jobs.models import Job
from jobs.progress import progress_read
from tests.e2e.reference_data import load_reference_data, reference_data_left_behind  # noqa: F401
from tests.jobs.conftest import HEADER, cluster_rows

BASE_DIR = Path(__file__).resolve().parents[2]
ROWS = 30_000
WAIT = 300  # seconds at most for any step (a bound on waiting, not a timed assertion)


def worker_env():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": (
                f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
                f"{db['PORT'] or 5432}/{db['NAME']}"
            ),
        }
    )
    return env


def start_worker(*args):
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2", *args],
        cwd=BASE_DIR,
        env=worker_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def wait_for(condition, what):
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {WAIT} s for {what}")
        time.sleep(0.1)


@pytest.fixture
def big_job(transactional_db, settings, tmp_path, reference_data_left_behind):  # noqa: F811
    if connection.vendor != "postgresql":
        pytest.skip("the worker-kill test runs on PostgreSQL (make test)")
    load_reference_data()
    settings.REGISTRY_UPLOAD_DIR = str(tmp_path / "uploads")
    from tests import factories

    editor = factories.AgencyEditorFactory()
    path = tmp_path / "clusters.csv"
    path.write_text(HEADER + cluster_rows(ROWS), encoding="utf-8")
    return services.job_upload_create(
        user=editor.user, file_format="clusters", path=path, filename="clusters.csv", total=ROWS
    ), editor


def test_a_killed_worker_writes_nothing_and_the_retry_imports_everything(big_job, client, settings):
    job, editor = big_job
    worker = start_worker()
    try:
        # Killed once it has validated some rows: well inside the import's transaction.
        def validating():
            job.refresh_from_db()
            published = progress_read(job) if job.state == JobState.RUNNING else None
            return bool(published and published["validated"] > 0)

        wait_for(validating, "the worker to start validating")
        job.refresh_from_db()
        assert job.state == JobState.RUNNING
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()

    assert Cluster.objects.count() == 0
    assert Cluster.history.count() == 0
    # No heartbeat any more; the job row is no longer locked by a live transaction.
    settings.REGISTRY_JOB_STALE_SECONDS = 0
    client.force_login(editor.user)

    def interrupted():
        client.get(job.get_absolute_url())
        job.refresh_from_db()
        return job.state == JobState.INTERRUPTED

    wait_for(interrupted, "the job to be seen interrupted")
    page = client.get(job.get_absolute_url()).content.decode()
    assert "interrupted" in page and "Retry" in page
    assert Cluster.objects.count() == 0

    assert client.post(f"/manage/jobs/{job.pk}/retry/").status_code == 302
    job.refresh_from_db()
    assert job.state == JobState.QUEUED
    retry = start_worker("--batch")
    output, _ = retry.communicate(timeout=WAIT)
    assert retry.returncode == 0, output.decode()
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.message
    assert job.summary() == f"created {ROWS}, updated 0, unchanged 0"
    assert job.attempts == 2
    assert Cluster.objects.count() == ROWS
    assert not Job.objects.exclude(pk=job.pk).exists()
