"""An agency editor uploads indicator measurements in a real browser: a mistake is shown
by row and column, the corrected file is previewed, confirmed, and the measurements appear
on the cluster's public development page beside the initiative's baseline and target."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe

from clusters.choices import PublicationStatus
from tests import factories
from tests.accounts.people import PASSWORD, make_people
from tests.e2e.reference_data import load_reference_data, reference_data_left_behind  # noqa: F401

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADER = "cluster_product,cluster_place,cluster_state,indicator,year,value,unit,source,estimated\n"
BAD = HEADER + "Brass products,Moradabad,Uttar Pradesh,new-markts,2023-24,3,,CDA report,no\n"
GOOD = HEADER + (
    "Brass products,Moradabad,Uttar Pradesh,new-markets,2023-24,3,markets,CDA report 2024,no\n"
    "Brass products,Moradabad,Uttar Pradesh,new-markets,2024-25,5,,CDA report 2025,yes\n"
)


@pytest.fixture
def cluster(transactional_db, settings, tmp_path, reference_data_left_behind):  # noqa: F811
    load_reference_data()
    settings.REGISTRY_UPLOAD_DIR = str(tmp_path / "uploads")
    people = make_people()
    cluster = factories.ClusterFactory(
        product="Brass products",
        place="Moradabad",
        region=factories.region("Uttar Pradesh"),
        agency=people.agency_a,
    )
    initiative = factories.InitiativeFactory(
        cluster=cluster,
        agency=people.agency_a,
        status=PublicationStatus.PUBLISHED,
        title="Moradabad brassware MSE-CDP",
    )
    factories.IndicatorTargetFactory(
        initiative=initiative, baseline_year=2022, baseline_value=1, target_value=8
    )
    return cluster


def upload(page, content):
    page.goto("/manage/upload/")
    page.check("input[value=indicators]")
    page.set_input_files(
        "input[type=file]",
        {"name": "indicators.csv", "mimeType": "text/csv", "buffer": content.encode()},
    )
    page.click("main button[type=submit]")


def serious(page):
    violations = Axe().run(page).response["violations"]
    return [v["id"] for v in violations if v["impact"] in ("serious", "critical")]


def test_an_editor_uploads_measurements_that_the_development_page_then_shows(
    cluster, new_page, live_server
):
    page = new_page(base_url=live_server.url)
    page.set_default_timeout(60_000)
    page.goto("/accounts/login/")
    page.fill("#id_username", "editor-a")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/profile/")

    upload(page, BAD)
    assert page.get_by_text("did you mean new-markets?").is_visible()
    assert page.get_by_role("button", name="Import it").count() == 0
    assert not serious(page)

    upload(page, GOOD)
    page.get_by_text("The file is valid: 2 to create, 0 to update, 0 unchanged.").wait_for()
    assert not serious(page)
    page.get_by_role("button", name="Import it").click()
    page.get_by_text("created 2", exact=False).first.wait_for()

    page.set_viewport_size({"width": 390, "height": 844})  # a phone: no sideways scrolling
    page.goto(f"/clusters/{cluster.slug}/development/")
    table = page.locator("table.indicator-table").first
    text = table.inner_text()
    for expected in ("2022", "2023-24", "2024-25", "CDA report 2025"):
        assert expected in text, text
    assert page.locator(".indicator-card svg").count() >= 1
    assert not serious(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate(
        "window.innerWidth"
    )
