"""An implementing agency enters a cluster, a curator publishes it, in a real browser.

An editor of agency A signs in through the form, enters a cluster with two stakeholders
and a relationship and submits it; it is not public until a curator approves it; an
editor of agency B cannot open it by address, before or after; two people editing at
once cannot overwrite each other; the history shows every step.
"""

import importlib
import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.accounts.people import PASSWORD, make_people

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.e2e


@pytest.fixture
def reference_data(transactional_db):
    """Load what the migrations load (India's states, the UNIDO benchmarks) again.

    The browser and the live server share committed data, so the test runs on a
    transactional database, and a transactional test empties every table when it ends:
    an earlier browser test leaves no states behind. (serialized_rollback does not bring
    them back once an earlier test has started the session's browser: the serialized copy
    is not found on the connection the test then uses.)
    """
    from django.apps import apps

    migration = importlib.import_module("clusters.migrations.0002_regions_and_benchmarks")
    migration.load(apps, None)


@pytest.fixture
def open_page(new_page, live_server):
    """Return a function opening a page, in its own browser context, on the live server."""

    def open_():
        page = new_page(base_url=live_server.url)
        page.set_default_timeout(15_000)
        return page

    return open_


def sign_in(page, username):
    """Sign `page` in through the sign-in form and return it."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/profile/")
    return page


def status_of(page, address):
    return page.goto(address).status


AXE = Axe()


def assert_accessible(page):
    """Fail on any serious or critical axe violation of the page as it is now (UI.md)."""
    violations = [
        (violation["id"], violation["help"], [node["target"] for node in violation["nodes"]][:3])
        for violation in AXE.run(page).response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert not violations, (page.url, violations)


def test_agency_enters_a_cluster_and_a_curator_publishes_it(reference_data, open_page, live_server):
    people = make_people()

    # An editor of agency A signs in through the form; the header names the agency.
    login = open_page()
    login.goto("/accounts/login/")
    assert_accessible(login)
    editor = sign_in(login, "editor-a")
    assert "Agency A" in editor.inner_text("header")

    # They enter a new cluster from "My clusters".
    editor.click("header >> text=My clusters")
    editor.click("text=Enter a new cluster")
    # A first try without a type: the error is at the field and summarised, typing kept.
    editor.fill("#id_product", "Hand-knotted carpets")
    editor.fill("#id_enterprise_count", "-3")
    editor.click("text=Save as draft")
    assert "There is a problem" in editor.inner_text(".error-summary")
    assert "Choose the type of cluster." in editor.inner_text(".error-summary")
    assert editor.get_attribute("#id_enterprise_count", "aria-invalid") == "true"
    assert editor.input_value("#id_product") == "Hand-knotted carpets"
    assert_accessible(editor)
    editor.fill("#id_product", "Hand-knotted carpets")
    editor.fill("#id_place", "Bhadohi")
    editor.fill("#id_district", "Sant Ravidas Nagar")
    editor.fill("#id_state", "Uttar Pradesh")
    editor.select_option("#id_cluster_type", "handicraft")
    editor.fill("#id_sector", "Textiles")
    editor.fill("#id_enterprise_count", "3,000")
    editor.fill("#id_employment", "2,00,000")
    editor.fill("#id_figures_year", "2015-16")
    editor.fill("#id_source", "Diagnostic study 2016")
    editor.click("text=Save as draft")
    editor.wait_for_url(re.compile(r"/manage/clusters/[\w-]+/$"))
    assert "is saved as a draft" in editor.inner_text("main")
    cluster_path = editor.url.removeprefix(live_server.url)
    slug = cluster_path.rstrip("/").rsplit("/", 1)[-1]

    # Two stakeholders: the search comes first; nothing matches, so each is entered.
    editor.click("main nav >> text=Stakeholders")
    for name, kind, role in (
        ("Bhadohi Carpet Exporters", "enterprise", "exporter"),
        ("Carpet Export Promotion Council", "association", "industry_association"),
    ):
        editor.fill("#id_q", name.split()[0] + " " + name.split()[1])
        editor.click("main form[role=search] button")
        assert "Enter it below" in editor.inner_text("main")
        editor.fill("#id_name", name)
        editor.select_option("#id_kind", kind)
        editor.select_option("#id_role", role)
        editor.fill("#id_state", "Uttar Pradesh")
        editor.click("text=Enter and link to this cluster")
        assert f"{name} is entered and is now a member." in editor.inner_text("main")
    assert "2 members" in editor.inner_text("main")
    assert_accessible(editor)

    # A relationship between the two members.
    editor.click("main nav >> text=Relationships")
    editor.select_option("#id_source", label="Bhadohi Carpet Exporters (Enterprise)")
    editor.select_option("#id_kind", "member_of")
    editor.select_option("#id_target", label="Carpet Export Promotion Council (Association)")
    editor.fill("#id_since", "2010")
    editor.click("text=Record the relationship")
    assert_accessible(editor)
    assert (
        "Recorded: Bhadohi Carpet Exporters is a member of Carpet Export Promotion Council"
        in editor.inner_text("main")
    )

    # Submitted for review, the cluster is still not public.
    editor.click("main nav >> text=Overview")
    editor.click("text=Submit for review")
    assert "is submitted" in editor.inner_text("main")
    visitor = open_page()
    visitor.goto("/clusters/")
    assert "Hand-knotted carpets" not in visitor.inner_text("main")
    assert status_of(visitor, f"/clusters/{slug}/") == 404

    # The editor of agency B cannot open the draft by its address.
    other = sign_in(open_page(), "editor-b")
    for address in (cluster_path, f"{cluster_path}edit/", f"{cluster_path}stakeholders/"):
        assert status_of(other, address) == 404, address

    # Two people edit the same cluster (submitted, not yet public: edits apply at once; a
    # published cluster's edits are proposals, tests/e2e/test_revision_flow.py): the second
    # save is refused, their typing kept.
    first = editor
    second = sign_in(open_page(), "editor-a")
    first.goto(f"{cluster_path}edit/")
    second.goto(f"{cluster_path}edit/")
    second.fill("#id_district", "Bhadohi district")
    second.click("text=Save changes")
    assert "Your changes are saved." in second.inner_text("main")
    first.fill("#id_description", "Typed in the first window")
    first.click("text=Save changes")
    main = first.inner_text("main")
    assert "Someone else saved this cluster after you opened it" in main
    assert first.input_value("#id_description") == "Typed in the first window"
    assert first.input_value("#id_district") == "Sant Ravidas Nagar"
    assert_accessible(first)

    # A curator approves it from the review queue; now it is public.
    curator = sign_in(open_page(), "curator")
    curator.click("header >> text=Review queue")
    assert_accessible(curator)
    item = curator.locator(".review-item", has_text="Hand-knotted carpets")
    item.locator("button", has_text="Approve and publish").click()
    assert "approved and published" in curator.inner_text("main")
    visitor.goto("/clusters/")
    assert "Hand-knotted carpets" in visitor.inner_text("main")
    assert status_of(visitor, f"/clusters/{slug}/") == 200

    # Published is readable by everyone but editable only by its agency and the curators.
    assert status_of(other, f"/clusters/{slug}/") == 200
    assert status_of(other, f"{cluster_path}edit/") == 404

    # The history page shows each step, with who did it and why.
    first.goto(f"{cluster_path}history/")
    assert_accessible(first)
    history = first.inner_text("main")
    for expected in (
        "site: new cluster",
        "Member: Bhadohi Carpet Exporters",
        "Member: Carpet Export Promotion Council",
        "Relationship: Bhadohi Carpet Exporters is a member of Carpet Export Promotion Council",
        "workflow: Submitted for review",
        "workflow: Approved and published",
        "site: edit",
        "Sant Ravidas Nagar",
        "Bhadohi district",
        "editor-a",
        "curator",
    ):
        assert expected in history, expected
    assert people.agency_a.clusters.get(slug=slug).status == "published"
