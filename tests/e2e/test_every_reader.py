"""Every page a reader reaches, on a phone and in Hindi (issue 16).

The pages are found, not listed: a crawler follows the links of the site from the home page
(and of the workspace from /manage/, signed in as an agency editor and as a curator) and
visits the first two addresses of each kind of page (each URL name), so a page added later is
checked without a change here. On each, at a phone's width (390 px, and 360 px for the
public pages), the page must not scroll sideways: `scrollWidth <= innerWidth` (a wide
table may scroll inside its own region). In Hindi, every public page has <html lang="hi">
and no English word left outside the data (the records' own names, places and sources).
"""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from clusters.models import Cluster
from stakeholders.demo_names import demo_local_names_load
from tests.accounts.people import PASSWORD, make_people
from tests.e2e.reference_data import reference_data_left_behind  # noqa: F401
from tests.e2e.test_accessibility import demo  # noqa: F401  (the demo data, used below)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data_left_behind", "demo"),
]

PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}
PER_KIND = 2
MAX_PAGES = 80
# Files, not pages; and links that change state or leave the site's pages.
SKIPPED = re.compile(
    r"\.(csv|xlsx|json|graphml|svg|png|pdf)(\?|$)|/export|/download|/logout|/admin/|/api/"
)
# Words that stay in Latin script in Hindi: codes, acronyms and names of standards.
LATIN_ALLOWED = {
    "api", "csv", "xlsx", "json", "graphml", "url", "unido", "sfurti", "msme", "mse", "cdp",
    "iso", "inr", "bds", "openapi", "rest", "id", "ok", "html", "svg", "pdf", "cc", "by",
    "faq", "q", "nhdp", "chcds", "kvic", "sidbi", "bee", "teri", "sameeeksha", "sidhiee",
    "in", "rs", "gst", "pan", "ngo", "shg", "cfc", "utc", "ist", "excel", "mit",
    "i", "ii", "iii", "iv", "v", "vi",  # the numbers of FAQ Q43's parameters
    "n",  # a sample's size under a chart's column ("n=12")
}  # fmt: skip


def same_site_links(page, base):
    """Return the addresses of the page's links that stay on the site."""
    # SVG links (the maps) hold their href as an object: resolve the attribute instead.
    hrefs = page.eval_on_selector_all(
        "a[href]", "nodes => nodes.map(n => new URL(n.getAttribute('href'), document.baseURI).href)"
    )
    found = []
    for href in hrefs:
        if not href.startswith(base):
            continue
        address = href[len(base) :].split("#")[0] or "/"
        if not SKIPPED.search(address):
            found.append(address)
    return found


def kind_of(address):
    """Return the URL name of `address` (the kind of page), or None if it is no page."""
    try:
        match = resolve(urlsplit(address).path)
    except Resolver404:
        return None
    return f"{match.namespace}:{match.url_name}"


def crawl(page, base, starts, *, within=None):
    """Visit the pages reachable from `starts` (PER_KIND of each kind; addresses starting
    with `within` only, when given) and return [(address, response status, overflow px)]."""
    queue, seen, per_kind, visited = list(starts), set(), {}, []
    while queue and len(visited) < MAX_PAGES:
        address = queue.pop(0)
        if address in seen:
            continue
        seen.add(address)
        kind = kind_of(address)
        if kind is None or per_kind.get(kind, 0) >= PER_KIND:
            continue
        if within and not urlsplit(address).path.startswith(within):
            continue
        per_kind[kind] = per_kind.get(kind, 0) + 1
        response = page.goto(base + address)
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        visited.append((address, response.status, overflow))
        queue.extend(same_site_links(page, base))
    return visited


def assert_no_sideways_scroll(visited, width):
    wide = [
        f"{address} is {overflow} px too wide" for address, _s, overflow in visited if overflow > 0
    ]
    broken = [f"{address} answered {status}" for address, status, _o in visited if status >= 500]
    assert not broken, "\n".join(broken)
    assert not wide, f"pages scroll sideways at {width} px:\n" + "\n".join(wide)


@pytest.mark.parametrize("viewport", [PHONE, SMALL_PHONE], ids=["390px", "360px"])
def test_no_public_page_scrolls_sideways_on_a_phone(live_server, new_page, viewport):
    page = new_page(viewport=viewport)
    visited = crawl(page, live_server.url, ["/", "/clusters/", "/stakeholders/", "/stats/"])
    assert len(visited) >= 10, visited
    assert_no_sideways_scroll(visited, viewport["width"])


@pytest.mark.parametrize("role", ["own_editor", "curator"])
def test_no_workspace_page_scrolls_sideways_on_a_phone(live_server, new_page, role):
    people = make_people()
    user = getattr(people, role)
    if role == "own_editor":
        Cluster.objects.filter(slug="hosiery-ludhiana").update(agency=people.agency_a)
    page = new_page(viewport=PHONE)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/profile/")
    visited = crawl(page, live_server.url, ["/manage/", "/manage/clusters/"], within="/manage/")
    assert len(visited) >= 4, visited
    assert_no_sideways_scroll(visited, PHONE["width"])


def test_every_public_page_in_hindi_has_no_english_outside_data(live_server, new_page):
    """Every public page in Hindi shows no Latin-script word outside what it marks as data.

    Data is what the templates mark `translate="no"` (a record's own names, places, sources,
    URLs: kept as entered) or `lang="en"` (a document kept in English only), and code; the
    rest must be Hindi, except the codes and acronyms of LATIN_ALLOWED. So an untranslated
    "and" or "of" fails, and so does a record's name that lost its marking.
    """
    demo_local_names_load()  # the demo's Hindi names, shown beside the English ones
    page = new_page(extra_http_headers={"Accept-Language": "hi"})
    base = live_server.url
    queue = ["/", "/clusters/", "/stakeholders/", "/stats/", "/about/data/"]
    visited = crawl(page, base, queue)
    english = []
    for address, _status, _overflow in visited:
        page.goto(base + address)
        assert page.get_attribute("html", "lang") == "hi", address
        # What a reader sees (innerText of the laid-out page), less the marked data; each
        # removed element leaves a space so that the words either side stay apart.
        text = page.evaluate(
            "() => { document.querySelectorAll('script, style, code, [translate=no],"
            " [lang=en], [lang=en-in]').forEach(n => n.replaceWith(' '));"
            " return document.body.innerText; }"
        )
        left = sorted(
            {word for word in re.findall(r"[A-Za-z]+", text) if word.lower() not in LATIN_ALLOWED}
        )
        if left:
            english.append(f"{address}: {', '.join(left[:25])}")
    assert not english, "English left on Hindi pages:\n" + "\n".join(english)
