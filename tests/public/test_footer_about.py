"""The site footer (sources, licence, contact) and the /about/data/ page built from
fixtures/SOURCES.md."""

import re

import pytest
from django.urls import reverse

from public.views import text_blocks

LICENCE = (
    "Code: MIT licence. Figures: as published by the sources named on each record — cite them."
)
NO_CONTACT = "Contact: the implementing agency named on each record"


def footer(response):
    """Return the HTML of the page's footer."""
    html = response.content.decode()
    match = re.search(r"<footer class=\"site-footer\">.*?</footer>", html, re.S)
    assert match, "the page has no site footer"
    return match.group(0)


def text(html):
    """Return the visible text of an HTML fragment, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.django_db
def test_footer_names_the_sources_the_licence_and_the_agency_when_no_contact_is_set(
    client, settings
):
    settings.REGISTRY_CONTACT_EMAIL = ""
    html = footer(client.get(reverse("home")))
    assert "Cluster Observatory India" in html
    assert f'href="{reverse("clusters:about_data")}"' in html
    assert LICENCE in text(html)
    assert NO_CONTACT in text(html)
    assert "mailto:" not in html


@pytest.mark.django_db
def test_footer_shows_a_mailto_link_when_a_contact_is_set(client, settings):
    settings.REGISTRY_CONTACT_EMAIL = "registry@example.org"
    html = footer(client.get(reverse("clusters:cluster_list")))
    assert '<a href="mailto:registry@example.org">registry@example.org</a>' in html
    assert NO_CONTACT not in text(html)
    assert LICENCE in text(html)


@pytest.mark.django_db
def test_contact_address_is_escaped(client, settings):
    settings.REGISTRY_CONTACT_EMAIL = 'x"><script>alert(1)</script>@example.org'
    html = footer(client.get(reverse("home")))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.django_db
def test_about_data_page_shows_the_sources_file_as_text(client):
    response = client.get(reverse("clusters:about_data"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>The data and its sources</h1>" in html
    # Headings of SOURCES.md sit under the page's own h1 and h2.
    assert "<h3>Real data for fixtures, demos and tests</h3>" in html
    assert "<h4>clusters_india_profiles.csv — 15 Indian clusters</h4>" in html
    assert "SAMEEEKSHA (BEE / TERI MSME energy platform)" in html
    assert "<code>estimated=yes</code>" in html
    main = text(html.split("<main", 1)[1].split("</main>", 1)[0])
    assert "# " not in main, "a Markdown heading mark is shown as text"


def test_text_blocks_escape_markup_and_keep_only_code_spans():
    blocks = text_blocks(
        "# Title\n\nA <b>bold</b> claim,\nwrapped over `two` lines.\n\n## Sub\n- one\n- two\n"
    )
    assert [(block.kind, block.level) for block in blocks] == [
        ("heading", 2),
        ("paragraph", 0),
        ("heading", 3),
        ("list", 0),
    ]
    assert blocks[1].html == "A &lt;b&gt;bold&lt;/b&gt; claim, wrapped over <code>two</code> lines."
    assert blocks[3].items == ("one", "two")
