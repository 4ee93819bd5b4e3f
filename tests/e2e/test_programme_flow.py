"""A development initiative from an agency's entry to the public page, in a real browser
(issue 15).

An editor of agency A signs in, records an initiative in their published cluster with a
diagnostic study, an action plan of one activity, a baseline and target and two indicator
measurements, and submits it; the public does not see it; a curator publishes it from
the review queue; the cluster's public development page then shows the indicator chart
(an SVG) with its table, accessible (axe) at 1280 and 390 px without sideways scrolling.
With REGISTRY_SCREENSHOTS set, the pages are saved under docs/screenshots/.
"""

import os
import re
from pathlib import Path

import pytest

from clusters.choices import PublicationStatus
from tests import factories
from tests.accounts.people import make_people
from tests.e2e.reference_data import load_reference_data
from tests.e2e.test_agency_flow import assert_accessible, open_page, reference_data, sign_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.e2e
__all__ = ["open_page", "reference_data"]  # fixtures used by name

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def screenshot(page, name):
    """Save `page` for the docs, only with REGISTRY_SCREENSHOTS set (a test run leaves the
    repository as it found it)."""
    if os.environ.get("REGISTRY_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def test_an_editor_records_an_initiative_a_curator_publishes_it_the_public_sees_its_chart(
    reference_data, open_page, live_server, settings, tmp_path
):
    settings.REGISTRY_STUDY_DOCUMENT_DIR = str(tmp_path / "study-documents")
    load_reference_data()  # the schemes and the indicator catalogue too
    people = make_people()
    cluster = factories.ClusterFactory(
        product="Knitwear",
        place="Ludhiana",
        region=factories.region("Punjab"),
        agency=people.agency_a,
        status=PublicationStatus.PUBLISHED,
    )
    exporter = factories.StakeholderFactory(name="Ludhiana Knitwear Exporters", kind="enterprise")
    club = factories.StakeholderFactory(name="Knitwear Club", kind="association")
    for stakeholder in (exporter, club):
        factories.MembershipFactory(stakeholder=stakeholder, cluster=cluster)
    development_path = f"/clusters/{cluster.slug}/development/"
    new_markets = factories.indicator("new-markets")

    # The editor records the initiative.
    editor = sign_in(open_page(), "editor-a")
    editor.goto(f"/manage/initiatives/new/?cluster={cluster.slug}")
    assert_accessible(editor)
    editor.fill("#id_title", "Ludhiana knitwear cluster development")
    editor.select_option("#id_scheme", label="MSE-CDP")
    editor.fill("#id_development_agent_name", "R. Singh, cluster development agent")
    editor.fill("#id_started_on", "2019-04-01")
    editor.select_option("#id_stage", "implementation")
    editor.fill("#id_sanctioned_amount", "135000000")
    editor.click("main button:has-text('Save as draft')")
    editor.wait_for_url(re.compile(r"/manage/initiatives/[\w-]+/$"))
    assert "is saved as a draft" in editor.inner_text("main")
    detail_url = editor.url

    # The diagnostic study, with the stakeholders consulted.
    editor.click("text=Record the diagnostic study")
    editor.fill("#id_industrial_scenario", "Ludhiana makes most of India's woollen knitwear.")
    editor.fill("#id_challenges", "Old machines; no common testing laboratory.")
    editor.check("text=Knitwear Club (Association)")
    assert_accessible(editor)
    editor.click("main button:has-text('Save the study')")
    editor.wait_for_url(detail_url)

    # The action plan: one activity.
    editor.click("text=Add an activity")
    editor.fill("#id_title", "Exposure visit to Tirupur")
    editor.select_option("#id_horizon", "short")
    editor.select_option("#id_activity_type", "exposure_visit")
    editor.fill("#id_cost", "400000")
    editor.check("text=Ludhiana Knitwear Exporters (Enterprise)")
    editor.click("main button:has-text('Save the activity')")
    editor.wait_for_url(detail_url)

    # A baseline and a target, then two measurements.
    editor.click("text=Set a baseline and target")
    editor.select_option("#id_indicator", str(new_markets.pk))
    editor.fill("#id_baseline_year", "2019-20")
    editor.fill("#id_baseline_value", "2")
    editor.fill("#id_target_year", "2025")
    editor.fill("#id_target_value", "8")
    editor.click("main button:has-text('Save the target')")
    editor.wait_for_url(detail_url)
    for year, value, estimated in (("2021", "3", False), ("2023-24", "5", True)):
        editor.click("text=Record a measurement")
        editor.select_option("#id_indicator", str(new_markets.pk))
        editor.fill("#id_year", year)
        editor.fill("#id_value", value)
        editor.fill("#id_source", f"Progress report {year}")
        if estimated:
            editor.check("#id_estimated")
        editor.click("main button:has-text('Save the measurement')")
        editor.wait_for_url(detail_url)
    main = editor.inner_text("main")
    assert "Exposure visit to Tirupur" in main and "Progress report 2023-24" in main
    assert_accessible(editor)
    screenshot(editor, "initiative-workspace.png")
    editor.click("main button:has-text('Submit for review')")
    assert "a curator will review it" in editor.inner_text("main")

    # Not public yet.
    visitor = open_page()
    visitor.goto(development_path)
    assert "No development initiative is published" in visitor.inner_text("main")

    # The curator publishes it from the review queue.
    curator = sign_in(open_page(), "curator")
    curator.click("header >> text=Review queue")
    queue = curator.locator("section[aria-labelledby=initiative-queue-heading]")
    assert "Ludhiana knitwear cluster development" in queue.inner_text()
    assert_accessible(curator)
    queue.locator("button:has-text('Approve and publish')").click()
    assert "published" in curator.inner_text("main")

    # The public development page shows the chart and its table.
    for width in (1280, 390):
        visitor.set_viewport_size({"width": width, "height": 900})
        visitor.goto(development_path)
        main = visitor.locator("main")
        assert "Ludhiana knitwear cluster development" in main.inner_text()
        chart = visitor.locator("svg.ichart").first
        assert chart.is_visible()
        assert "New markets" in chart.locator("title").first.text_content()
        assert "target 8 by 2025" in chart.locator("desc").first.text_content()
        table = visitor.locator("table.indicator-table").first
        rows = table.locator("tbody tr").all_inner_texts()
        assert any("2019-20" in row and "baseline" in row for row in rows), rows
        assert any("2021" in row and "3" in row for row in rows), rows
        assert any("2023-24" in row and "≈5" in row for row in rows), rows
        assert any("2025" in row and "target" in row for row in rows), rows
        assert "Exposure visit to Tirupur" in main.inner_text()
        assert_accessible(visitor)
        assert visitor.evaluate("document.documentElement.scrollWidth") <= visitor.evaluate(
            "window.innerWidth"
        )
        screenshot(visitor, f"cluster-development-{width}.png")

    # The profile's Development section links to it.
    visitor.goto(f"/clusters/{cluster.slug}/")
    section = visitor.locator("section[aria-labelledby=development-heading]")
    assert "Ludhiana knitwear cluster development" in section.inner_text()
