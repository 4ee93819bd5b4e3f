"""Background jobs across servers (issue 12): an upload through server A is checked and
imported by a worker (`manage.py db_worker`, a process of its own) and its outcome is seen
through server B; a worker killed half-way leaves nothing written, and after another worker
takes the retried job the file is imported once.

The servers, their Redis and the test database are the `topology` fixture's
(tests/e2e/conftest.py: REGISTRY_JOB_ROWS 100, a killed worker's job seen as interrupted
after 3 s); the browser signs in on each server in a context of its own."""

import os
import re
import signal
from pathlib import Path

import pytest

from clusters.models import Cluster
from tests import factories
from tests.accounts.people import PASSWORD, make_people
from tests.jobs.conftest import HEADER, cluster_rows

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(committed_db, settings):
    # The servers' hasher (the tests' own, MD5, is not one they accept).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    return make_people()


def signed_in(new_page, base):
    page = new_page(base_url=base)
    page.set_default_timeout(90_000)
    page.goto("/accounts/login/")
    page.fill("#id_username", "editor-a")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/profile/")
    return page


def upload(page, rows, start=0):
    """Upload `rows` clusters; return the path of the check job's page."""
    page.goto("/manage/upload/")
    page.check("input[value=clusters]")
    page.set_input_files(
        "input[type=file]",
        {
            "name": "clusters.csv",
            "mimeType": "text/csv",
            "buffer": (HEADER + cluster_rows(rows, start)).encode(),
        },
    )
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/manage/jobs/[0-9a-f-]+/$"))
    return page.url.split("://", 1)[1].split("/", 1)[1]


def test_an_upload_through_a_is_imported_by_the_worker_and_seen_through_b(
    topology, people, new_page
):
    page_a = signed_in(new_page, topology.servers["A"])
    upload(page_a, 300)
    topology.start_manage("worker", "db_worker", "--no-reload")
    try:
        page_a.get_by_text("The file is valid: 300 to create").wait_for()
        page_a.get_by_role("button", name="Import it").click()
        page_a.wait_for_url(re.compile(r"/manage/jobs/[0-9a-f-]+/$"))
        job_path = "/" + page_a.url.split("://", 1)[1].split("/", 1)[1]
        page_a.get_by_text("Created 300, updated 0, unchanged 0").wait_for()
    finally:
        topology.stop("worker")
    assert Cluster.objects.filter(product__startswith="Product ").count() == 300

    page_b = signed_in(new_page, topology.servers["B"])
    page_b.goto(job_path)
    assert page_b.locator("[data-job-state]").inner_text() == "done"
    assert "Created 300, updated 0, unchanged 0" in page_b.content()
    page_b.goto("/manage/clusters/?q=Product+299")
    assert "Product 299" in page_b.content()


def test_a_worker_killed_half_way_writes_nothing_and_the_retry_imports_once(
    topology, people, new_page
):
    # Enough rows that the page (which asks every second) sees the worker writing them.
    rows = 60_000
    page = signed_in(new_page, topology.servers["A"])
    upload(page, rows, start=1000)
    topology.start_manage("worker", "db_worker", "--no-reload")
    try:
        page.get_by_text(f"The file is valid: {rows:,} to create").or_(
            page.get_by_text(f"The file is valid: {rows} to create")
        ).wait_for()
        page.get_by_role("button", name="Import it").click()
        page.wait_for_url(re.compile(r"/manage/jobs/[0-9a-f-]+/$"))
        # Killed while it writes: every row validated, some written in its transaction.
        page.locator("[data-job-phase]", has_text="writing the rows").wait_for()
    finally:
        topology.stop("worker", sig=signal.SIGKILL)
    assert not Cluster.objects.filter(product__startswith="Product ").exists()

    # Its heartbeat stops: the job is interrupted, and another worker takes the retry.
    page.reload()
    page.locator("[data-job-state]", has_text="interrupted").wait_for()
    page.get_by_role("button", name="Retry").click()
    topology.start_manage("worker-2", "db_worker", "--no-reload")
    try:
        page.locator("[data-job-state]", has_text="done").wait_for()
    finally:
        topology.stop("worker-2")
    assert Cluster.objects.filter(product__startswith="Product ").count() == rows


def test_an_export_asked_through_a_is_written_by_the_worker_and_downloaded_through_b(
    topology, people, new_page
):
    """An editor exports a filtered stakeholder list (their agency's draft included) as a
    job through server A; a worker writes it; server B serves the file to that editor."""
    published = factories.ClusterFactory(
        product="Knitwear", place="Tirupur", agency=people.agency_a
    )
    draft = factories.ClusterFactory(
        product="Brassware", place="Moradabad", agency=people.agency_a, status="draft"
    )
    for cluster, kind, name in [
        (published, "enterprise", "Tirupur Knits"),
        (published, "supplier", "Tirupur Yarns"),
        (draft, "enterprise", "Moradabad Brass"),
    ]:
        factories.MembershipFactory(
            cluster=cluster, stakeholder=factories.StakeholderFactory(name=name, kind=kind)
        )
    page_a = signed_in(new_page, topology.servers["A"])
    page_a.goto("/stakeholders/?kind=enterprise")
    page_a.get_by_role("button", name="Export this list as a job").click()
    page_a.wait_for_url(re.compile(r"/manage/jobs/[0-9a-f-]+/$"))
    job_path = "/" + page_a.url.split("://", 1)[1].split("/", 1)[1]
    topology.start_manage("worker", "db_worker", "--no-reload")
    try:
        page_a.get_by_role("link", name=re.compile("^Download ")).wait_for()
    finally:
        topology.stop("worker")

    page_b = signed_in(new_page, topology.servers["B"])
    page_b.goto(job_path)
    with page_b.expect_download() as download:
        page_b.get_by_role("link", name=re.compile("^Download ")).click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Tirupur Knits" in text and "Moradabad Brass" in text
    assert "Tirupur Yarns" not in text  # the list's filter: enterprises only
