"""The public directory in a real browser: a person finds clusters with the filter form, opens
a profile, downloads what they found, and nothing a record holds can run as a script.

The story: "which handloom clusters in West Bengal meet the benchmark, and which are
potential clusters?" The data is the demo import of fixtures/ (15 Indian cluster profiles
and their stakeholders) plus a few clusters made with the factories, so that the answer has
one of each classification and something the filters must leave out.
"""

import csv
import re
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from clusters.choices import ClusterType
from clusters.exports import export_columns
from clusters.imports import ClusterImporter
from clusters.services import Provenance
from stakeholders.choices import Kind
from stakeholders.imports import StakeholderImporter
from tests.conftest import CLUSTERS_CSV, STAKEHOLDERS_CSV
from tests.e2e.reference_data import (  # the fixture is used through pytestmark
    load_reference_data,
    reference_data_left_behind,  # noqa: F401
)
from tests.factories import ClusterFactory, MembershipFactory, StakeholderFactory, region

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data_left_behind"),
]

SCRIPT = "<script>alert(1)</script>"
# The handloom clusters of West Bengal once the data is loaded, with their classification.
WEST_BENGAL_HANDLOOM = {
    ("Handloom sarees", "Phulia"): "Qualifies",  # 3,200 looms, from the demo CSV
    ("Cotton towels", "Testpur"): "Potential cluster",  # 240 looms < 500
    ("Silk sarees", "Examplegram"): "Insufficient data",  # looms not recorded
}


@pytest.fixture
def registry(transactional_db):
    """Import the demo clusters and stakeholders, and add handloom clusters to tell apart."""
    load_reference_data()
    clusters = ClusterImporter().run(CLUSTERS_CSV)
    assert clusters.ok, clusters.errors
    stakeholders = StakeholderImporter().run(STAKEHOLDERS_CSV)
    assert stakeholders.ok, stakeholders.errors
    survey = Provenance(year="2015-16", source="Test handloom census")
    west_bengal = region("West Bengal")
    ClusterFactory(
        product="Cotton towels",
        place="Testpur",
        district="Nadia",
        cluster_type=ClusterType.HANDLOOM,
        region=west_bengal,
        figures={"loom_count": 240},
        provenance=survey,
    )
    ClusterFactory(
        product="Silk sarees",
        place="Examplegram",
        district="Murshidabad",
        cluster_type=ClusterType.HANDLOOM,
        region=west_bengal,
    )
    # Handloom elsewhere, and West Bengal's handicraft (Ghruni, from the CSV): both left out.
    ClusterFactory(
        product="Handloom shawls",
        place="Otherpur",
        cluster_type=ClusterType.HANDLOOM,
        region=region("Assam"),
        figures={"loom_count": 900},
        provenance=survey,
    )


def url(live_server, path):
    return live_server.url + path


def result_rows(page):
    """Return the (product, place) of every row of the results table, in order."""
    rows = page.locator(".data-table tbody tr")
    products = rows.locator('th[scope="row"]').all_inner_texts()
    places = rows.locator("td:nth-child(2)").all_inner_texts()
    return [
        (product.strip(), place.split(",")[0].split("\n")[0].strip())
        for product, place in zip(products, places, strict=True)
    ]


def result_badges(page):
    """Return {(product, place): classification label} of the results table."""
    badges = page.locator(".data-table tbody tr .badge").all_inner_texts()
    return {
        row: re.sub(r"^\W+", "", badge).strip()
        for row, badge in zip(result_rows(page), badges, strict=True)
    }


def query_of(page):
    """Return the query of the page's address as {name: [non-blank values]}."""
    return {name: values for name, values in parse_qs(urlsplit(page.url).query).items() if values}


def apply_handloom_west_bengal(page):
    """Fill in the filter form as a person would: tick Handloom, choose West Bengal, submit."""
    page.get_by_role("group", name="Type").get_by_role("checkbox", name="Handloom").check()
    page.get_by_label("State", exact=True).select_option(label="West Bengal")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()


