"""A big upload becomes a background job: queued on confirmation, imported by a worker,
its outcome (summary or every error by row and column) kept on the job."""

import pytest
from django.urls import reverse

from clusters.models import Agency, AgencyEditor, Cluster
from jobs import services
from jobs.choices import JobState
from jobs.models import Job
from tests.jobs.conftest import HEADER, THRESHOLD, cluster_rows, upload, upload_and_confirm


def test_an_upload_at_the_threshold_is_imported_in_the_request(editor_client):
    """REGISTRY_JOB_ROWS rows still import at once: no job."""
    done = upload_and_confirm(editor_client, HEADER + cluster_rows(THRESHOLD))
    assert done.status_code == 200
    assert Cluster.objects.count() == THRESHOLD
    assert not Job.objects.exists()


def test_a_big_upload_is_checked_then_imported_by_jobs(
    editor_client, editor, run_worker, django_capture_on_commit_callbacks
):
    """One row more than the threshold: the upload queues a check (the preview) and shows
    its page; once a worker has run it the page shows the figures and "Import it", which
    queues the import; nothing is written until a worker runs that; then every row is, as
    one change set."""
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(editor_client, HEADER + cluster_rows(THRESHOLD + 10))
    check = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:job_detail", args=[check.pk])
    assert (check.state, check.total, check.user, check.file_format, check.dry_run) == (
        JobState.QUEUED,
        THRESHOLD + 10,
        editor.user,
        "clusters",
        True,
    )
    assert check.task_id
    page = editor_client.get(response["Location"]).content.decode()
    assert "<progress" in page and 'http-equiv="refresh"' in page
    assert "Check of “clusters.csv”" in page

    run_worker()

    check.refresh_from_db()
    assert check.state == JobState.DONE, check.message
    assert Cluster.objects.count() == 0
    page = editor_client.get(response["Location"]).content.decode()
    assert f"The file is valid: {THRESHOLD + 10} to create, 0 to update, 0 unchanged" in page
    assert "Import it" in page

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = editor_client.post(reverse("jobs:job_confirm", args=[check.pk]))
    job = Job.objects.get(dry_run=False)
    assert confirmed["Location"] == job.get_absolute_url()
    assert job.state == JobState.QUEUED and Cluster.objects.count() == 0
    # Confirmed once: a second confirmation queues nothing more.
    editor_client.post(reverse("jobs:job_confirm", args=[check.pk]))
    assert Job.objects.count() == 2

    run_worker()

    job.refresh_from_db()
    assert job.state == JobState.DONE, job.message
    assert job.summary() == f"created {THRESHOLD + 10}, updated 0, unchanged 0"
    assert (job.validated, job.written) == (THRESHOLD + 10, THRESHOLD + 10)
    assert job.started and job.finished and job.change_set_id
    assert Cluster.objects.count() == THRESHOLD + 10
    assert set(Cluster.objects.values_list("agency_id", "status").distinct()) == {
        (editor.agency_id, "draft")
    }
    reasons = set(Cluster.history.values_list("history_change_reason", flat=True))
    assert len(reasons) == 1 and next(iter(reasons)).startswith("upload clusters.csv")
    assert set(Cluster.history.values_list("history_user", flat=True)) == {editor.user.pk}
    body = editor_client.get(job.get_absolute_url()).content.decode()
    assert f"Created {THRESHOLD + 10}, updated 0, unchanged 0" in body
    assert 'http-equiv="refresh"' not in body
    assert not list(services.job_dir().iterdir())  # the file is removed once imported


def test_only_the_uploader_confirms_a_check(
    editor_client, editor, curator, run_worker, django_capture_on_commit_callbacks
):
    """A curator sees someone's check but cannot confirm it on their behalf."""
    from django.test import Client

    with django_capture_on_commit_callbacks(execute=True):
        upload(editor_client, HEADER + cluster_rows(THRESHOLD + 1))
    run_worker()
    check = Job.objects.get()
    curator_client = Client()
    curator_client.force_login(curator)
    page = curator_client.get(check.get_absolute_url()).content.decode()
    assert "to create" in page and "Import it" not in page
    curator_client.post(reverse("jobs:job_confirm", args=[check.pk]))
    assert Job.objects.count() == 1


