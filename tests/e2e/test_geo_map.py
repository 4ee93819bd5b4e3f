"""The geographic map of clusters in a real browser: the demo clusters (with the
coordinates of their towns) on India's states, the list's filters carried to the map and
back, a state's link, the measure switch without JavaScript, keyboard focus on the dots,
and axe at desktop and phone widths. With REGISTRY_SCREENSHOTS set, the map is saved as
docs/screenshots/cluster-map.png.
"""

import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from playwright.sync_api import expect

from clusters.imports import ClusterImporter
from clusters.models import Cluster
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
MAP = "/clusters/map/"
TOWNS = {
    "Ludhiana": ("30.9010", "75.8573"),
    "Tirupur": ("11.1085", "77.3411"),
    "Morbi": ("22.8173", "70.8377"),
    "Kolhapur": ("16.7050", "74.2433"),
    "Howrah": ("22.5958", "88.2636"),
    "Ahmedabad": ("23.0225", "72.5714"),
    "Rajkot": ("22.3039", "70.8022"),
    "Alappuzha": ("9.4981", "76.3388"),
    "Pune": ("18.5204", "73.8567"),
    "Phulia": ("23.2333", "88.5000"),
    "Moradabad": ("28.8386", "78.7733"),
    "Jaipur": ("26.9124", "75.7873"),
}


@pytest.fixture
def demo(transactional_db):
    """Load the demo clusters, as `make run` does, and give the towns their coordinates."""
    load_reference_data()
    cache.clear()
    for name in ("clusters_india_profiles.csv", "faq_clusters.csv"):
        result = ClusterImporter().run(FIXTURES / name)
        assert result.ok, (name, result.errors)
    for place, (latitude, longitude) in TOWNS.items():
        Cluster.objects.filter(place=place).update(
            latitude=Decimal(latitude), longitude=Decimal(longitude)
        )
    cache.clear()  # the page cache: the update above wrote no history


def test_the_list_filters_go_to_the_map_and_back(demo, live_server, page):
    """Filtered on the list, "Map" shows the same clusters; a state narrows it; "List" goes
    back with the filters."""
    page.goto(live_server.url + "/clusters/?cluster_type=industrial")
    page.get_by_role("navigation", name="Show the clusters as").get_by_role(
        "link", name="Map"
    ).click()
    expect(page).to_have_url(re.compile(r"/clusters/map/\?cluster_type=industrial$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Map of clusters")
    expect(page.locator(".chip")).to_contain_text("industrial", ignore_case=True)
    gujarat = page.locator("a.geo-state[data-code='IN-GJ']")
    assert gujarat.get_attribute("aria-label") == "Gujarat: 4 clusters"
    # Outside India: the Italian and Austrian clusters, listed beside the map.
    aside = page.locator("aside.geo-aside")
    expect(aside.get_by_role("link", name="IT")).to_be_visible()
    expect(aside.get_by_role("link", name="AT")).to_be_visible()

    gujarat.click()
    expect(page).to_have_url(re.compile(r"state=gujarat"))
    dots = page.locator("a.geo-dot")
    expect(dots).to_have_count(4)
    # One state: its districts, Ahmedabad found under the boundary's spelling "Ahmadabad".
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Map of clusters: Gujarat by district"
    )
    table = page.locator("#geo-table table")
    expect(table.locator("tbody th")).to_have_text(["Rajkot", "Ahmadabad", "Morbi"])
    expect(table.locator("tfoot th")).to_have_text("Gujarat")
    rajkot = page.locator("a.geo-district[aria-label^='Rajkot:']")
    assert rajkot.get_attribute("aria-label") == "Rajkot: 2 clusters"
    page.get_by_role("link", name="Back to all of India").click()
    expect(page).to_have_url(re.compile(r"/clusters/map/\?cluster_type=industrial$"))
    page.go_back()

    page.get_by_role("navigation", name="Show the clusters as").get_by_role(
        "link", name="List"
    ).click()
    expect(page).to_have_url(re.compile(r"/clusters/\?cluster_type=industrial&state=gujarat$"))
    expect(page.locator("table.data-table tbody tr")).to_have_count(4)


