"""Every page a reader reaches, on a phone and in Hindi (issue 16).

The pages are found, not listed: a crawler follows the links of the site from the home page
(and of the workspace from /manage/, signed in as an agency editor and as a curator) and
visits the first two addresses of each kind of page (each URL name), so a page added later is
checked without a change here; the phone tests then submit the forms found (tests/e2e/crawl.py)
and check the pages they show too. On each, at a phone's width (390 px, and 360 px for the
public pages), the page must not scroll sideways: `scrollWidth <= innerWidth` (a wide
table may scroll inside its own region). In Hindi, every public page has <html lang="hi">
and no English word left outside the data (the records' own names, places and sources).
"""

import re

import pytest

from stakeholders.demo_names import demo_local_names_load
from tests.accounts.people import make_people
from tests.e2e import crawl as crawler
from tests.e2e.reference_data import reference_data_left_behind  # noqa: F401
from tests.e2e.test_accessibility import demo  # noqa: F401  (the demo data, used below)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data_left_behind", "demo"),
]

PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}
# Words that stay in Latin script in Hindi: codes, acronyms and names of standards.
LATIN_ALLOWED = {
    "api", "csv", "xlsx", "json", "graphml", "url", "unido", "sfurti", "msme", "mse", "cdp",
    "iso", "inr", "bds", "openapi", "rest", "id", "ok", "html", "svg", "pdf", "cc", "by",
    "faq", "q", "nhdp", "chcds", "kvic", "sidbi", "bee", "teri", "sameeeksha", "sidhiee",
    "in", "rs", "gst", "pan", "ngo", "shg", "cfc", "utc", "ist", "excel", "mit",
    "i", "ii", "iii", "iv", "v", "vi",  # the numbers of FAQ Q43's parameters
    "n",  # a sample's size under a chart's column ("n=12")
}  # fmt: skip


def crawl(page, base, starts, *, within=None):
    """Visit the pages the links reach from `starts` (tests/e2e/crawl.py) and return
    [(address, response status, overflow px)]."""
    visits = crawler.crawl(page, base, starts, within=within)
    return [(visit.address, visit.status, visit.overflow) for visit in visits]


def assert_no_sideways_scroll(visits, width):
    wide = [
        f"{visit.address} ({visit.via}) is {visit.overflow} px too wide"
        for visit in visits
        if visit.overflow > 0
    ]
    broken = [
        f"{visit.address} ({visit.via}) answered {visit.status}"
        for visit in visits
        if visit.status >= 500
    ]
    assert not broken, "\n".join(broken)
    assert not wide, f"pages scroll sideways at {width} px:\n" + "\n".join(wide)


@pytest.mark.parametrize("viewport", [PHONE, SMALL_PHONE], ids=["390px", "360px"])
def test_no_public_page_scrolls_sideways_on_a_phone(live_server, new_page, viewport):
    """Every page the links reach, and every page a form shows (a filtered list, the
    selection's ranking, the comparison of two clusters)."""
    page = new_page(viewport=viewport)
    visits = crawler.crawl(page, live_server.url, crawler.PUBLIC_STARTS, forms=True)
    assert len([v for v in visits if not v.is_form_result]) >= 10, visits
    assert {"clusters:cluster_compare", "clusters:cluster_selection"} <= {
        v.kind for v in visits if v.is_form_result
    }, visits
    assert_no_sideways_scroll(visits, viewport["width"])


@pytest.mark.parametrize("role", ["own_editor", "curator"])
def test_no_workspace_page_scrolls_sideways_on_a_phone(live_server, new_page, role):
    """Every workspace page, a create form's errors and an upload's preview included."""
    user = crawler.workspace_reader(make_people(), role)
    page = new_page(viewport=PHONE)
    crawler.sign_in(page, live_server.url, user)
    visits = crawler.crawl(
        page,
        live_server.url,
        crawler.WORKSPACE_STARTS,
        within="/manage/",
        forms=True,
        samples=crawler.SAMPLES,
    )
    assert len(visits) >= 4, visits
    assert {"empty form", "form with a file"} <= {v.via for v in visits}, visits
    # An emptied create form is shown again, by the page it is sent to, with its errors:
    # nothing was created (a record created would have led on to its own page).
    redirected = [
        f"{v.kind}'s form on {v.address} led on to {v.shown_at}"
        for v in visits
        if v.via == "empty form" and crawler.kind_of(v.shown_at) != v.kind
    ]
    assert not redirected, redirected
    assert_no_sideways_scroll(visits, PHONE["width"])


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
