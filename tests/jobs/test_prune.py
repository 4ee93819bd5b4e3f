"""manage.py prune_jobs: the files of unconfirmed checks older than
REGISTRY_JOB_CHECK_KEEP_HOURS and of exports older than REGISTRY_JOB_EXPORT_KEEP_DAYS are
removed, the jobs kept and marked; their pages say the file expired (no 404)."""

import io
import os
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from jobs import services
from jobs.choices import JobKind, JobState
from jobs.models import Job


def make_job(user, *, age, **fields):
    """Return a finished job with a file of its own, created `age` ago."""
    path = services.job_dir() / f"file-{Job.objects.count()}"
    path.write_text("product,place\n")
    job = Job.objects.create(user=user, state=JobState.DONE, file_path=str(path), **fields)
    Job.objects.filter(pk=job.pk).update(created=timezone.now() - age)
    job.refresh_from_db()
    return job


def export_job(user, age):
    return make_job(
        user, age=age, kind=JobKind.EXPORT, file_format="stakeholders", filename="s.csv"
    )


def check_job(user, age, **fields):
    return make_job(
        user, age=age, kind=JobKind.UPLOAD, dry_run=True, file_format="clusters", **fields
    )


def prune():
    out = io.StringIO()
    call_command("prune_jobs", stdout=out)
    return out.getvalue()


@pytest.fixture
def jobs(editor):
    user = editor.user
    imported = Job.objects.create(user=user, kind=JobKind.UPLOAD, file_format="clusters")
    return {
        "old_export": export_job(user, timedelta(days=8)),
        "new_export": export_job(user, timedelta(days=6)),
        "old_check": check_job(user, timedelta(hours=25)),
        "new_check": check_job(user, timedelta(hours=23)),
        # Confirmed: its file is the import's now.
        "confirmed_check": check_job(user, timedelta(hours=30), confirmed_as=imported),
        "running_check": check_job(user, timedelta(hours=30)),
    }


def test_prune_removes_old_files_only_and_keeps_the_jobs(jobs):
    Job.objects.filter(pk=jobs["running_check"].pk).update(state=JobState.RUNNING)
    output = prune()
    for name in ("old_export", "old_check"):
        job = jobs[name]
        assert not os.path.exists(job.file_path), name
        assert job.file_path in output
        job.refresh_from_db()
        assert job.file_removed is not None
        assert job.file_path == ""
    for name in ("new_export", "new_check", "confirmed_check", "running_check"):
        job = jobs[name]
        assert os.path.exists(job.file_path), name
        job.refresh_from_db()
        assert job.file_removed is None and job.file_path
    assert "removed 2 file(s)" in output
    assert Job.objects.count() == 7
    assert "removed 0 file(s)" in prune()  # nothing more the second time


def test_the_keeping_times_are_settings(jobs, settings):
    settings.REGISTRY_JOB_EXPORT_KEEP_DAYS = 5
    settings.REGISTRY_JOB_CHECK_KEEP_HOURS = 48
    prune()
    for name, removed in [
        ("old_export", True),
        ("new_export", True),
        ("old_check", False),
        ("new_check", False),
    ]:
        jobs[name].refresh_from_db()
        assert (jobs[name].file_removed is not None) is removed, name


def test_an_expired_exports_page_says_ask_again(editor_client, jobs):
    prune()
    job = jobs["old_export"]
    page = editor_client.get(job.get_absolute_url()).content.decode()
    assert "This file has expired" in page
    assert "Ask for the export again" in page
    assert reverse("jobs:job_download", args=[job.pk]) not in page
    assert 'name="filters"' in page  # the "Export again" form
    download = editor_client.get(reverse("jobs:job_download", args=[job.pk]))
    assert download.status_code == 302
    assert download["Location"] == job.get_absolute_url()
    listing = editor_client.get(reverse("jobs:job_list")).content.decode()
    assert "expired" in listing


def test_an_expired_checks_page_says_upload_again_and_cannot_be_confirmed(editor_client, jobs):
    prune()
    job = jobs["old_check"]
    page = editor_client.get(job.get_absolute_url()).content.decode()
    assert "The checked file has expired" in page
    assert reverse("jobs:job_confirm", args=[job.pk]) not in page
    editor_client.post(reverse("jobs:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.confirmed_as_id is None


def test_an_expired_interrupted_check_is_not_retried(editor_client, editor):
    job = check_job(editor.user, timedelta(hours=30))
    Job.objects.filter(pk=job.pk).update(state=JobState.INTERRUPTED)
    prune()
    job.refresh_from_db()
    with pytest.raises(ValueError, match="removed"):
        services.job_retry(job=job)
    page = editor_client.get(job.get_absolute_url()).content.decode()
    assert reverse("jobs:job_retry", args=[job.pk]) not in page
    assert "The checked file has expired" in page


def test_the_part_left_by_a_killed_export_is_removed_once_old(db):
    """A worker killed while writing leaves only a .partial file (never downloadable): the
    prune removes it once older than a check is kept, not while a worker may be writing."""
    old = services.job_dir() / "export-old.partial"
    fresh = services.job_dir() / "export-fresh.partial"
    for path in (old, fresh):
        path.write_text("product,place\n")
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    output = prune()
    assert not old.exists()
    assert fresh.exists()
    assert "part of an unfinished export" in output
