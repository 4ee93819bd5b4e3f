"""The API's docs pages (issue 16): Swagger UI at /api/docs/ and Redoc at /api/redoc/ sit in
the site's header and footer and are accessible: axe finds no serious or critical violation
once the reference is drawn (and with an operation opened), at 1280 and 390 px, and neither
page scrolls sideways."""

import pytest

from tests.e2e.reference_data import (  # the fixture is used through pytestmark
    load_reference_data,
    reference_data_left_behind,  # noqa: F401
)
from tests.e2e.test_accessibility import BLOCKING, WIDTHS, describe
from tests.e2e.test_admin_accessibility import AXE

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data_left_behind"),
]


@pytest.fixture
def reference(transactional_db):
    load_reference_data()


def problems_of(page, name):
    problems = []
    blocking = [v for v in AXE.run(page).response["violations"] if v["impact"] in BLOCKING]
    width = page.viewport_size["width"]
    if blocking:
        problems.append(f"{name} at {width} px:\n{describe(blocking)}")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll > page.evaluate("window.innerWidth"):
        problems.append(f"{name} at {width} px is {scroll} px wide")
    return problems


@pytest.mark.usefixtures("reference")
def test_swagger_ui_is_accessible(new_page, live_server):
    problems = []
    for viewport in WIDTHS.values():
        page = new_page(viewport=viewport, base_url=live_server.url)
        page.set_default_timeout(15_000)
        assert page.goto("/api/docs/").ok
        page.wait_for_selector(".opblock-tag")
        problems += problems_of(page, "Swagger UI")
        # An operation opened, with its parameters and responses.
        page.locator(".opblock-summary-control").first.click()
        page.wait_for_selector(".opblock-body")
        problems += problems_of(page, "Swagger UI, an operation opened")
        page.close()
    assert not problems, "\n".join(problems)


@pytest.mark.usefixtures("reference")
def test_redoc_is_accessible(new_page, live_server):
    problems = []
    for viewport in WIDTHS.values():
        page = new_page(viewport=viewport, base_url=live_server.url)
        page.set_default_timeout(15_000)
        assert page.goto("/api/redoc/").ok
        page.wait_for_selector("#redoc-container .api-content", state="attached", timeout=60_000)
        problems += problems_of(page, "Redoc")
        page.close()
    assert not problems, "\n".join(problems)


@pytest.mark.usefixtures("reference")
def test_docs_pages_have_the_site_header_and_a_way_back(new_page, live_server):
    """Both pages name their language and link back to the registry from the header."""
    page = new_page(base_url=live_server.url)
    for address in ("/api/docs/", "/api/redoc/"):
        page.goto(address)
        assert page.get_attribute("html", "lang").startswith("en")
        assert page.locator("header.site-header a.site-name").get_attribute("href") == "/"
        assert page.locator("footer.site-footer").count() == 1
        nav = page.locator("header .site-nav a[aria-current=page]")
        assert nav.inner_text() == "API"