def test_a_big_upload_with_mistakes_lists_them_on_the_check(
    editor_client, run_worker, django_capture_on_commit_callbacks
):
    """A big file with a bad row: the check lists it by row and column; no Import button."""
    content = HEADER + cluster_rows(THRESHOLD) + "Bad,Place X,Gujarat,spaceship,1,2020,s\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(editor_client, content)
    run_worker()
    body = editor_client.get(response["Location"]).content.decode()
    assert "1 mistake to fix" in body and "<code>cluster_type</code>" in body
    assert "Import it" not in body
    assert Cluster.objects.count() == 0


def write(tmp_path, text, name="clusters.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_job_records_every_error_by_row_and_column_and_writes_nothing(
    editor, run_worker, tmp_path, django_capture_on_commit_callbacks, client
):
    """A file that went bad (rows refused when the job runs): every error is kept, by row
    and column, nothing of the file is written, and the page and the CSV list them."""
    text = (
        HEADER
        + cluster_rows(60)
        + "Bad,Place X,Gujarat,spaceship,10,2020-21,survey\n"
        + "Worse,Place Y,Gujarat,industrial,-5,2020-21,survey\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_upload_create(
            user=editor.user,
            file_format="clusters",
            path=write(tmp_path, text),
            filename="clusters.csv",
            total=62,
        )
    run_worker()
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert (job.error_count, job.error_rows) == (2, 2)
    assert [(e.row, e.column) for e in job.errors.all()] == [
        (62, "cluster_type"),
        (63, "enterprise_count"),
    ]
    assert Cluster.objects.count() == 0
    client.force_login(editor.user)
    body = client.get(job.get_absolute_url()).content.decode()
    assert "2 mistakes to fix" in body and "Nothing was written" in body
    assert "<code>cluster_type</code>" in body
    assert "Retry" not in body  # a file with mistakes is fixed and uploaded again
    errors = client.get(reverse("jobs:job_errors", args=[job.pk])).content.decode("utf-8-sig")
    assert errors.splitlines()[0] == "row,column,message"
    assert errors.splitlines()[1].startswith("62,cluster_type,")


def test_permissions_are_checked_again_when_the_job_runs(
    editor, run_worker, tmp_path, django_capture_on_commit_callbacks
):
    """An editor who lost their agency before the worker ran: the job fails, nothing written."""
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_upload_create(
            user=editor.user,
            file_format="clusters",
            path=write(tmp_path, HEADER + cluster_rows(60)),
            filename="clusters.csv",
            total=60,
        )
    AgencyEditor.objects.filter(user=editor.user).delete()
    run_worker()
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "editors and curators" in job.message
    assert Cluster.objects.count() == 0
    assert Agency.objects.filter(pk=editor.agency_id).exists()


@pytest.mark.parametrize("kind", ["stakeholders", "relationships", "indicators"])
def test_each_format_is_imported_by_its_importer(
    kind, editor, run_worker, tmp_path, django_capture_on_commit_callbacks
):
    """A stakeholder, relationship or indicator file runs through its own importer (here: refused
    rows naming a cluster that does not exist, recorded by row and column)."""
    from jobs.imports import IMPORTERS

    header = ",".join(IMPORTERS[kind].required) + "\n"
    width = len(IMPORTERS[kind].required)
    body = "".join(",".join([f"x{i}"] * width) + "\n" for i in range(3))
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_upload_create(
            user=editor.user,
            file_format=kind,
            path=write(tmp_path, header + body),
            filename=f"{kind}.csv",
            total=3,
        )
    run_worker()
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error_rows == 3
