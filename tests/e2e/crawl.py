"""Find the site's pages the way a reader does, for the browser tests that check every page
(tests/e2e/test_every_reader.py, tests/e2e/test_accessibility.py).

The pages are found, not listed, so a page added later is checked without a change to the
tests. `crawl` follows the links from a few starting pages, visiting at most PER_KIND
addresses of each kind of page (each URL name) and MAX_PAGES in all. With `forms=True` it
then reaches the pages no link leads to, the ones a form shows:

- each GET form found (a filter, a search, the selection's weights, the comparison's
  choice) is submitted once with its default values; one whose defaults tick no box at all
  (a "choose the clusters to compare" table) is submitted once more with its first two
  boxes ticked;
- a form in a page's <main> that creates a record (its action is a workspace *create* page,
  or the upload page) is submitted once with every field emptied, which shows its
  validation errors; a form with a file field is also sent a sample file (`samples`, by
  URL name), which shows the import's preview.

Nothing else is submitted: no form that deletes, changes or publishes a record (edit,
review, submit, remove, merge confirmations) and none that signs out or changes the
language. A form result is visited once, and its own links are not followed.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.test import Client
from django.urls import Resolver404, resolve

from clusters.models import Cluster
from tests.conftest import FIXTURES

PER_KIND = 2
MAX_PAGES = 80
# Files, not pages; and links that change state or leave the site's pages.
SKIPPED = re.compile(
    r"\.(csv|xlsx|json|graphml|svg|png|pdf)(\?|$)|/export|/download|/logout|/admin/|/api/"
)
# The URL names whose form is submitted empty: pages that only ever create a record.
CREATE_PAGE_SUFFIXES = ("_create", ":upload")
PUBLIC_STARTS = ["/", "/clusters/", "/stakeholders/", "/stats/"]
WORKSPACE_STARTS = ["/manage/", "/manage/clusters/"]
# An upload of the demo's own clusters: its preview, every row unchanged (nothing written).
SAMPLES = {"uploads:upload": FIXTURES / "faq_clusters.csv"}


@dataclass(frozen=True)
class Visit:
    """A page the crawler saw: its address (for a POST form's result, the form's page), its
    kind (URL name), how it was reached (`link`, `form`, `empty form`, `form with a file`),
    the response's status, how many pixels it is wider than the window, whether it is the
    first page of its kind reached that way, and the path of the page shown (after any
    redirect)."""

    address: str
    kind: str
    via: str
    status: int
    overflow: int
    first_of_kind: bool = False
    shown_at: str = ""

    @property
    def is_form_result(self):
        return self.via != "link"


def kind_of(address):
    """Return the URL name of `address` (the kind of page), or None if it is no page."""
    try:
        match = resolve(urlsplit(address).path)
    except Resolver404:
        return None
    return f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name


def local(href, base):
    """Return `href` as an address on the site (path and query), or None when it leaves it,
    is a file or changes state (SKIPPED)."""
    if not href.startswith(base):
        return None
    address = href[len(base) :].split("#")[0] or "/"
    return None if SKIPPED.search(address) else address


def same_site_links(page, base):
    """Return the addresses of the page's links that stay on the site."""
    # SVG links (the maps) hold their href as an object: resolve the attribute instead.
    hrefs = page.eval_on_selector_all(
        "a[href]", "nodes => nodes.map(n => new URL(n.getAttribute('href'), document.baseURI).href)"
    )
    return [address for href in hrefs if (address := local(href, base))]


# Each form of the page: its method, where it goes, the names of its fields, and for a GET
# form the addresses its submissions reach (the first two boxes ticked when the defaults
# tick none, first, as that is what the form is for; then the defaults).
_FORMS_JS = """
() => Array.from(document.forms).map((form, index) => {
  const method = (form.getAttribute('method') || 'get').toLowerCase();
  const action = new URL(form.getAttribute('action') || document.location.href, document.baseURI);
  const submitter = form.querySelector(
    'button:not([type]), button[type=submit], input[type=submit]');
  const addressOf = (data) => {
    const query = new URLSearchParams();
    for (const [name, value] of data) if (typeof value === 'string') query.append(name, value);
    return action.origin + action.pathname + '?' + query.toString();
  };
  const fields = Array.from(form.elements).map(el => el.name).filter(Boolean);
  const result = {index, method, action: action.href, fields: [...new Set(fields)].sort(),
                  inMain: !!form.closest('main'), hasFile: !!form.querySelector('input[type=file]'),
                  submissions: []};
  if (method !== 'get') return result;
  const data = () => submitter && submitter.name ? new FormData(form, submitter) : new FormData(form);
  const boxes = Array.from(form.querySelectorAll('input[type=checkbox]:not(:disabled)'));
  if (boxes.length && !boxes.some(box => box.checked)) {
    const ticked = data();
    boxes.slice(0, 2).forEach(box => ticked.append(box.name, box.value));
    result.submissions.push(addressOf(ticked));
  }
  result.submissions.push(addressOf(data()));
  return result;
})
"""

