"""A big indicator file is checked, then imported, by background jobs like the others."""

from django.urls import reverse

from clusters.choices import PublicationStatus
from jobs.choices import JobState
from jobs.models import Job
from programmes.models import IndicatorMeasurement
from tests import factories
from tests.jobs.conftest import THRESHOLD, upload

HEADER = "cluster_product,cluster_place,cluster_state,indicator,year,value\n"


def test_a_big_indicator_upload_is_checked_then_imported(
    editor_client, editor, run_worker, django_capture_on_commit_callbacks
):
    """THRESHOLD + 6 rows: a check job, then on confirmation an import job, which records
    every measurement as the editor."""
    cluster = factories.ClusterFactory(
        product="Jute products",
        place="Kolkata",
        agency=editor.agency,
        status=PublicationStatus.DRAFT,
    )
    total = THRESHOLD + 6
    body = "".join(
        f"Jute products,Kolkata,West Bengal,new-enterprises,{1900 + i},{i}\n" for i in range(total)
    )
    with django_capture_on_commit_callbacks(execute=True):
        upload(editor_client, HEADER + body, name="indicators.csv", kind="indicators")
    check = Job.objects.get()
    assert (check.file_format, check.total, check.dry_run) == ("indicators", total, True)
    run_worker()
    check.refresh_from_db()
    assert check.state == JobState.DONE, check.message
    assert IndicatorMeasurement.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(reverse("jobs:job_confirm", args=[check.pk]))
    run_worker()
    job = Job.objects.get(dry_run=False)
    assert job.state == JobState.DONE, job.message
    assert job.summary() == f"created {total}, updated 0, unchanged 0"
    assert IndicatorMeasurement.objects.filter(cluster=cluster).count() == total
    users = set(IndicatorMeasurement.history.values_list("history_user", flat=True))
    assert users == {editor.user.pk}
