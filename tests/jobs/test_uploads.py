"""A big upload becomes a background job: queued on confirmation, imported by a worker,
its outcome (summary or every error by row and column) kept on the job."""

import pytest
from django.urls import reverse

from clusters.models import Agency, AgencyEditor, Cluster
from jobs import services
from jobs.choices import JobState
from jobs.models import Job
from tests.jobs.conftest import HEADER, THRESHOLD, cluster_rows, upload_and_confirm


def test_an_upload_at_the_threshold_is_imported_in_the_request(editor_client):
    """REGISTRY_JOB_ROWS rows still import at once: no job."""
    done = upload_and_confirm(editor_client, HEADER + cluster_rows(THRESHOLD))
    assert done.status_code == 200
    assert Cluster.objects.count() == THRESHOLD
    assert not Job.objects.exists()


def test_a_big_upload_becomes_a_job_that_the_worker_imports(
    editor_client, editor, run_worker, django_capture_on_commit_callbacks
):
    """One row more than the threshold: the confirmation queues a job and shows its page;
    nothing is written until a worker runs it; then every row is, as one change set."""
    with django_capture_on_commit_callbacks(execute=True):
        response = upload_and_confirm(editor_client, HEADER + cluster_rows(THRESHOLD + 10))
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert (job.state, job.total, job.user, job.file_format) == (
        JobState.QUEUED,
        THRESHOLD + 10,
        editor.user,
        "clusters",
    )
    assert job.task_id
    assert Cluster.objects.count() == 0
    page = editor_client.get(response["Location"])
    assert "<progress" in page.content.decode()
    assert 'http-equiv="refresh"' in page.content.decode()

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
    body = editor_client.get(response["Location"]).content.decode()
    assert f"Created {THRESHOLD + 10}, updated 0, unchanged 0" in body
    assert 'http-equiv="refresh"' not in body
    assert not list(services.job_dir().iterdir())  # the file is removed once imported


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


@pytest.mark.parametrize("kind", ["stakeholders", "relationships"])
def test_each_format_is_imported_by_its_importer(
    kind, editor, run_worker, tmp_path, django_capture_on_commit_callbacks
):
    """A stakeholder or relationship file runs through its own importer (here: refused
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