# Empty every field a person fills in (hidden ones, such as the CSRF token, stay), attach
# nothing, and submit past the browser's own checks so the server's errors show.
_EMPTY_AND_SUBMIT_JS = """
(index) => {
  const form = document.forms[index];
  for (const el of form.elements) {
    if (el.type === 'hidden' || el.type === 'file' || el.type === 'submit' || el.type === 'button'
        || el.tagName === 'BUTTON' || el.tagName === 'FIELDSET' || el.tagName === 'OUTPUT') continue;
    if (el.type === 'checkbox' || el.type === 'radio') el.checked = false;
    else if (el.tagName === 'SELECT') el.value = Array.from(el.options).some(o => o.value === '') ? '' : el.value;
    else el.value = '';
  }
  form.noValidate = true;
  const submitter = form.querySelector('button:not([type]), button[type=submit], input[type=submit]');
  form.requestSubmit(submitter);
}
"""

_SUBMIT_JS = """
(index) => {
  const form = document.forms[index];
  form.noValidate = true;
  form.requestSubmit(form.querySelector('button:not([type]), button[type=submit], input[type=submit]'));
}
"""


def overflow_of(page):
    """Return how many pixels the page is wider than the window (0 or less: it fits)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def crawl(page, base, starts, *, within=None, forms=False, samples=None, inspect=None):
    """Visit the pages reachable from `starts` (and, with `forms`, the results of their
    forms); return the list of `Visit`s. `within` keeps the crawl to the addresses starting
    with it; `inspect(page, visit)` is called on each page while it is shown; `samples`
    maps the URL name of a page with a file field to the file to send it."""
    crawler = _Crawler(page, base, within=within, inspect=inspect)
    crawler.follow_links(starts, collect_forms=forms)
    if forms:
        crawler.submit_get_forms()
        crawler.submit_create_forms(samples or {})
    return crawler.visits


class _Crawler:
    def __init__(self, page, base, *, within, inspect):
        self.page, self.base, self.within, self.inspect = page, base, within, inspect
        self.visits, self.seen = [], set()
        self.get_forms = {}  # (target kind, field names...) -> [addresses of its submissions]
        self.post_forms = {}  # target kind -> (address of the page holding it, the form)

    def allowed(self, address):
        return not self.within or urlsplit(address).path.startswith(self.within)

    def record(self, response, kind, via, address):
        """Add the page shown to the visits (if it is a page) and inspect it; return it."""
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            return None
        first = not any((v.kind, v.via) == (kind, via) for v in self.visits)
        shown_at = urlsplit(self.page.url).path
        visit = Visit(address, kind, via, response.status, overflow_of(self.page), first, shown_at)
        self.visits.append(visit)
        if self.inspect:
            self.inspect(self.page, visit)
        return visit

    def follow_links(self, starts, *, collect_forms):
        queue, per_kind = list(starts), {}
        while queue and len(self.visits) < MAX_PAGES:
            address = queue.pop(0)
            if address in self.seen:
                continue
            self.seen.add(address)
            kind = kind_of(address)
            if kind is None or per_kind.get(kind, 0) >= PER_KIND or not self.allowed(address):
                continue
            per_kind[kind] = per_kind.get(kind, 0) + 1
            if self.record(self.page.goto(self.base + address), kind, "link", address) is None:
                continue
            queue.extend(same_site_links(self.page, self.base))
            if collect_forms:
                self.collect_forms(address)

    def collect_forms(self, address):
        """Note the GET forms and the create forms of the page shown (the first of each)."""
        for form in self.page.evaluate(_FORMS_JS):
            # A form sent elsewhere (off the site, a download, signing out) is left alone.
            action = local(form["action"], self.base)
            target = action and kind_of(action)
            if not target:
                continue
            if form["method"] == "get":
                self.get_forms.setdefault((target, *form["fields"]), form["submissions"])
            elif form["inMain"] and target.endswith(CREATE_PAGE_SUFFIXES):
                self.post_forms.setdefault(target, (address, form))

    def submit_get_forms(self):
        for submissions in self.get_forms.values():
            for href in submissions:
                address = local(href, self.base)
                if address is None or address in self.seen or not self.allowed(address):
                    continue
                self.seen.add(address)
                self.record(self.page.goto(self.base + address), kind_of(address), "form", address)

    def submit_create_forms(self, samples):
        for kind, (address, form) in self.post_forms.items():
            self.page.goto(self.base + address)
            with self.page.expect_navigation() as navigation:
                self.page.evaluate(_EMPTY_AND_SUBMIT_JS, form["index"])
            self.record(navigation.value, kind, "empty form", address)
            if form["hasFile"] and kind in samples:
                self.page.goto(self.base + address)
                self.page.set_input_files(
                    f"form >> nth={form['index']} >> input[type=file]", str(Path(samples[kind]))
                )
                with self.page.expect_navigation() as navigation:
                    self.page.evaluate(_SUBMIT_JS, form["index"])
                self.record(navigation.value, kind, "form with a file", address)


def sign_in(page, base, user):
    """Sign the browser context of `page` in as `user` (a session cookie, no form)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
    )


def workspace_reader(people, role):
    """Return the user of `role` (`own_editor` or `curator`) with something to edit: the
    agency editor's agency owns the hosiery cluster of Ludhiana."""
    if role == "own_editor":
        Cluster.objects.filter(slug="hosiery-ludhiana").update(agency=people.agency_a)
    return getattr(people, role)
