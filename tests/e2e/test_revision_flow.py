"""A change to a published cluster waits for a curator, in a real browser (issue 13).

An editor of the owning agency records a newer figure for a published cluster; the public
page still shows the reviewed one; the curator opens the proposed change from the review
queue, sees the field-by-field diff (old → new, with year and source), approves it; the
public page then shows the new figure, with the old one kept in its history. With
REGISTRY_SCREENSHOTS set, the diff is saved as docs/screenshots/review-diff.png.
"""

import os
import re
from pathlib import Path

import pytest

from clusters import services
from clusters.choices import PublicationStatus
from tests import factories
from tests.accounts.people import make_people
from tests.e2e.test_agency_flow import assert_accessible, open_page, reference_data, sign_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.e2e
__all__ = ["open_page", "reference_data"]  # fixtures used by name

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def figures_panel(page):
    return page.inner_text("section[aria-labelledby=figures-heading]")


def test_an_editors_figure_waits_for_review_then_goes_public(
    reference_data, open_page, live_server
):
    people = make_people()
    cluster = factories.ClusterFactory(
        product="Brass ware",
        place="Moradabad",
        region=factories.region("Uttar Pradesh"),
        agency=people.agency_a,
        status=PublicationStatus.PUBLISHED,
        figures={"enterprise_count": 80},
        provenance=services.Provenance(year="2010-11", source="DC-MSME diagnostic study"),
    )
    public_path = f"/clusters/{cluster.slug}/"

    visitor = open_page()
    visitor.goto(public_path)
    before = figures_panel(visitor)
    assert "80" in before and "2010-11" in before

    # The editor records a newer figure: it waits for a curator's review.
    editor = sign_in(open_page(), "editor-a")
    editor.goto(f"/manage/clusters/{cluster.slug}/edit/")
    editor.fill("#id_enterprise_count", "1,450")
    editor.fill("#id_figures_year", "2019-20")
    editor.fill("#id_source", "Agency survey 2020")
    editor.click("text=Save changes")
    editor.wait_for_url(re.compile(rf"/manage/clusters/{cluster.slug}/$"))
    main = editor.inner_text("main")
    assert "Your change waits for a curator's review" in main
    assert "1,450" in main and "Agency survey 2020" in main
    assert_accessible(editor)

    # The public keeps the reviewed value.
    visitor.reload()
    assert figures_panel(visitor) == before
    assert "1,450" not in visitor.inner_text("main")

    # The curator finds it in the review queue and sees the diff.
    curator = sign_in(open_page(), "curator")
    curator.click("header >> text=Review queue")
    curator.click("main nav >> text=Proposed changes")
    assert_accessible(curator)
    curator.click(f"main table >> text={cluster}")
    diff = curator.inner_text(".revision-diff")
    for expected in (
        "Enterprises",
        "80",
        "2010-11",
        "DC-MSME diagnostic study",
        "1,450",
        "2019-20",
    ):
        assert expected in diff, expected
    assert "Agency survey 2020" in diff
    assert_accessible(curator)
    # Saved for the docs with REGISTRY_SCREENSHOTS set (as the other flows' screenshots are),
    # so that a test run leaves the repository as it found it.
    if os.environ.get("REGISTRY_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        curator.screenshot(path=str(SCREENSHOTS / "review-diff.png"), full_page=True)
    curator.click("main button:has-text('Approve')")
    assert "approved and public" in curator.inner_text("main")

    # Now the public page shows the new figure, the old one in its history.
    visitor.reload()
    panel = figures_panel(visitor)
    assert "1,450" in panel and "2019-20" in panel and "Agency survey 2020" in panel
    visitor.click("section[aria-labelledby=figures-heading] summary")
    history = figures_panel(visitor)
    assert "80" in history and "DC-MSME diagnostic study" in history
    assert "qualifies" in visitor.inner_text("main").lower() or "≥ 100" in visitor.inner_text(
        "main"
    )

    # The workspace history names who proposed and who approved.
    editor.goto(f"/manage/clusters/{cluster.slug}/history/")
    history = editor.inner_text("main")
    assert "proposed by editor-a, approved by curator" in history