def test_a_dot_is_reached_by_keyboard_and_opens_the_profile(demo, live_server, page):
    """Tab reaches the dots, whose names say the cluster and its classification; the focus
    shows the tooltip; Enter opens the profile."""
    page.goto(live_server.url + MAP + "?state=punjab")
    dot = page.locator("a.geo-dot").first
    expect(dot.locator("title")).to_have_text(re.compile(r"^Hosiery, Ludhiana \("))
    dot.focus()
    expect(page.locator(".geo-tooltip")).to_have_text(re.compile(r"^Hosiery, Ludhiana"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/clusters/hosiery-ludhiana/$"))


def test_the_measure_switch_works_without_javascript(demo, live_server, new_page):
    """Without JavaScript the plain form redraws the map by employment, keeping the filters."""
    page = new_page(java_script_enabled=False)
    page.goto(live_server.url + MAP + "?cluster_type=industrial")
    page.get_by_role("radio", name="Employment").check()
    page.get_by_role("button", name="Redraw").click()
    expect(page).to_have_url(re.compile(r"cluster_type=industrial.*measure=employment"))
    punjab = page.locator("a.geo-state[data-code='IN-PB']")
    label = punjab.get_attribute("aria-label")
    assert label == "Punjab: employment 5,00,000 (known for 1 of 1 cluster)"
    expect(page.locator("#geo-table caption")).to_be_visible()
    # The state links (on the map and in the table) are plain links.
    assert punjab.get_attribute("href").endswith("measure=employment&state=punjab")
    page.locator("#geo-table").get_by_role("link", name="Punjab").click()
    expect(page).to_have_url(re.compile(r"state=punjab"))
    expect(page.locator("#geo-table tbody th")).to_have_text(["Ludhiana"])


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_the_map_page_has_no_serious_accessibility_violation(demo, live_server, new_page, width):
    """axe-core finds no serious or critical violation, wide or narrow; the page never
    scrolls sideways."""
    page = new_page(viewport={"width": width, "height": 900})
    for measure in ("clusters", "employment"):
        page.goto(f"{live_server.url}{MAP}?measure={measure}")
        results = Axe().run(page).response
        blocking = [
            (violation["id"], [node["target"] for node in violation["nodes"][:5]])
            for violation in results["violations"]
            if violation["impact"] in {"serious", "critical"}
        ]
        assert not blocking, blocking
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    if os.environ.get("REGISTRY_SCREENSHOTS"):
        page.goto(f"{live_server.url}{MAP}")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = "cluster-map.png" if width == 1280 else "cluster-map-phone.png"
        page.locator("main").screenshot(path=str(SCREENSHOTS / name))


@pytest.mark.parametrize("measure", ["clusters", "employment"])
def test_a_states_district_map_is_accessible_on_a_phone(demo, live_server, new_page, measure):
    """West Bengal's map by district at 390 px: axe finds no serious or critical violation,
    the page never scrolls sideways, Howrah is found under the boundary's "Haora", and the
    districts' table is there."""
    page = new_page(viewport={"width": 390, "height": 900})
    page.goto(f"{live_server.url}{MAP}?state=west-bengal&measure={measure}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Map of clusters: West Bengal by district"
    )
    expect(page.locator(".geo-district")).to_have_count(23)
    haora = page.locator("a.geo-district[aria-label^='Haora:']")
    expected = "Haora: 2 clusters" if measure == "clusters" else "Haora: employment 15,000"
    assert haora.get_attribute("aria-label").startswith(expected)
    expect(page.locator("#geo-table tbody th").first).to_be_visible()
    results = Axe().run(page).response
    blocking = [
        (violation["id"], [node["target"] for node in violation["nodes"][:5]])
        for violation in results["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
    assert not blocking, blocking
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # A district links to its row of the table.
    haora.click()
    expect(page).to_have_url(re.compile(r"#geo-district-\d+$"))


def test_an_editor_picks_the_coordinates_on_the_map(demo, live_server, new_page):
    """On the cluster form, a click on the small map of India fills in the latitude and
    longitude, and the point is shown; typed values move it; the form saves them."""
    from tests.accounts.people import make_people
    from tests.e2e.test_agency_flow import sign_in

    make_people()
    page = new_page(base_url=live_server.url)
    sign_in(page, "editor-a")
    page.goto("/manage/clusters/new/")
    picker = page.locator("[data-coordinate-picker] svg")
    expect(picker).to_be_visible()
    picker.scroll_into_view_if_needed()
    box = picker.bounding_box()
    # Near the middle of the map: central India.
    page.mouse.click(box["x"] + box["width"] * 0.35, box["y"] + box["height"] * 0.5)
    latitude = float(page.input_value("#id_latitude"))
    longitude = float(page.input_value("#id_longitude"))
    assert 15 < latitude < 28 and 72 < longitude < 84
    expect(page.locator("[data-picker-point]")).to_have_count(1)
    page.fill("#id_latitude", "30.9010")
    page.fill("#id_longitude", "75.8573")
    cy = float(page.locator("[data-picker-point]").get_attribute("cy"))
    from clusters import geography

    assert abs(cy - geography.project(30.901, 75.8573)[1]) < 0.2
    results = Axe().run(page).response
    blocking = [v["id"] for v in results["violations"] if v["impact"] in {"serious", "critical"}]
    assert not blocking, blocking
