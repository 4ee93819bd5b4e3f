"""Content-Security-Policy: every page carries it, and no page needs inline code to work.

SECURE_CSP (config/settings.py) allows scripts and styles from this site and, on the pages
that render one, the request's nonce; config/csp.py relaxes styles for DRF's HTML pages.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# Script types that browsers do not run (data blocks), which CSP does not govern.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "text/template"}


def policy(response):
    """Return the response's Content-Security-Policy as {directive: [values]}."""
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


class InlineCode(HTMLParser):
    """Collect inline scripts, inline styles, event-handler attributes and javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.scripts = []  # (nonce or None) of each inline script that browsers run
        self.styles = []  # (nonce or None) of each <style>
        self.handlers = []
        self.style_attributes = []
        self.javascript_urls = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        script_type = (attributes.get("type") or "").lower()
        if tag == "script" and "src" not in attributes and script_type not in DATA_SCRIPT_TYPES:
            self.scripts.append(attributes.get("nonce"))
        if tag == "style":
            self.styles.append(attributes.get("nonce"))
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}>")
            if name == "style":
                self.style_attributes.append(f"<{tag} style={value!r}>")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.javascript_urls.append(f"<{tag} {name}={value!r}>")


def inline_code(html):
    parser = InlineCode()
    parser.feed(html)
    return parser


@pytest.fixture
def ludhiana(india_stakeholders):
    """Return a published cluster with stakeholders (so that its map is drawn)."""
    from clusters.models import Cluster

    return Cluster.objects.filter(status="published", memberships__isnull=False).first()


def site_pages(cluster):
    return {
        "home": reverse("home"),
        "cluster list": reverse("clusters:cluster_list"),
        "profile": reverse("clusters:cluster_detail", args=[cluster.slug]),
        "map": reverse("clusters:cluster_map", args=[cluster.slug]),
        "stakeholder list": reverse("stakeholders:stakeholder_list"),
        "stats": reverse("clusters:stats"),
        "login": reverse("accounts:login"),
        "not found": "/no-such-page/",
    }


def test_every_site_page_has_a_strict_policy_and_no_inline_code(client, ludhiana):
    for name, url in site_pages(ludhiana).items():
        response = client.get(url)
        assert response.status_code in (200, 404), name
        directives = policy(response)
        assert directives["default-src"] == ["'self'"], name
        assert directives["object-src"] == ["'none'"], name
        for directive in ("script-src", "style-src"):
            assert "'unsafe-inline'" not in directives[directive], (name, directive)
            assert "'unsafe-eval'" not in directives[directive], (name, directive)
        found = inline_code(response.content.decode())
        assert found.scripts == [], name
        assert found.styles == [], name
        assert found.handlers == [], name
        assert found.style_attributes == [], name
        assert found.javascript_urls == [], name


def test_admin_pages_carry_the_policy_and_run_no_script_without_its_nonce(curator_client, ludhiana):
    for url in (
        reverse("admin:index"),
        reverse("admin:clusters_cluster_changelist"),
        reverse("admin:clusters_cluster_change", args=[ludhiana.pk]),
    ):
        response = curator_client.get(url)
        assert response.status_code == 200, url
        directives = policy(response)
        assert "'unsafe-inline'" not in directives["script-src"], url
        nonces = [value for value in directives["script-src"] if value.startswith("'nonce-")]
        found = inline_code(response.content.decode())
        for nonce in found.scripts + found.styles:
            assert nonce is not None and f"'nonce-{nonce}'" in nonces, url
        assert found.handlers == [], url


@pytest.mark.parametrize("url_name", ["api:docs", "api:redoc"])
def test_api_docs_pages_run_their_inline_script_by_nonce(client, db, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    directives = policy(response)
    assert "'unsafe-inline'" not in directives["script-src"]
    nonces = [value for value in directives["script-src"] if value.startswith("'nonce-")]
    assert len(nonces) == 1
    found = inline_code(response.content.decode())
    assert found.scripts, "the page starts Swagger UI / Redoc with an inline script"
    assert all(f"'nonce-{nonce}'" in nonces for nonce in found.scripts)
    assert found.handlers == []


def test_the_browsable_api_alone_may_use_inline_styles(client, db):
    page = client.get(reverse("api:api-root"), HTTP_ACCEPT="text/html")
    json = client.get(reverse("api:api-root"), HTTP_ACCEPT="application/json")

    assert "'unsafe-inline'" in policy(page)["style-src"]
    assert "'unsafe-inline'" not in policy(page)["script-src"]
    assert "'unsafe-inline'" not in policy(json)["style-src"]


def test_the_nonce_differs_between_requests(client, db):
    first = policy(client.get(reverse("api:docs")))["script-src"]
    second = policy(client.get(reverse("api:docs")))["script-src"]

    assert first != second


def test_templates_have_no_inline_script_or_handler_without_a_nonce():
    problems = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        source = path.read_text(encoding="utf-8")
        # Template tags can hold anything; what the browser sees is the markup around them.
        markup = re.sub(r"{% comment %}.*?{% endcomment %}", "", source, flags=re.S)
        markup = re.sub(r"{%.*?%}|{#.*?#}", "", markup, flags=re.S)
        markup = re.sub(r"{{.*?}}", "x", markup, flags=re.S)
        found = inline_code(markup)
        name = path.relative_to(TEMPLATES)
        problems += [f"{name}: inline <script> without a nonce" for n in found.scripts if not n]
        problems += [f"{name}: <style> without a nonce" for n in found.styles if not n]
        problems += [f"{name}: {handler}" for handler in found.handlers]
        problems += [f"{name}: {attribute}" for attribute in found.style_attributes]
        problems += [f"{name}: {url}" for url in found.javascript_urls]

    assert problems == []
