"""A background job writes its messages in the language of the page that asked for it: a
worker has no request of its own."""

from django.utils import translation

from jobs import services
from jobs.choices import JobState
from tests.jobs.conftest import HEADER, cluster_rows


def test_a_job_asked_for_in_hindi_records_its_errors_in_hindi(
    editor, run_worker, tmp_path, django_capture_on_commit_callbacks
):
    """The job keeps the asker's language; its row errors are then in Hindi."""
    path = tmp_path / "clusters.csv"
    path.write_text(
        HEADER + cluster_rows(60) + "Worse,Place Y,Gujarat,industrial,-5,2020-21,survey\n",
        encoding="utf-8",
    )
    with translation.override("hi"), django_capture_on_commit_callbacks(execute=True):
        job = services.job_upload_create(
            user=editor.user, file_format="clusters", path=path, filename="c.csv", total=61
        )
    assert job.language == "hi"
    run_worker()
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    error = job.errors.get()
    assert error.message == "-5 ऋणात्मक है: गिनती 0 या उससे अधिक होती है।"
    with translation.override("hi"):
        assert str(error) == "पंक्ति 62, enterprise_count: -5 ऋणात्मक है: गिनती 0 या उससे अधिक होती है।"


def test_a_job_asked_for_in_english_records_its_errors_in_english(
    editor, run_worker, tmp_path, django_capture_on_commit_callbacks
):
    """The same file asked for in English keeps the English message."""
    path = tmp_path / "clusters.csv"
    path.write_text(
        HEADER + cluster_rows(60) + "Worse,Place Y,Gujarat,industrial,-5,2020-21,survey\n",
        encoding="utf-8",
    )
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        job = services.job_upload_create(
            user=editor.user, file_format="clusters", path=path, filename="c.csv", total=61
        )
    run_worker()
    assert job.errors.get().message == "-5 is negative: a count is 0 or more."
