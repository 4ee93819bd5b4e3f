"""A big upload in a real browser: confirmed into a background job, whose page shows a
progress bar, then the outcome once a worker (a real `manage.py db_worker`) has run it."""

import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.accounts.people import PASSWORD, make_people
from tests.e2e.reference_data import load_reference_data, reference_data_left_behind  # noqa: F401
from tests.jobs.conftest import HEADER, cluster_rows
from tests.jobs.test_worker_kill import start_worker

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ROWS = 300


@pytest.fixture
def people(transactional_db, settings, tmp_path, reference_data_left_behind):  # noqa: F811
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the worker runs on PostgreSQL (make test)")
    load_reference_data()
    settings.REGISTRY_UPLOAD_DIR = str(tmp_path / "uploads")
    settings.REGISTRY_JOB_ROWS = 100
    return make_people()


def test_a_big_upload_shows_its_progress_then_its_outcome(people, new_page, live_server):
    page = new_page(base_url=live_server.url)
    page.set_default_timeout(60_000)
    page.goto("/accounts/login/")
    page.fill("#id_username", "editor-a")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/profile/")

    page.goto("/manage/upload/")
    page.check("input[value=clusters]")
    page.set_input_files(
        "input[type=file]",
        {
            "name": "clusters.csv",
            "mimeType": "text/csv",
            "buffer": (HEADER + cluster_rows(ROWS)).encode(),
        },
    )
    page.click("main button[type=submit]")
    # More rows than REGISTRY_JOB_ROWS: the check (the preview) is a job; so is the import.
    page.wait_for_url(re.compile(r"/manage/jobs/[0-9a-f-]+/$"))
    bar = page.locator("progress#job-bar")
    assert bar.is_visible()
    assert page.locator("[data-job-state]").inner_text() == "queued"
    assert page.locator("[data-job-total]").inner_text() == "300"
    violations = Axe().run(page).response["violations"]
    assert not [v["id"] for v in violations if v["impact"] in ("serious", "critical")]

    worker = start_worker()
    try:
        # The script polls the progress and reloads the page once the job has finished.
        page.get_by_text(f"The file is valid: {ROWS} to create").wait_for()
        page.get_by_role("button", name="Import it").click()
        page.wait_for_url(re.compile(r"/manage/jobs/[0-9a-f-]+/$"))
        page.get_by_text(f"Created {ROWS}, updated 0, unchanged 0").wait_for()
    finally:
        worker.kill()
        worker.communicate(timeout=120)
    assert page.locator("[data-job-state]").inner_text() == "done"
    assert bar.get_attribute("value") == bar.get_attribute("max")

    page.goto("/manage/jobs/")
    assert "clusters.csv" in page.content()
    assert f"created {ROWS}, updated 0, unchanged 0" in page.content()
