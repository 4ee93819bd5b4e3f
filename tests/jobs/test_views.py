"""The job pages: only one's own jobs (a curator's: all), the progress JSON, interrupted
jobs and their retry, and bounded query counts."""

import time

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from clusters.models import Cluster
from jobs.choices import JobKind, JobState
from jobs.models import Job
from jobs.progress import Progress, progress_key
from tests import factories
from tests.jobs.conftest import HEADER, cluster_rows


def make_job(user, **fields):
    fields.setdefault("kind", JobKind.UPLOAD)
    fields.setdefault("file_format", "clusters")
    fields.setdefault("filename", "clusters.csv")
    fields.setdefault("total", 100)
    return Job.objects.create(user=user, **fields)


def urls(job):
    return [
        reverse("jobs:job_detail", args=[job.pk]),
        reverse("jobs:job_progress", args=[job.pk]),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    """The jobs list asks an anonymous visitor to sign in."""
    response = client.get(reverse("jobs:job_list"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_someone_elses_job_is_not_found(client, editor):
    """Another user's job: 404 on its page, its progress, its errors and its retry; it is
    not in the list either."""
    other = factories.AgencyEditorFactory()
    job = make_job(other.user, state=JobState.INTERRUPTED, error_count=1)
    client.force_login(editor.user)
    for url in [*urls(job), reverse("jobs:job_errors", args=[job.pk])]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("jobs:job_retry", args=[job.pk])).status_code == 404
    assert "clusters.csv" not in client.get(reverse("jobs:job_list")).content.decode()
    Job.objects.filter(pk=job.pk).update(error_count=0)
    assert client.post(reverse("jobs:job_retry", args=[job.pk])).status_code == 404
    assert Job.objects.get(pk=job.pk).state == JobState.INTERRUPTED


def test_a_curator_sees_every_job(client, editor, curator):
    """A curator opens and lists anyone's jobs."""
    job = make_job(editor.user)
    client.force_login(curator)
    for url in urls(job):
        assert client.get(url).status_code == 200
    assert editor.user.username in client.get(reverse("jobs:job_list")).content.decode()


def test_progress_json_while_queued_running_and_done(editor_client, editor):
    """The JSON gives rows validated and written, the total, the percentage and the time
    elapsed: zero while queued, the worker's published figures while running, all at the end."""
    job = make_job(editor.user, total=200)
    url = reverse("jobs:job_progress", args=[job.pk])
    queued = editor_client.get(url).json()
    assert (queued["state"], queued["validated"], queued["percent"]) == ("queued", 0, 0)
    assert queued["phase"] == "queued"
    assert queued["finished"] is False

    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, started=timezone.now())
    job.refresh_from_db()
    progress = Progress(job)
    progress(validated=200, written=100)
    progress.publish()
    running = editor_client.get(url).json()
    assert (running["validated"], running["written"], running["total"]) == (200, 100, 200)
    assert running["percent"] == 75  # validated, then written: both halves count
    assert running["phase"] == "writing the rows"
    assert running["elapsed"] >= 0
    page = editor_client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert 'value="300"' in page and 'max="400"' in page and "75</span>%" in page
    assert "Writing the rows" in page
    assert "js/job-progress.js" in page

    Job.objects.filter(pk=job.pk).update(
        state=JobState.DONE, finished=timezone.now(), validated=200, written=200
    )
    done = editor_client.get(url).json()
    assert (done["percent"], done["finished"]) == (100, True)


def test_a_job_whose_worker_died_is_interrupted_and_can_be_retried(
    editor_client, editor, settings, run_worker, django_capture_on_commit_callbacks, tmp_path
):
    """A running job with no heartbeat for REGISTRY_JOB_STALE_SECONDS is shown interrupted
    with a Retry button; retrying queues it again and a worker then imports it."""
    from jobs import services

    path = tmp_path / "clusters.csv"
    path.write_text(HEADER + cluster_rows(60), encoding="utf-8")
    job = services.job_upload_create(
        user=editor.user, file_format="clusters", path=path, filename="clusters.csv", total=60
    )
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, started=timezone.now(), attempts=1)
    job.refresh_from_db()
    caches["jobs"].set(progress_key(job), {"validated": 10, "written": 0, "total": 60, "beat": 0})
    settings.REGISTRY_JOB_STALE_SECONDS = 30
    page = editor_client.get(job.get_absolute_url()).content.decode()
    assert "interrupted" in page and "Retry" in page
    job.refresh_from_db()
    assert job.state == JobState.INTERRUPTED

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(reverse("jobs:job_retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == JobState.QUEUED
    run_worker()
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.DONE, 2)
    assert Cluster.objects.count() == 60


def test_a_running_job_with_a_fresh_heartbeat_is_not_interrupted(editor_client, editor):
    """A worker that reported a second ago is alive: the job stays running."""
    job = make_job(editor.user, state=JobState.RUNNING, started=timezone.now(), attempts=1)
    caches["jobs"].set(
        progress_key(job), {"validated": 1, "written": 0, "total": 100, "beat": time.time()}
    )
    editor_client.get(job.get_absolute_url())
    job.refresh_from_db()
    assert job.state == JobState.RUNNING


@pytest.mark.parametrize("count", [1, 20])
def test_the_job_list_takes_the_same_queries_for_1_or_20_jobs(
    count, editor_client, editor, django_assert_max_num_queries
):
    """The list's queries do not grow with its rows (some running, with their progress)."""
    for index in range(count):
        make_job(editor.user, state=JobState.DONE if index % 2 else JobState.QUEUED)
    with django_assert_max_num_queries(8):
        response = editor_client.get(reverse("jobs:job_list"))
    assert response.status_code == 200
    assert response.content.decode().count("<progress") == count


def test_the_job_page_of_a_failed_job_takes_few_queries(
    editor_client, editor, django_assert_max_num_queries
):
    """The page of a job with many errors reads the job and the shown errors only."""
    from jobs.models import JobError

    job = make_job(editor.user, state=JobState.FAILED, error_count=800, error_rows=800)
    JobError.objects.bulk_create(
        JobError(job=job, row=row, column="product", message="required") for row in range(800)
    )
    with django_assert_max_num_queries(7):
        response = editor_client.get(job.get_absolute_url())
    body = response.content.decode()
    assert body.count("<code>product</code>") == 500
    assert "300 more in the CSV" in body
