"""The curators' data-quality desk in a real browser: a curator signs in, reads the counts,
opens a list, follows a probable duplicate to the merge page; axe finds no serious or
critical violation on the desk.

With REGISTRY_SCREENSHOTS=<directory> set, the test also saves the desk with its findings
as <directory>/quality-desk.png (docs/screenshots/quality-desk.png was taken this way).
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from clusters.choices import ClusterType
from clusters.services import Provenance
from stakeholders.choices import Kind
from stakeholders.services import stakeholder_link_to_cluster
from tests.accounts.people import PASSWORD, make_people
from tests.e2e.reference_data import (  # the fixture is used through pytestmark
    load_reference_data,
    reference_data_left_behind,  # noqa: F401
)
from tests.e2e.test_accessibility import BLOCKING, describe
from tests.factories import ClusterFactory, ClusterFigureFactory, StakeholderFactory, region

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data_left_behind"),
]


@pytest.fixture
def findings(transactional_db):
    """A few clusters with something to correct: a missing count, sources that disagree,
    a probable duplicate pair, stakeholders of two kinds only."""
    load_reference_data()
    people = make_people()
    up = region("Uttar Pradesh")
    ClusterFactory(product="Brass ware", place="Moradabad", region=up, agency=people.agency_a)
    ClusterFactory(
        product="Brass-ware",
        place="Moradabad",
        region=up,
        agency=people.agency_b,
        figures={"enterprise_count": 4000},
        provenance=Provenance(year="2009-10", source="Diagnostic study"),
    )
    tirupur = ClusterFactory(
        product="Cotton knitwear",
        place="Tirupur",
        region=region("Tamil Nadu"),
        agency=people.agency_a,
        figures={"enterprise_count": 9000},
        provenance=Provenance(source="FAQ Q12"),
    )
    ClusterFigureFactory(
        cluster=tirupur, value=3200, year="2010-11", source="Cluster profile 2010-11"
    )
    ClusterFactory(
        product="Silk sarees",
        place="Varanasi",
        region=up,
        cluster_type=ClusterType.HANDLOOM,
        figures={"enterprise_count": 1200},
        provenance=Provenance(year="2016", source="Handloom census"),
    )
    for name, kind in (
        ("Tirupur Exporters Association", Kind.ASSOCIATION),
        ("Tirupur Yarn Dealers", Kind.SUPPLIER),
    ):
        member = StakeholderFactory(name=name, kind=kind, region=region("Tamil Nadu"))
        stakeholder_link_to_cluster(stakeholder=member, cluster=tirupur)
    return people


def test_a_curator_works_through_the_desk(findings, live_server, new_page):
    page = new_page(base_url=live_server.url)
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.fill("#id_username", "curator")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/profile/")

    page.click("header >> text=Data quality")
    page.wait_for_url("**/manage/quality/")
    summary = page.inner_text("table.quality-summary")
    assert "Clusters missing the figure their benchmark needs" in summary
    assert "choose a state" in summary

    # Each count links to its records.
    page.click("table.quality-summary tr:has-text('Sources that disagree') td.num a")
    page.wait_for_url("**/manage/quality/?list=disagreements")
    body = page.inner_text("main")
    assert "Cotton knitwear, Tirupur" in body
    assert "64%" in body

    page.goto("/manage/quality/?list=missing-figure")
    assert "Silk sarees, Varanasi" in page.inner_text("main")
    assert_no_serious_violation(page)

    page.goto("/manage/quality/?list=duplicate-clusters")
    assert_no_serious_violation(page)
    shots = os.environ.get("REGISTRY_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(Path(shots) / "quality-desk.png"),
            full_page=True,
            animations="disabled",
            caret="hide",
        )
    page.click("text=Compare and merge")
    page.wait_for_url("**/manage/merge/clusters/?first=*")
    assert "Choose the record that survives" in page.inner_text("main")


def assert_no_serious_violation(page):
    results = Axe().run(page).response
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
    assert not blocking, describe(blocking)
