"""Fixtures of the background job tests: an agency editor, a cluster file, a worker run."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from tests import factories

HEADER = "product,place,state,cluster_type,enterprise_count,figures_year,source\n"
THRESHOLD = 50


def cluster_rows(n, start=0):
    """Return `n` valid cluster rows (CSV text without the header)."""
    return "".join(
        f"Product {i},Place {i},Gujarat,industrial,{100 + i},2020-21,survey\n"
        for i in range(start, start + n)
    )


@pytest.fixture(autouse=True)
def job_settings(settings, tmp_path):
    """Keep uploads in a temporary folder; files of more than 50 rows become jobs."""
    settings.REGISTRY_UPLOAD_DIR = str(tmp_path / "uploads")
    settings.REGISTRY_JOB_ROWS = THRESHOLD
    return settings


@pytest.fixture
def editor(db):
    return factories.AgencyEditorFactory()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor.user)
    return client


def upload(client, content, name="clusters.csv", kind="clusters"):
    """Upload a file; return the response (a preview, or a redirect to a check job)."""
    return client.post(
        reverse("uploads:upload"),
        {"kind": kind, "file": SimpleUploadedFile(name, content.encode("utf-8"))},
    )


def upload_and_confirm(client, content, name="clusters.csv", kind="clusters"):
    """Upload a file, then confirm its preview; return the confirmation's response."""
    preview = client.post(
        reverse("uploads:upload"),
        {"kind": kind, "file": SimpleUploadedFile(name, content.encode("utf-8"))},
    )
    assert preview.status_code == 200, preview.content.decode()[:500]
    fields = dict(
        re.findall(r'name="(kind|token|digest|filename)" value="([^"]*)"', preview.content.decode())
    )
    return client.post(reverse("uploads:confirm"), fields)


@pytest.fixture
def run_worker(monkeypatch, django_capture_on_commit_callbacks):
    """Return a function running `manage.py db_worker --batch` in the test's transaction.

    The worker closes "obsolete" connections between tasks, which would close the test's
    own transaction: here that is a no-op (the subprocess test runs a real worker).
    """
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run():
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    return run
