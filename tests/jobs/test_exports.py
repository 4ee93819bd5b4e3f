"""An editor asks for a big export as a job: a worker writes every cluster they may see (their
agency's drafts too, never another agency's) as the public export's CSV, and the file is
downloaded from the job's page by its requester (or a curator) only."""

import csv
import io

import pytest
from django.urls import reverse

from clusters.choices import PublicationStatus
from clusters.exports import export_columns
from jobs.choices import JobKind, JobState
from jobs.models import Job
from tests import factories


@pytest.fixture
def clusters(editor):
    own_draft = factories.ClusterFactory(
        product="Own draft", agency=editor.agency, status=PublicationStatus.DRAFT
    )
    published = [factories.ClusterFactory(status=PublicationStatus.PUBLISHED) for _ in range(3)]
    others_draft = factories.ClusterFactory(
        product="Another agency's draft",
        agency=factories.AgencyFactory(),
        status=PublicationStatus.DRAFT,
    )
    return own_draft, published, others_draft


def download(client, job):
    response = client.get(reverse("jobs:job_download", args=[job.pk]))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def ask(client, capture):
    """Ask for the export, its task enqueued as when the request's transaction commits."""
    with capture(execute=True):
        return client.post(reverse("jobs:job_export"))


def test_an_export_job_writes_what_the_editor_may_see(
    editor_client, clusters, run_worker, django_capture_on_commit_callbacks
):
    own_draft, published, others_draft = clusters
    response = ask(editor_client, django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert response.url == job.get_absolute_url()
    assert (job.kind, job.state, job.total) == (JobKind.EXPORT, JobState.QUEUED, 4)

    run_worker()
    job.refresh_from_db()
    assert job.state == JobState.DONE
    page = editor_client.get(job.get_absolute_url()).content.decode()
    assert "4 clusters written to the file." in page
    assert reverse("jobs:job_download", args=[job.pk]) in page

    rows = download(editor_client, job)
    assert rows[0] == list(export_columns())
    products = sorted(row[0] for row in rows[1:])
    assert products == sorted(["Own draft", *(c.product for c in published)])
    assert others_draft.product not in products


def test_the_file_is_the_requesters_and_curators_only(
    editor_client, clusters, run_worker, client, django_capture_on_commit_callbacks
):
    ask(editor_client, django_capture_on_commit_callbacks)
    run_worker()
    job = Job.objects.get()
    other = factories.AgencyEditorFactory()
    client.force_login(other.user)
    assert client.get(reverse("jobs:job_download", args=[job.pk])).status_code == 404
    client.force_login(factories.CuratorFactory())
    assert len(download(client, job)) == 5


def test_no_download_before_the_job_is_done(editor_client, clusters):
    editor_client.post(reverse("jobs:job_export"))
    job = Job.objects.get()
    assert editor_client.get(reverse("jobs:job_download", args=[job.pk])).status_code == 404


def test_a_user_without_a_role_may_not_ask_for_an_export(client, db):
    client.force_login(factories.UserFactory())
    assert client.post(reverse("jobs:job_export")).status_code == 404
    assert not Job.objects.exists()


def test_the_jobs_page_offers_the_export_to_an_editor(editor_client):
    page = editor_client.get(reverse("jobs:job_list")).content.decode()
    assert reverse("jobs:job_export") in page