def test_filter_form_answers_which_handloom_clusters_of_west_bengal_qualify(
    registry, live_server, page
):
    page.goto(url(live_server, "/clusters/"))
    everything = result_rows(page)
    assert ("Hosiery", "Ludhiana") in everything
    assert len(everything) == 18

    apply_handloom_west_bengal(page)

    # The address holds the filters, so the answer can be bookmarked and shared.
    query = query_of(page)
    assert query["cluster_type"] == ["handloom"]
    assert query["state"] == ["west-bengal"]
    assert result_badges(page) == WEST_BENGAL_HANDLOOM
    expect(page.locator(".result-count")).to_have_text("3 clusters")
    chips = page.locator(".chips .chip")
    expect(chips.filter(has_text="Type: Handloom")).to_be_visible()
    expect(chips.filter(has_text="State: West Bengal")).to_be_visible()
    # The form shows what was chosen.
    expect(
        page.get_by_role("group", name="Type").get_by_role("checkbox", name="Handloom")
    ).to_be_checked()
    expect(page.get_by_label("State", exact=True)).to_have_value("west-bengal")
    # Each badge carries its reason: 3,200 looms against the benchmark of 500.
    # (shown under the badge, not only as a tooltip).
    phulia = page.locator(".data-table tbody tr", has_text="Phulia").locator(".badge-reason")
    assert "3,200 looms ≥ 500" in phulia.text_content()

    # Narrow to the potential clusters with the classification facet.
    page.get_by_role("group", name="Classification").get_by_role(
        "checkbox", name="Potential cluster"
    ).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    assert query_of(page)["classification_status"] == ["potential"]
    assert result_rows(page) == [("Cotton towels", "Testpur")]

    # Back returns to the previous result, and again to the whole list.
    page.go_back()
    assert "classification_status" not in query_of(page)
    assert result_badges(page) == WEST_BENGAL_HANDLOOM
    page.go_back()
    assert query_of(page) == {}
    assert result_rows(page) == everything


def test_profile_opened_from_the_list_shows_figures_with_sources_and_stakeholders_by_kind(
    registry, live_server, page
):
    page.goto(url(live_server, "/clusters/?state=punjab"))
    listed = result_rows(page)
    assert listed == [("Hosiery", "Ludhiana")]

    page.get_by_role("link", name="Hosiery", exact=True).click()
    page.wait_for_url("**/clusters/hosiery-ludhiana/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hosiery cluster of Ludhiana")
    expect(page.locator(".classification")).to_contain_text(
        "12,000 enterprises ≥ 100: an industrial cluster by the UNIDO benchmark"
    )

    enterprises = page.locator(".figure-card", has=page.get_by_role("heading", name="Enterprises"))
    expect(enterprises.locator(".figure-card__value")).to_have_text("12,000")
    expect(enterprises.locator(".figure-card__source")).to_contain_text(
        "Source: Cluster Observatory India (clusterobservatory.in), cluster profile map_id=17162"
    )

    # Stakeholders by kind: each kind's panel counts and links the CSV's stakeholders.
    with STAKEHOLDERS_CSV.open(encoding="utf-8-sig", newline="") as handle:
        ludhiana = {
            (row["name"], row["kind"])
            for row in csv.DictReader(handle)
            if (row["cluster_product"], row["cluster_place"]) == ("Hosiery", "Ludhiana")
        }
    expected = Counter(kind for _name, kind in ludhiana)
    assert sum(expected.values()) == len(ludhiana) >= 20
    expect(page.locator("#stakeholders-heading")).to_contain_text(f"({len(ludhiana)})")
    labels = {kind: str(label) for kind, label in Kind.choices}
    for kind, label in labels.items():
        panel = page.locator(f".kind-panel.kind--{kind.replace('_', '-')}")
        heading = panel.get_by_role("heading", level=3)
        if expected[kind]:
            expect(heading).to_have_text(re.compile(rf"{label}\s+{expected[kind]}$"))
            names = panel.get_by_role("link").all_inner_texts()
            assert sorted(names) == sorted(name for name, k in ludhiana if k == kind)
        else:
            expect(heading).to_contain_text("none recorded")
    missing = [labels[kind] for kind in labels if not expected[kind]]
    if missing:
        expect(page.locator(".notice--warning")).to_contain_text(", ".join(missing))

    # Back returns to the list as it was.
    page.go_back()
    assert query_of(page) == {"state": ["punjab"]}
    assert result_rows(page) == listed


