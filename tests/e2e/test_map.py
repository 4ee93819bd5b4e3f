"""The stakeholder map in a real browser: the Ludhiana hosiery cluster of the demo data shows
its stakeholders as shaped, coloured nodes, a keyboard reaches them and hears who each one
is, a click opens the stakeholder's page, and hovering a node brings out its links.

The data is what `make run` loads: the cluster profiles, the FAQ clusters, their
stakeholders and the FAQ's illustrative relationships among Ludhiana's stakeholders.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from playwright.sync_api import expect

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

DEMO_FILES = (
    (ClusterImporter, "clusters_india_profiles.csv"),
    (ClusterImporter, "faq_clusters.csv"),
    (StakeholderImporter, "stakeholders_india_profiles.csv"),
    (StakeholderImporter, "faq_stakeholders.csv"),
    (RelationshipImporter, "faq_relationships.csv"),
)
MAP = "/clusters/hosiery-ludhiana/map/"
# The stakeholder kinds of the FAQ's Ludhiana (Q4): manufacturers and buyers, spinners, dyers
# and machinery suppliers, colleges and banks, associations.
FAQ_KINDS = {"enterprise", "supplier", "institution", "association"}
TITLE = re.compile(
    r"^.+ — (Enterprise|Supplier|Institution|Association|BDS provider).* — \d+ links?$"
)


@pytest.fixture
def ludhiana(transactional_db):
    """Load the demo files, as `make run` does."""
    load_reference_data()
    cache.clear()  # no map or measures cached for an earlier test's cluster of the same id
    for importer, name in DEMO_FILES:
        result = importer().run(FIXTURES / name)
        assert result.ok, (name, result.errors)


def test_the_ludhiana_map_shows_the_faq_stakeholder_kinds(ludhiana, live_server, page):
    """Every stakeholder is a node shaped and coloured by kind; the FAQ's kinds are there."""
    page.goto(live_server.url + MAP)

    expect(page.get_by_role("heading", level=1)).to_have_text("Hosiery cluster of Ludhiana")
    nodes = page.locator("svg.map-svg a.map-node")
    expect(nodes.first).to_be_visible()
    kinds = set(
        nodes.evaluate_all(
            "nodes => nodes.map(n => [...n.classList].find(c => c.startsWith('map-node--') "
            "&& c !== 'map-node--isolated').slice('map-node--'.length))"
        )
    )
    assert kinds >= FAQ_KINDS
    # A kind is a colour and a shape: suppliers are squares drawn in the supplier colour.
    supplier_shape = page.locator("a.map-node--supplier .map-node__shape").first
    assert supplier_shape.evaluate("e => e.tagName") == "path"
    fill = supplier_shape.evaluate("e => getComputedStyle(e).fill")
    assert fill == "rgb(230, 159, 0)"  # Okabe-Ito orange
    # The relationships are arrows; the table under the map lists all 17.
    assert page.locator("svg.map-svg path.map-edge").count() == 17
    expect(page.locator("table.map-links tbody tr")).to_have_count(17)
    # The measures name the isolated stakeholders.
    expect(page.get_by_role("heading", name="Isolated stakeholders", level=3)).to_be_visible()


def test_tab_reaches_a_node_whose_title_is_announced(ludhiana, live_server, page):
    """Keyboard users reach the nodes with Tab; each is named by its title (name, kind,
    role, number of links) and shows a focus ring."""
    page.goto(live_server.url + MAP)

    for _press in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('a.map-node')"):
            break
    else:
        pytest.fail("Tab never reached a node of the map")
    focused = page.locator(":focus")
    title = focused.locator("title").text_content()
    assert TITLE.match(title), title
    expect(focused).to_have_accessible_name(title)
    ring = focused.locator(".map-node__ring")
    assert ring.evaluate("e => getComputedStyle(e).stroke") != "none"
    # map.js brings out the focused stakeholder's links.
    expect(page.locator("svg.map-svg")).to_have_class(re.compile("is-highlighting"))


def test_clicking_a_node_opens_the_stakeholder_page(ludhiana, live_server, page):
    """A node is a link to the stakeholder's public page."""
    page.goto(live_server.url + MAP)

    node = page.locator("a.map-node", has=page.locator("title", has_text="Ludhiana spinners"))
    node.locator(".map-node__shape").click()

    expect(page).to_have_url(re.compile(r"/stakeholders/ludhiana-spinners[^/]*/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ludhiana spinners")


def test_filters_redraw_the_map_and_work_without_javascript(ludhiana, live_server, new_page):
    """Without JavaScript the form still redraws the map on the server."""
    page = new_page(java_script_enabled=False)
    page.goto(live_server.url + MAP)

    # Everything is drawn, so every box starts ticked: keep finances only.
    boxes = page.locator('input[name="relationship"]')
    assert boxes.count() > 1
    for index in range(boxes.count()):
        boxes.nth(index).uncheck()
    page.get_by_label("finances").check()
    page.get_by_role("button", name="Redraw the map").click()

    expect(page).to_have_url(re.compile(r"relationship=finances"))
    assert page.locator("svg.map-svg path.map-edge").count() == 2
    kinds = page.locator("svg.map-svg a.map-node").evaluate_all(
        "nodes => nodes.map(n => n.classList[1])"
    )
    assert sorted(kinds) == [
        "map-node--enterprise",
        "map-node--enterprise",
        "map-node--institution",
    ]


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_the_map_page_has_no_serious_accessibility_violation(
    ludhiana, live_server, new_page, width
):
    """axe-core finds no serious or critical violation on the map page, wide or narrow."""
    page = new_page(viewport={"width": width, "height": 900})
    page.goto(live_server.url + MAP)

    results = Axe().run(page).response
    blocking = [
        (violation["id"], [node["target"] for node in violation["nodes"][:5]])
        for violation in results["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
    assert not blocking, blocking
    # Narrow screens scroll the map in its box; the page itself never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= width


# What the browser draws of each name on the map: its lines, anchor and glyphs' box.
DRAWN_NAMES = """svg => [...svg.querySelectorAll('text.map-label:not(.map-label--hover)')].map(t => {
  const spans = [...t.querySelectorAll('tspan')];
  const b = t.getBBox();
  return {
    lines: spans.length ? spans.map(s => s.textContent) : [t.textContent],
    x: +t.getAttribute('x'), y: +t.getAttribute('y'),
    anchor: t.getAttribute('text-anchor') || 'start',
    drawn: [b.x, b.y, b.x + b.width, b.y + b.height],
  };
})"""


def test_drawn_names_stay_inside_the_room_the_server_kept_free(ludhiana, live_server, page):
    """The glyphs of every drawn name lie within the box the server checked against the
    links, shapes and other names (stakeholders.network.labels' generous estimate of the
    font), so a name the browser draws crosses no line."""
    from stakeholders.network.labels import label_box

    page.goto(live_server.url + MAP)

    names = page.locator("svg.map-svg").evaluate(DRAWN_NAMES)
    assert len(names) >= 10
    for name in names:
        reserved = label_box(name["anchor"], name["x"], name["y"], name["lines"])
        drawn = name["drawn"]
        # Half a pixel for the coordinates rounded to one decimal.
        assert drawn[0] >= reserved[0] - 0.5 and drawn[2] <= reserved[2] + 0.5, (name, reserved)
        assert drawn[1] >= reserved[1] - 0.5 and drawn[3] <= reserved[3] + 0.5, (name, reserved)
    assert any(len(name["lines"]) > 1 for name in names)  # long names wrapped, whole
