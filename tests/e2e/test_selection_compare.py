"""Selecting clusters for development (FAQ Q43) and comparing them, in a real browser.

A policy maker opens the selection, changes the weights (only the economy, then only the
socio-environmental concerns) and sees the ranking change, with the weights in the address;
ticks two clusters on the list and compares them side by side; opens a profile, chooses
"Compare with…" and adds a cluster by searching. axe finds no serious or critical
violation on either page at desktop and phone widths, and neither page scrolls sideways on
a phone. With REGISTRY_SCREENSHOTS set, both pages are saved in docs/screenshots/.
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from playwright.sync_api import expect

from clusters.assessments import assessments_load_csv
from clusters.imports import ClusterImporter
from stakeholders.imports import RelationshipImporter, StakeholderImporter
from tests.conftest import FIXTURES
from tests.e2e.reference_data import (  # the fixture is used through pytestmark
    load_reference_data,
    reference_data_left_behind,  # noqa: F401
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data_left_behind"),
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
BLOCKING = {"serious", "critical"}
DEMO_FILES = (
    (ClusterImporter, "clusters_india_profiles.csv"),
    (ClusterImporter, "faq_clusters.csv"),
    (StakeholderImporter, "stakeholders_india_profiles.csv"),
    (StakeholderImporter, "faq_stakeholders.csv"),
    (RelationshipImporter, "faq_relationships.csv"),
)
WEIGHTS = (
    "economy",
    "replicability",
    "socio_environmental",
    "future_prospects",
    "likely_success",
    "complementary_efforts",
)


@pytest.fixture
def demo(transactional_db):
    """The demo's clusters, stakeholders and illustrative judgements."""
    load_reference_data()
    cache.clear()
    for importer, name in DEMO_FILES:
        result = importer().run(FIXTURES / name)
        assert result.ok, (name, result.errors)
    assessments_load_csv(FIXTURES / "demo_assessments.csv")


def first_rows(page, count=3):
    return page.locator(".selection-table tbody th[scope=row] a").all_inner_texts()[:count]


def set_weights(page, **weights):
    for key in WEIGHTS:
        page.fill(f"#id_w_{key}", str(weights.get(key, 0)))
    page.click("button:has-text('Rank the clusters')")
    page.wait_for_load_state()


def assert_accessible_and_narrow(page, url, new_page):
    """axe: nothing serious or critical at either width; no sideways scroll on a phone."""
    axe = Axe()
    report = []
    for width_name, viewport in WIDTHS.items():
        other = new_page(viewport=viewport)
        assert other.goto(url).ok
        results = axe.run(other).response
        blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
        report += [
            f"{width_name}: {v['id']} {v['help']} {v['nodes'][0]['target']}" for v in blocking
        ]
        if width_name == "phone":
            overflow = other.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{url} scrolls sideways by {overflow} px at 390 px"
        other.close()
    assert not report, "\n".join(report)


def shot(page, name, tmp_path):
    path = SCREENSHOTS / name if os.environ.get("REGISTRY_SCREENSHOTS") else tmp_path / name
    page.screenshot(path=path, full_page=True, animations="disabled", caret="hide")


def test_a_shortlist_with_changed_weights(demo, live_server, page, new_page, tmp_path):
    page.goto(live_server.url + "/clusters/selection/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Selecting clusters for development")
    assert page.locator(".selection-table tbody tr").count() > 5

    set_weights(page, economy=5)
    assert "w_economy=5" in page.url and "w_socio_environmental=0" in page.url
    by_economy = first_rows(page)
    # Only the economy weighs: the rows go by its contribution (5 × value), largest first,
    # and no other parameter shows a contribution.
    rows = page.locator(".selection-table tbody tr")
    contributions = [
        float(rows.nth(n).locator("td.contribution").first.inner_text().split("=")[1].split()[0])
        for n in range(5)
    ]
    assert contributions == sorted(contributions, reverse=True) and contributions[0] > 4
    assert "not weighted" in rows.first.locator("td.contribution").nth(1).inner_text()

    set_weights(page, socio_environmental=5)
    by_concern = first_rows(page, 1)
    # Phulia's handloom sarees are judged to have the severest concerns (5 of 5).
    assert by_concern == ["Handloom sarees"]
    assert by_concern[0] != by_economy[0]
    expect(page.locator("#id_w_socio_environmental")).to_have_value("5")
    missing = page.locator(".selection-table tbody tr").first.locator("td").last
    assert missing is not None
    # The address is the shortlist: opening it again gives the same ranking.
    shared = page.url
    other = new_page()
    other.goto(shared)
    assert first_rows(other, 1) == by_concern

    # Its CSV holds every candidate with the same first rank.
    with page.expect_download() as download:
        page.click("text=Download CSV")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("rank,slug,product")
    assert ",handloom-sarees-phulia,Handloom sarees," in text.splitlines()[1]

    page.goto(live_server.url + "/clusters/selection/?w_economy=3&w_future_prospects=2")
    shot(page, "selection.png", tmp_path)
    assert_accessible_and_narrow(page, page.url, new_page)


def test_compare_from_the_list_and_from_a_profile(demo, live_server, page, new_page, tmp_path):
    page.goto(live_server.url + "/clusters/?state=west-bengal")
    page.check("input[name=clusters][value=handloom-sarees-phulia]")
    page.check("input[name=clusters][value=terracotta-ghruni]")
    page.click("button:has-text('Compare the ticked clusters')")
    page.wait_for_url("**/clusters/compare/**")
    headers = page.locator(".compare-table thead a.compare-name").all_inner_texts()
    assert headers == ["Handloom sarees, Phulia", "Terracotta, Ghruni"]
    table = page.inner_text(".compare-table")
    assert "Stakeholders by kind" in table and "Selection parameters" in table
    assert "Illustrative (demo data)" in table  # the judgements with their source
    shot(page, "compare.png", tmp_path)
    assert_accessible_and_narrow(page, page.url, new_page)

    # From a profile: "Compare with…", then find and add a second cluster.
    page.goto(live_server.url + "/clusters/hosiery-ludhiana/")
    page.click("text=Compare with…")
    expect(page.locator("#compare-messages")).to_contain_text("Choose at least 2 clusters")
    page.fill("#id_add", "knitted")
    page.click("button:has-text('Find')")
    page.click("text=Add Knitted garments, Tirupur")
    headers = page.locator(".compare-table thead a.compare-name").all_inner_texts()
    assert headers == ["Hosiery, Ludhiana", "Knitted garments, Tirupur"]
