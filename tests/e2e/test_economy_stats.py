"""The weight in the economy on /stats/ and the scheme size bands, in a browser: the
measure switch works without JavaScript, the CSV downloads, the band filter gives chips,
and axe finds no serious or critical violation at desktop and phone widths, with no
sideways scrolling at 390 px."""

import csv
import io

import pytest
from axe_playwright_python.sync_playwright import Axe

from clusters.models import Cluster
from clusters.services import Provenance, cluster_record_figures
from tests.conftest import FIXTURES
from tests.e2e.reference_data import (  # the fixture is used through pytestmark
    load_reference_data,
    reference_data_left_behind,  # noqa: F401
)
from tests.e2e.test_accessibility import BLOCKING, DEMO_FILES, WIDTHS, describe
from tests.factories import ClusterFactory, region

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data_left_behind"),
]


@pytest.fixture
def demo(transactional_db):
    """The demo data plus a figure history over several years and a mega handloom cluster."""
    load_reference_data()
    for importer, name in DEMO_FILES:
        result = importer().run(FIXTURES / name)
        assert result.ok, (name, result.errors)
    ludhiana = Cluster.objects.get(slug="hosiery-ludhiana")
    for year, employment in (("2017-18", 520_000), ("2019-20", 540_000), ("2021-22", 560_000)):
        cluster_record_figures(
            cluster=ludhiana,
            values={"employment": employment},
            provenance=Provenance(year=year, source=f"Survey {year}"),
        )
    mega = ClusterFactory(
        product="Silk sarees",
        place="Varanasi",
        cluster_type="handloom",
        region=region("Uttar Pradesh"),
        figures={"loom_count": 40_000, "artisan_count": 60_000},
        provenance=Provenance(year="2019-20", source="Handloom census"),
    )
    return {"mega": mega.get_absolute_url()}


def check_page(page, name, url):
    """Return the axe report lines of `page` at `url` and assert no sideways scrolling."""
    response = page.goto(url)
    assert response.ok, f"{name} ({url}) answered {response.status}"
    width = page.evaluate("document.documentElement.clientWidth")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{name} ({url}) scrolls sideways: {scroll} > {width}"
    results = Axe().run(page).response
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
    return [f"{name}, {url}:", describe(blocking)] if blocking else []


@pytest.mark.parametrize("width_name", list(WIDTHS))
def test_economy_pages_are_accessible_and_fit_the_width(demo, live_server, new_page, width_name):
    """/stats/ with each measure, the band-filtered list and a banded profile pass axe."""
    page = new_page(viewport=WIDTHS[width_name], java_script_enabled=True)
    pages = [
        ("statistics, employment", "/stats/"),
        ("statistics, turnover", "/stats/?measure=turnover"),
        ("statistics, exports", "/stats/?measure=exports"),
        ("cluster list, mega handloom", "/clusters/?size_band=handloom_mega"),
        ("mega handloom profile", demo["mega"]),
    ]
    report = []
    for name, address in pages:
        report += check_page(page, f"{name} at {width_name}", live_server.url + address)
    assert not report, "axe found serious or critical violations:\n" + "\n".join(report)


def test_measure_switch_and_csv_work_without_javascript(demo, live_server, new_page):
    """A reader switches to turnover by a plain link and downloads its table as CSV."""
    page = new_page(java_script_enabled=False)
    page.goto(live_server.url + "/stats/")
    economy = page.locator("#economy")
    assert economy.get_by_role("heading", name="Employment by state").is_visible()
    assert page.locator("#chart-economy-years-employment").is_visible()
    economy.get_by_role("link", name="Annual turnover").click()
    assert "measure=turnover" in page.url
    heading = page.get_by_role("heading", name="Annual turnover by state")
    assert heading.is_visible()
    table = page.locator("#economy-state-turnover-caption").locator("xpath=..")
    assert "Punjab" in table.inner_text()
    with page.expect_download() as download:
        page.get_by_role(
            "link", name="Download the numbers of “Annual turnover by state” as CSV"
        ).click()
    with open(download.value.path(), encoding="utf-8") as stream:
        rows = list(csv.reader(io.StringIO(stream.read())))
    assert rows[0][:2] == ["State", "Total (₹)"]
    punjab = next(row for row in rows if row[0] == "Punjab")
    assert int(punjab[1]) > 0


def test_size_band_filter_gives_a_chip_and_the_profile_names_the_band(demo, live_server, new_page):
    """Ticking "mega handloom" lists Varanasi with a chip; its profile shows the band."""
    page = new_page()
    page.goto(live_server.url + "/clusters/")
    page.get_by_label("Mega handloom cluster (CHCDS, 25,000 looms or more)").check()
    page.get_by_role("button", name="Apply filters").click()
    assert "size_band=handloom_mega" in page.url
    assert page.locator(".chip", has_text="Mega handloom cluster").count() == 1
    page.get_by_role("link", name="Silk sarees").first.click()
    bands = page.locator("#size-bands")
    assert "Mega handloom cluster (CHCDS, 25,000 looms or more)" in bands.inner_text()
    assert "Ministry of Textiles" in bands.inner_text()
    assert "60,000 artisans, 501 artisans or more: SFURTI major cluster." in bands.inner_text()