def test_download_csv_holds_exactly_the_filtered_rows(registry, live_server, page):
    page.goto(url(live_server, "/clusters/"))
    apply_handloom_west_bengal(page)
    shown = result_rows(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("clusters-")
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert tuple(reader.fieldnames) == export_columns()
    assert [(row["product"], row["place"]) for row in rows] == shown
    assert {row["cluster_type"] for row in rows} == {"handloom"}
    assert {row["state"] for row in rows} == {"West Bengal"}
    by_place = {row["place"]: row for row in rows}
    assert by_place["Phulia"]["loom_count"] == "3200"
    assert by_place["Phulia"]["classification_status"] == "qualifies"
    assert by_place["Testpur"]["classification_status"] == "potential"
    assert by_place["Examplegram"]["loom_count"] == ""  # unknown stays blank, never 0


def test_markup_in_a_record_is_shown_as_text_and_never_runs(registry, live_server, page):
    cluster = ClusterFactory(
        product=SCRIPT,
        place="Testpur",
        cluster_type=ClusterType.INDUSTRIAL,
        region=region("West Bengal"),
        description='<img src="x" onerror="alert(2)"> made here',
        figures={"enterprise_count": 150},
        provenance=Provenance(source="<b onmouseover=alert(3)>survey</b>"),
    )
    stakeholder = StakeholderFactory(name=f"{SCRIPT} Association", kind=Kind.ASSOCIATION)
    MembershipFactory(cluster=cluster, stakeholder=stakeholder)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto(url(live_server, "/clusters/?q=script"))
    link = page.get_by_role("link", name=SCRIPT, exact=True)
    expect(link).to_be_visible()
    link.click()
    page.wait_for_url(f"**{cluster.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{SCRIPT} cluster of Testpur")
    expect(page.get_by_text('<img src="x" onerror="alert(2)"> made here')).to_be_visible()
    expect(page.get_by_text("<b onmouseover=alert(3)>survey</b>")).to_be_visible()
    assert SCRIPT in page.title()

    page.get_by_role("link", name=f"{SCRIPT} Association").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{SCRIPT} Association")
    for path in ("/", "/stakeholders/", "/stats/"):
        page.goto(url(live_server, path))
    page.goto(url(live_server, "/"))
    expect(page.get_by_role("link", name=f"{SCRIPT}, Testpur")).to_be_visible()

    assert page.locator("img[src='x']").count() == 0
    assert dialogs == []


def focus_state(page):
    """Return what has the keyboard focus and whether its focus indicator is drawn."""
    return page.evaluate(
        """() => {
            const element = document.activeElement;
            const style = getComputedStyle(element);
            const box = element.getBoundingClientRect();
            return {
                tag: element.tagName.toLowerCase(),
                id: element.id,
                name: element.getAttribute("name") || "",
                value: element.getAttribute("value") || "",
                text: element.textContent.trim().slice(0, 40),
                focusVisible: element.matches(":focus-visible"),
                outline: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth),
                onScreen: box.width > 0 && box.height > 0 && box.bottom > 0
                    && box.top < window.innerHeight,
            };
        }"""
    )


def tab_to(page, matches, limit=150):
    """Press Tab until `matches(focus_state)`; check every stop shows where the focus is."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = focus_state(page)
        assert state["focusVisible"], state
        assert state["outline"] >= 2, f"no visible focus outline on {state}"
        assert state["onScreen"], f"the focused element is off screen: {state}"
        if matches(state):
            return state
    raise AssertionError(f"the keyboard never reached the element after {limit} presses of Tab")


def test_filter_form_works_from_the_keyboard_with_visible_focus(registry, live_server, page):
    page.goto(url(live_server, "/clusters/"))

    # The first Tab reaches the skip link, shown on screen; Enter moves on to the content.
    skip = tab_to(page, lambda state: True, limit=1)
    assert skip["text"] == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    tab_to(page, lambda state: state["id"] == "id_q")
    page.keyboard.type("sarees")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert query_of(page)["q"] == ["sarees"]
    assert set(result_rows(page)) == {("Handloom sarees", "Phulia"), ("Silk sarees", "Examplegram")}

    tab_to(page, lambda state: state["name"] == "cluster_type" and state["value"] == "handloom")
    page.keyboard.press("Space")
    tab_to(page, lambda state: state["name"] == "state")
    page.keyboard.type("West Bengal")  # a closed select picks the option typed
    tab_to(page, lambda state: state["tag"] == "button" and state["text"] == "Apply filters")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    query = query_of(page)
    assert query["q"] == ["sarees"]
    assert query["cluster_type"] == ["handloom"]
    assert query["state"] == ["west-bengal"]
    assert set(result_rows(page)) == {("Handloom sarees", "Phulia"), ("Silk sarees", "Examplegram")}

    # The results and their links are reachable too.
    tab_to(page, lambda state: state["tag"] == "a" and state["text"] == "Handloom sarees")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Handloom sarees cluster of Phulia")


def test_phone_filter_panel_opens_from_the_keyboard(registry, live_server, new_page):
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto(url(live_server, "/clusters/"))
    search = page.get_by_label("Search")
    expect(search).to_be_hidden()  # folded on a phone until asked for
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    tab_to(page, lambda state: state["tag"] == "summary")
    page.keyboard.press("Enter")
    expect(search).to_be_visible()
    tab_to(page, lambda state: state["id"] == "id_q")
    page.keyboard.type("Ludhiana")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert result_rows(page) == [("Hosiery", "Ludhiana")]
    # With an active filter the panel stays open, and the page still fits the screen.
    expect(page.get_by_label("Search")).to_have_value("Ludhiana")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
