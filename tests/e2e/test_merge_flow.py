"""A curator merges two duplicate clusters in a real browser (issue 13).

The curator finds both records with the autocomplete (keyboard only), reads the comparison
and its warnings, keeps the other record's type, merges; the merged cluster's old address
then leads to the survivor, whose history names both records. axe finds nothing serious on
the comparison. With REGISTRY_SCREENSHOTS=1 the comparison is saved as
docs/screenshots/merge-side-by-side.png.
"""

import os
from pathlib import Path

import pytest

from clusters import services
from clusters.choices import ClusterType
from tests import factories
from tests.accounts.people import make_people
from tests.e2e.test_agency_flow import (  # noqa: F401 (reference_data is a fixture)
    assert_accessible,
    reference_data,
    sign_in,
)

pytestmark = pytest.mark.e2e

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "merge-side-by-side.png"


def pick(page, field, query, label):
    """Type `query` in the combobox `field`, choose the option `label` with the keyboard."""
    page.fill(field, "")
    page.type(field, query, delay=20)
    option = page.locator(f"{field}-listbox [role=option]", has_text=label).first
    option.wait_for()
    options = page.locator(f"{field}-listbox [role=option]")
    for index in range(options.count()):
        page.press(field, "ArrowDown")
        if options.nth(index).get_attribute("aria-selected") == "true" and label in (
            options.nth(index).inner_text()
        ):
            break
    page.press(field, "Enter")


@pytest.mark.usefixtures("reference_data")
def test_curator_merges_two_clusters_found_by_search(new_page, live_server, tmp_path):
    people = make_people()
    kept = factories.ClusterFactory(
        product="Handloom",
        place="Pochampally",
        region=factories.region("Telangana"),
        cluster_type=ClusterType.HANDLOOM,
        sector=factories.SectorFactory(name="Textiles"),
        figures={"loom_count": 5000},
        provenance=services.Provenance(year="2010-11", source="DC Handlooms profile"),
    )
    duplicate = factories.ClusterFactory(
        product="Handlooms",
        place="Pochampally",
        region=factories.region("Andhra Pradesh"),
        cluster_type=ClusterType.HANDICRAFT,
        sector=factories.SectorFactory(name="Handicrafts"),
        district="Yadadri Bhuvanagiri",
        description="Ikat silk and cotton saris, woven on pit looms.",
        figures={"enterprise_count": 700, "employment": 12000},
        provenance=services.Provenance(year="2015-16", source="Census"),
    )
    old_slug = duplicate.slug
    page = new_page(base_url=live_server.url)
    page.set_default_timeout(15_000)
    sign_in(page, people.curator.username)
    page.goto("/manage/merge/clusters/")
    pick(page, "#id_first", "pochampally", "Handloom, Pochampally")
    assert page.input_value("#id_first") == kept.slug
    pick(page, "#id_second", "pocham", "Handlooms, Pochampally")
    assert page.input_value("#id_second") == old_slug
    page.click("text=Compare")
    page.wait_for_selector(".merge-table")
    warnings = page.inner_text(".merge-warnings")
    assert "different cluster types (handloom vs handicraft)" in warnings
    assert "different states (Telangana vs Andhra Pradesh)" in warnings
    assert_accessible(page)
    shot = SCREENSHOT if os.environ.get("REGISTRY_SCREENSHOTS") else tmp_path / "merge.png"
    page.screenshot(path=shot, full_page=True, animations="disabled", caret="hide")
    page.check("#id_choose_cluster_type_1")
    page.click("button:has-text('Merge')")
    page.wait_for_url(f"**/manage/clusters/{kept.slug}/")
    kept.refresh_from_db()
    assert kept.cluster_type == ClusterType.HANDICRAFT
    response = page.goto(f"/clusters/{old_slug}/")
    assert page.url.endswith(f"/clusters/{kept.slug}/") and response.ok
    page.goto(f"/manage/clusters/{kept.slug}/history/")
    assert f"({old_slug})” into “Handloom cluster of Pochampally ({kept.slug})”" in (
        page.inner_text("main")
    )
