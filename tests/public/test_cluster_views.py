"""The public cluster pages: home, list with filters, exports and profiles."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from clusters.exports import export_columns
from clusters.models import ClusterFigure
from clusters.services import Provenance, cluster_record_figures, region_get_or_create
from stakeholders.choices import Kind, RelationshipType
from stakeholders.models import Relationship
from tests.factories import (
    AgencyFactory,
    ClusterFactory,
    MembershipFactory,
    RelationshipFactory,
    SectorFactory,
    StakeholderFactory,
    region,
)

LIST_URL = reverse("clusters:cluster_list")
CSV_URL = reverse("clusters:cluster_export_csv")
XLSX_URL = reverse("clusters:cluster_export_xlsx")


def listed(response):
    """Return the products of the clusters a list response shows, in order."""
    return [cluster.product for cluster in response.context["results"]]


def body(response):
    """Return the whole body of a response, streamed or not."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def csv_rows(response):
    """Return the rows of a CSV export response as dicts."""
    return list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))


def count_queries(client, url):
    """Return how many queries a GET of `url` runs, the body consumed."""
    with CaptureQueriesContext(connection) as queries:
        body(client.get(url))
    return len(queries)


@pytest.fixture
def registry(db):
    """Four published clusters that differ on every filter, and one draft."""
    textiles = SectorFactory(name="Textiles", slug="textiles")
    handlooms = SectorFactory(name="Handlooms", slug="handlooms")
    crafts = SectorFactory(name="Handicrafts", slug="handicrafts")
    agency = AgencyFactory(name="Foundation for MSME Clusters", slug="fmc")
    tuscany = region_get_or_create(state="Tuscany", country="IT")
    clusters = {
        "hosiery": ClusterFactory(
            product="Hosiery",
            place="Ludhiana",
            district="Ludhiana",
            region=region("Punjab"),
            sector=textiles,
            agency=agency,
            origin="natural",
            structure="horizontal",
            stage="maturity",
            exporting=True,
            figures={
                "enterprise_count": 12000,
                "employment": 500000,
                "annual_turnover": 50_000_000_000,
            },
            provenance=Provenance(year="2015-16", source="Cluster Observatory India"),
        ),
        "sarees": ClusterFactory(
            product="Handloom sarees",
            place="Phulia",
            district="Nadia",
            cluster_type="handloom",
            sector=handlooms,
            origin="induced",
            structure="vertical",
            stage="growth",
            exporting=False,
            figures={"loom_count": 3200, "employment": 800},
            provenance=Provenance(year="2012", source="textilevaluechain.in", estimated=True),
        ),
        "terracotta": ClusterFactory(
            product="Terracotta",
            place="Ghruni",
            cluster_type="handicraft",
            sector=crafts,
            figures={"enterprise_count": 40, "employment": 2800, "annual_turnover": 200_000_000},
            provenance=Provenance(year="2011", source="DIC Nadia"),
        ),
        "prato": ClusterFactory(
            product="Knitwear",
            place="Prato",
            region=tuscany,
            country="IT",
            sector=textiles,
            figures={"enterprise_count": 9000},
            provenance=Provenance(year="2008", source="FAQ Q12", estimated=True),
        ),
    }
    clusters["draft"] = ClusterFactory(
        product="Secret knitwear",
        place="Hidden town",
        status="draft",
        sector=textiles,
        region=region("Punjab"),
        figures={"enterprise_count": 500, "employment": 1000},
    )
    return clusters


# Home ---------------------------------------------------------------------------------------


def test_home_introduces_the_registry_and_counts_published_clusters_only(client, registry):
    """The home page explains clusters and the UNIDO benchmarks and counts only published ones."""
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "What is a cluster?" in html
    assert "≥ 100 enterprises" in html
    assert "≥ 50 enterprises" in html
    assert "≥ 500 looms" in html
    assert "potential cluster" in html
    assert response.context["totals"].clusters == 4
    assert "Secret knitwear" not in html
    assert reverse("clusters:stats") in html


def test_header_links_the_sections_the_api_and_sign_in(client, db):
    """The header links Clusters, Stakeholders, Statistics, the API and Sign in, after a skip link."""
    html = client.get("/").content.decode()
    nav = html.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    for url in (LIST_URL, reverse("stakeholders:stakeholder_list"), reverse("clusters:stats")):
        assert f'href="{url}"' in nav
    assert f'href="{reverse("api:api-root")}"' in nav
    assert "Sign in" in nav
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html


def test_header_shows_sign_out_to_a_signed_in_user(client, curator):
    """A signed-in user gets a Sign out button (a POST form), not a Sign in link."""
    client.force_login(curator)
    html = client.get("/").content.decode()
    assert "Sign out" in html
    assert 'method="post"' in html
    assert ">Sign in<" not in html


# List ---------------------------------------------------------------------------------------


def test_list_shows_published_clusters_only(client, registry):
    """A draft cluster never appears in the public list."""
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert sorted(listed(response)) == ["Handloom sarees", "Hosiery", "Knitwear", "Terracotta"]
    html = response.content.decode()
    assert "Secret knitwear" not in html
    assert "4</strong> clusters" in html
    assert "Download CSV" in html


def test_list_rows_show_place_type_badge_counts_and_year(client, registry):
    """A row shows the district and state, type, badge with text, looms and the figures year."""
    html = client.get(LIST_URL).content.decode()
    assert "Phulia, Nadia" in html
    assert "West Bengal" in html
    assert "Handloom" in html
    assert "badge--qualifies" in html and "Qualifies" in html
    assert "badge--potential" in html and "Potential cluster" in html
    assert "3,200" in html and "looms" in html
    assert "5,00,000" in html  # Indian digit grouping
    assert "2015-16" in html
    # Estimated figures are marked beside the figures, not the year.
    assert '<abbr title="estimated">≈</abbr>3,200' in html
    assert '<abbr title="estimated">≈</abbr>800' in html
    assert ">2012<" in html
    # The classification's sentence is shown under its badge, not only as a tooltip.
    assert '<span class="badge-reason">3,200 looms ≥ 500: a handloom cluster' in html


def test_search_matches_words_in_product_place_and_state_but_never_drafts(client, registry):
    """`q` matches every word; a draft that matches is still not shown."""
    assert listed(client.get(LIST_URL, {"q": "knitwear"})) == ["Knitwear"]
    assert listed(client.get(LIST_URL, {"q": "phulia"})) == ["Handloom sarees"]
    assert listed(client.get(LIST_URL, {"q": "punjab"})) == ["Hosiery"]
    assert listed(client.get(LIST_URL, {"q": "secret"})) == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"cluster_type": "handloom"}, ["Handloom sarees"]),
        ({"cluster_type": ["handloom", "handicraft"]}, ["Handloom sarees", "Terracotta"]),
        ({"artisan": "true"}, ["Handloom sarees", "Terracotta"]),
        ({"artisan": "false"}, ["Hosiery", "Knitwear"]),
        ({"classification_status": "potential"}, ["Terracotta"]),
        ({"sector": "textiles"}, ["Hosiery", "Knitwear"]),
        ({"state": "punjab"}, ["Hosiery"]),
        ({"state": "west-bengal"}, ["Handloom sarees", "Terracotta"]),
        ({"country": "it"}, ["Knitwear"]),
        ({"enterprise_count_min": "100"}, ["Hosiery", "Knitwear"]),
        ({"enterprise_count_max": "9000"}, ["Knitwear", "Terracotta"]),
        ({"employment_min": "1000", "employment_max": "3000"}, ["Terracotta"]),
        ({"turnover_min": "1000000000"}, ["Hosiery"]),
        ({"turnover_max": "1000000000"}, ["Terracotta"]),
        ({"origin": "induced"}, ["Handloom sarees"]),
        ({"structure": "horizontal"}, ["Hosiery"]),
        ({"stage": "growth"}, ["Handloom sarees"]),
        ({"exporting": "true"}, ["Hosiery"]),
        ({"exporting": "false"}, ["Handloom sarees"]),
        ({"agency": "fmc"}, ["Hosiery"]),
    ],
)
def test_each_filter_narrows_the_list(client, registry, params, expected):
    """Every contract filter keeps exactly the matching published clusters."""
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    assert sorted(listed(response)) == expected


def test_foreign_key_filters_also_take_ids(client, registry):
    """`state_id`, `sector_id` and `agency_id` filter by primary key."""
    hosiery = registry["hosiery"]
    assert listed(client.get(LIST_URL, {"state_id": hosiery.region_id})) == ["Hosiery"]
    assert listed(client.get(LIST_URL, {"agency_id": hosiery.agency_id})) == ["Hosiery"]
    assert sorted(listed(client.get(LIST_URL, {"sector_id": hosiery.sector_id}))) == [
        "Hosiery",
        "Knitwear",
    ]


@pytest.mark.parametrize(
    ("params", "label"),
    [
        ({"cluster_type": "spaceport"}, "Type"),
        ({"classification_status": "great"}, "Classification"),
        ({"state": "atlantis"}, "State"),
        ({"sector": "no-such-sector"}, "Sector"),
        ({"state_id": "abc"}, "State (id)"),
        ({"enterprise_count_min": "lots"}, "Enterprises from"),
        ({"employment_max": "-5"}, "Employment to"),
        ({"exporting": "maybe"}, "Exporting"),
        ({"artisan": "perhaps"}, "Artisan cluster"),
        ({"country": "India"}, "Country"),
        ({"ordering": "secret_field"}, "Sort by"),
    ],
)
def test_an_invalid_filter_value_shows_a_message_and_no_results(client, registry, params, label):
    """An invalid value is reported (role=alert) and gives no results: never everything, never a 500."""
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert label in html
    assert listed(response) == []
    assert "Download CSV" not in html


def test_active_filters_are_removable_chips(client, registry):
    """Each active filter value is a chip linking to the list without that value."""
    response = client.get(
        LIST_URL + "?cluster_type=handloom&cluster_type=handicraft&state=west-bengal"
    )
    chips = {(chip.label, chip.value): chip.remove_url for chip in response.context["chips"]}
    assert set(chips) == {("Type", "Handloom"), ("Type", "Handicraft"), ("State", "West Bengal")}
    remove_handloom = chips[("Type", "Handloom")]
    assert "cluster_type=handicraft" in remove_handloom
    assert "cluster_type=handloom" not in remove_handloom
    assert "state=west-bengal" in remove_handloom
    assert sorted(listed(client.get(LIST_URL + remove_handloom))) == ["Terracotta"]


def test_empty_state_names_the_filter_to_relax(client, registry):
    """When nothing matches, the page says which filter to remove and what that would show."""
    response = client.get(LIST_URL, {"state": "punjab", "cluster_type": "handloom"})
    html = response.content.decode()
    assert listed(response) == []
    assert "No clusters match these filters" in html
    assert "Remove “State: Punjab” to see 1 result" in html
    assert "Remove “Type: Handloom” to see 1 result" in html


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("product", ["Handloom sarees", "Hosiery", "Knitwear", "Terracotta"]),
        ("-product", ["Terracotta", "Knitwear", "Hosiery", "Handloom sarees"]),
        # Unknown counts sort last in both directions.
        ("-enterprise_count", ["Hosiery", "Knitwear", "Terracotta", "Handloom sarees"]),
        ("enterprise_count", ["Terracotta", "Knitwear", "Hosiery", "Handloom sarees"]),
        ("-employment", ["Hosiery", "Terracotta", "Handloom sarees", "Knitwear"]),
        ("-year", ["Hosiery", "Handloom sarees", "Terracotta", "Knitwear"]),
        # Strongest status first, then in the order the records were made.
        ("classification_status", ["Hosiery", "Handloom sarees", "Knitwear", "Terracotta"]),
    ],
)
def test_ordering(client, registry, ordering, expected):
    """The list sorts by the column asked for; the header marks the sorted column."""
    response = client.get(LIST_URL, {"ordering": ordering})
    assert listed(response) == expected


def test_sortable_headers_mark_the_current_sort_and_toggle_it(client, registry):
    """The sorted column carries aria-sort and its link reverses the order."""
    html = client.get(LIST_URL, {"ordering": "product", "state": "west-bengal"}).content.decode()
    assert 'aria-sort="ascending"' in html
    assert 'href="?ordering=-product&amp;state=west-bengal"' in html or (
        'href="?state=west-bengal&amp;ordering=-product"' in html
    )


def test_pagination_keeps_the_query_string(client, db):
    """Page links keep the filters and sort order."""
    for number in range(52):
        ClusterFactory(product=f"Brass item {number:02d}", place=f"Town {number}")
    response = client.get(LIST_URL, {"q": "brass", "ordering": "product"})
    assert response.context["result_count"] == 52
    assert len(listed(response)) == 50
    html = response.content.decode()
    assert re.search(r'href="\?q=brass&amp;ordering=product&amp;page=2"', html)
    second = client.get(LIST_URL, {"q": "brass", "ordering": "product", "page": "2"})
    assert listed(second) == ["Brass item 50", "Brass item 51"]


def test_names_are_escaped(client, db):
    """A product containing markup is shown as text, never run."""
    cluster = ClusterFactory(product="<script>alert(1)</script> bells", place="Jaipur")
    for url in (LIST_URL, cluster.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# Exports ------------------------------------------------------------------------------------


def test_csv_export_is_exactly_the_filtered_list(client, registry):
    """The CSV holds the same clusters, in the same order, as the list with the same filters."""
    params = {"sector": "textiles", "ordering": "-enterprise_count"}
    response = client.get(CSV_URL, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert list(rows[0]) == list(export_columns())
    assert [row["product"] for row in rows] == listed(client.get(LIST_URL, params))
    assert rows[0]["enterprise_count"] == "12000"
    assert rows[0]["figures_year"] == "2015-16"


def test_csv_export_leaves_out_drafts(client, registry):
    """A draft is never exported, whatever the filter."""
    products = [row["product"] for row in csv_rows(client.get(CSV_URL))]
    assert "Secret knitwear" not in products
    assert len(products) == 4
    assert csv_rows(client.get(CSV_URL, {"q": "secret"})) == []


def test_csv_export_neutralises_formulas(client, db):
    """A product that a spreadsheet would run as a formula is exported with a quote first."""
    ClusterFactory(product='=HYPERLINK("http://evil.example","click")', place="Agra")
    rows = csv_rows(client.get(CSV_URL))
    assert rows[0]["product"] == '\'=HYPERLINK("http://evil.example","click")'


def test_export_with_an_invalid_filter_is_refused(client, registry):
    """An invalid filter gives a 400 with the message, not a file of everything."""
    for url in (CSV_URL, XLSX_URL):
        response = client.get(url, {"state": "atlantis"})
        assert response.status_code == 400
        assert b"state" in response.content


def test_xlsx_export_opens_with_openpyxl_and_neutralises_formulas(client, registry):
    """The Excel file opens, has the export columns, the filtered rows and no formula cells."""
    ClusterFactory(product="=1+1", place="Formula town", region=region("Punjab"))
    response = client.get(XLSX_URL, {"state": "punjab"})
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(export_columns())
    products = [row[0] for row in rows[1:]]
    assert products == ["'=1+1", "Hosiery"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    hosiery = dict(zip(rows[0], rows[2], strict=True))
    assert hosiery["enterprise_count"] == 12000
    assert hosiery["state"] == "Punjab"


# Profile ------------------------------------------------------------------------------------


@pytest.fixture
def tirupur(db):
    """A published cluster whose sources disagree, with stakeholders and a relationship."""
    cluster = ClusterFactory(
        product="Knitted garments",
        place="Tirupur",
        district="Tiruppur",
        region=region("Tamil Nadu"),
        sector=SectorFactory(name="Textiles", slug="textiles"),
        agency=AgencyFactory(name="Tiruppur Exporters' Association"),
        origin="natural",
        exporting=True,
        figures={"enterprise_count": 9000, "annual_turnover": 13_500_000_000},
        provenance=Provenance(year="2008", source="FAQ Q12", estimated=True),
    )
    cluster_record_figures(
        cluster=cluster,
        values={"enterprise_count": 3200},
        provenance=Provenance(year="2010-11", source="SAMEEEKSHA profile 150", estimated=True),
    )
    exporter = StakeholderFactory(name="Knit Exports Ltd", kind=Kind.ENTERPRISE, role="exporter")
    dyer = StakeholderFactory(name="Noyyal Dyers", kind=Kind.SUPPLIER, role="raw_material")
    MembershipFactory(
        cluster=cluster, stakeholder=StakeholderFactory(name="TEA", kind="association")
    )
    RelationshipFactory(
        cluster=cluster, source=dyer, target=exporter, kind=RelationshipType.SUPPLIES
    )
    return cluster


def test_profile_shows_product_place_classification_and_agency(client, tirupur):
    """The header names product and place, the badge with its sentence, and the agency."""
    response = client.get(tirupur.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    text = re.sub(r"<[^>]+>", "", html)  # the names are marked as data (translate="no")
    assert "Knitted garments cluster of Tirupur" in text
    assert "Tiruppur district" in text and "Tamil Nadu" in text
    assert "badge--qualifies" in html
    assert tirupur.classification_reason in html
    assert "3,200 enterprises ≥ 100" in html
    assert "Tiruppur Exporters&#x27; Association" in html


def test_profile_figures_carry_year_source_estimate_and_history(client, tirupur):
    """Each figure shows its year, source and ≈; disagreeing sources open a history."""
    html = client.get(tirupur.get_absolute_url()).content.decode()
    assert "≈</abbr>3,200" in html
    assert "2010-11" in html
    assert "SAMEEEKSHA profile 150" in html
    assert "2 sources disagree" in html
    assert "<details>" in html
    assert "≈</abbr>9,000" in html  # the older record, in the history
    assert "₹1,350 crore" in html
    assert "Not recorded (unknown, not zero):" in html


def test_profile_groups_stakeholders_by_kind_and_flags_missing_kinds(client, tirupur):
    """Stakeholders are grouped by kind and role with counts; missing kinds are flagged."""
    response = client.get(tirupur.get_absolute_url())
    stakeholders = response.context["stakeholders"]
    counts = {group.kind: group.count for group in stakeholders.groups}
    assert counts == {
        "enterprise": 1,
        "supplier": 1,
        "association": 1,
        "institution": 0,
        "bds_provider": 0,
    }
    assert stakeholders.missing_kinds == ["Institution", "BDS provider"]
    html = response.content.decode()
    assert "Not yet recorded for this cluster: Institution, BDS provider." in html
    assert "Exporter (1)" in html
    assert "Knit Exports Ltd" in html


def test_profile_lists_relationships_and_similar_published_clusters(client, tirupur, registry):
    """Relationships read source, type, target; similar clusters are published and elsewhere."""
    response = client.get(tirupur.get_absolute_url())
    html = response.content.decode()
    assert "Noyyal Dyers" in html and "supplies" in html and "Knit Exports Ltd" in html
    similar = [cluster.product for cluster in response.context["profile"].similar]
    assert similar[:1] == ["Knitwear"]  # a like product first
    assert "Hosiery" in similar  # same sector
    assert "Secret knitwear" not in similar
    assert "Knitted garments" not in similar


def test_draft_profile_is_not_found(client, registry):
    """A draft cluster's profile is a 404, as if it did not exist."""
    assert client.get(registry["draft"].get_absolute_url()).status_code == 404
    assert client.get("/clusters/no-such-cluster/").status_code == 404


# Query counts ---------------------------------------------------------------------------------


def _make_clusters(count, start=0):
    sector = SectorFactory(name="Engineering", slug="engineering")
    for number in range(start, start + count):
        cluster = ClusterFactory(
            product=f"Forgings {number}",
            place=f"Town {number}",
            sector=sector,
            agency=AgencyFactory(),
            figures={"enterprise_count": 100 + number, "employment": 1000},
            provenance=Provenance(year="2015-16", source=f"Profile {number}"),
        )
        MembershipFactory(cluster=cluster)


@pytest.mark.parametrize(
    "url",
    [
        LIST_URL,
        LIST_URL + "?state=west-bengal&cluster_type=industrial&ordering=-year",
        CSV_URL,
        XLSX_URL + "?sector=engineering",
        "/",
    ],
)
def test_list_and_export_query_counts_do_not_grow_with_rows(
    client, db, django_assert_num_queries, url
):
    """The list, its exports and the home page run as many queries for 50 rows as for 1."""
    _make_clusters(1)
    client.get(url)  # warm caches (content types, benchmarks) before counting
    expected = count_queries(client, url)
    _make_clusters(49, start=1)
    with django_assert_num_queries(expected):
        response = client.get(url)
        body(response)
    if url == LIST_URL:
        assert len(response.context["results"]) == 50


def test_profile_query_count_does_not_grow_with_members_figures_or_similar(
    client, db, django_assert_num_queries
):
    """A profile runs as many queries with 50 stakeholders, relationships and figures as with 1."""
    sector = SectorFactory(name="Engineering", slug="engineering")
    cluster = ClusterFactory(
        product="Forgings", place="Pune", sector=sector, figures={"enterprise_count": 70}
    )
    anchor = StakeholderFactory(name="Anchor buyer", kind=Kind.ENTERPRISE, role="buyer")

    def grow(start, count):
        for number in range(start, start + count):
            supplier = StakeholderFactory(name=f"Supplier {number}", kind=Kind.SUPPLIER)
            RelationshipFactory(cluster=cluster, source=supplier, target=anchor)
            ClusterFigure.objects.create(
                cluster=cluster, measure="employment", value=1000 + number, year=str(1950 + number)
            )
            ClusterFactory(product=f"Forgings {number}", place=f"Town {number}", sector=sector)

    grow(0, 1)
    url = cluster.get_absolute_url()
    client.get(url)
    expected = count_queries(client, url)
    grow(1, 49)
    client.get(url)  # the network summary's first read after a write queries more, once
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.context["stakeholders"].count == 51
    assert len(response.context["stakeholders"].first_relationships) == 50


def test_profile_of_a_big_cluster_names_the_first_members_of_each_role_and_links_the_rest(
    client, db, monkeypatch
):
    """Above the caps a profile counts every role in SQL, names its first members and links
    the lists of the others (by kind and role) and of all the relationships."""
    from stakeholders import selectors as stakeholder_selectors

    monkeypatch.setattr(stakeholder_selectors, "PROFILE_NAMES_PER_ROLE", 3)
    monkeypatch.setattr(stakeholder_selectors, "PROFILE_RELATIONSHIPS", 4)
    cluster = ClusterFactory(product="Zari", place="Sonawadi")
    buyer = StakeholderFactory(name="A buyer", kind=Kind.ENTERPRISE, role="buyer")
    makers = [
        StakeholderFactory(name=f"Maker {letter}", kind=Kind.ENTERPRISE, role="manufacturer")
        for letter in "EDCBA"
    ]
    for maker in makers:
        RelationshipFactory(cluster=cluster, source=maker, target=buyer)
    RelationshipFactory(
        cluster=cluster, source=buyer, target=makers[0], kind=RelationshipType.COLLABORATES
    )

    page = body(client.get(cluster.get_absolute_url())).decode()

    assert "Maker A" in page and "Maker B" in page and "Maker C" in page
    assert "Maker D" not in page.split('id="relationships-heading"')[0]
    assert "Manufacturer (5)" in page and "Buyer (1)" in page
    more = f"/stakeholders/?cluster={cluster.slug}&amp;kind=enterprise&amp;role=manufacturer"
    assert f'<a href="{more}">and 2 more</a>' in page
    caption = page.split('id="relationships-caption">')[1].split("</caption>")[0]
    assert caption == "6 relationships among this cluster's stakeholders, 4 of them shown"
    assert f'href="/relationships/?cluster={cluster.slug}">List all 6 relationships' in page
    listed = body(client.get(more.replace("&amp;", "&"))).decode()
    assert "Maker D" in listed and "Maker E" in listed and "A buyer" not in listed


def test_profile_stakeholders_take_the_same_queries_below_and_above_the_caps(
    db, django_assert_num_queries, monkeypatch
):
    """Counts and first names in one query, first relationships in one, their count in a
    third only when there are more than shown; never the full member list."""
    from stakeholders import selectors
    from stakeholders.selectors import cluster_stakeholders

    monkeypatch.setattr(selectors, "PROFILE_SORT_ALL_RELATIONSHIPS_UP_TO", 5)
    cluster = ClusterFactory()
    anchor = StakeholderFactory(name="Anchor", kind=Kind.ENTERPRISE, role="buyer")
    RelationshipFactory(cluster=cluster, source=anchor, target=StakeholderFactory())
    with django_assert_num_queries(2):
        small = cluster_stakeholders(cluster=cluster, names_per_role=3, relationships=4)
    assert small.count == 2 and small.relationship_count == 1
    for _ in range(6):
        RelationshipFactory(cluster=cluster, source=anchor, target=StakeholderFactory())
    with django_assert_num_queries(3):
        big = cluster_stakeholders(cluster=cluster, names_per_role=3, relationships=4)
    assert big.count == 8 and big.relationship_count == 7
    assert len(big.first_relationships) == 4 and big.more_relationships == 3
    (enterprises,) = [group for group in big.groups if group.kind == Kind.ENTERPRISE]
    assert [(role.role, role.count, role.more) for role in enterprises.roles] == [
        ("buyer", 1, 0),
        ("", 7, 4),
    ]


def test_profile_shows_the_first_relationships_in_the_order_of_the_full_list(db, monkeypatch):
    """Whether the named members have enough relationships or not, the first relationships
    are those the full list begins with."""
    from stakeholders import selectors
    from stakeholders.selectors import cluster_stakeholders

    monkeypatch.setattr(selectors, "PROFILE_SORT_ALL_RELATIONSHIPS_UP_TO", 5)
    cluster = ClusterFactory()
    hubs = [StakeholderFactory(name=f"Zz hub {n}", kind=Kind.SUPPLIER) for n in (1, 2)]
    for number in range(8):
        maker = StakeholderFactory(name=f"Maker {number}")
        for hub in hubs[: 1 + number % 2]:  # the first maker has one relationship, the next two
            RelationshipFactory(cluster=cluster, source=maker, target=hub)
    full = [
        (r.source.name, r.kind, r.target.name)
        for r in Relationship.objects.filter(cluster=cluster).order_by(
            "source__name", "kind", "target__name", "pk"
        )
    ]
    # 1 name: too few relationships, all read; 4: enough among them; 20: a small cluster.
    for names_per_role in (1, 4, 20):
        shown = cluster_stakeholders(
            cluster=cluster, names_per_role=names_per_role, relationships=4
        )
        assert [(r.source.name, r.kind, r.target.name) for r in shown.first_relationships] == full[
            :4
        ]


def test_profile_stakeholders_are_kept_until_the_network_changes(
    client, db, django_assert_num_queries
):
    """The profile's stakeholder section is cached per version of the cluster's network: a
    second reader costs no member query, and a renamed member or a new relationship through
    the services shows at once."""
    from stakeholders.selectors import cached_cluster_stakeholders
    from stakeholders.services import relationship_create, stakeholder_update

    cluster = ClusterFactory()
    maker = StakeholderFactory(name="Old name works", kind=Kind.ENTERPRISE)
    buyer = StakeholderFactory(name="Buyer house", kind=Kind.ENTERPRISE)
    for stakeholder in (maker, buyer):
        MembershipFactory(cluster=cluster, stakeholder=stakeholder)
    url = cluster.get_absolute_url()
    first = body(client.get(url)).decode()
    assert "Old name works" in first
    with django_assert_num_queries(0):
        cached_cluster_stakeholders(cluster=cluster)
    assert body(client.get(url)).decode() == first
    stakeholder_update(stakeholder=maker, data={"name": "New name works"})
    renamed = body(client.get(url)).decode()
    assert "New name works" in renamed and "Old name works" not in renamed
    relationship_create(cluster=cluster, source=maker, target=buyer, kind=RelationshipType.SUPPLIES)
    linked = body(client.get(url)).decode()
    assert "No relationships among this cluster's stakeholders are recorded yet." not in linked
    assert "Buyer house" in linked.split('id="relationships-caption"')[1]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("turnover_min=50 lakh", ["Big"]),
        ("turnover_min=₹5 crore", []),
        ("turnover_max=1.2 lakh", ["Small"]),
        ("employment_min=10,000", ["Big"]),
        ("loom_count_min=500", ["Big"]),
        ("loom_count_max=499", ["Small"]),
        ("artisan_count_min=1 thousand", ["Big"]),
    ],
)
def test_range_filters_take_indian_formats_and_units(client, query, expected):
    from clusters.choices import ClusterType
    from tests.factories import ClusterFactory

    ClusterFactory(
        product="Big",
        place="Bigpur",
        cluster_type=ClusterType.HANDLOOM,
        figures={
            "annual_turnover": 6_000_000,
            "employment": 12_000,
            "loom_count": 800,
            "artisan_count": 1_500,
        },
    )
    ClusterFactory(
        product="Small",
        place="Smallpur",
        cluster_type=ClusterType.HANDLOOM,
        figures={
            "annual_turnover": 100_000,
            "employment": 50,
            "loom_count": 300,
            "artisan_count": 40,
        },
    )
    response = client.get("/clusters/?" + query)
    assert response.status_code == 200
    assert response.context["filter_errors"] == []
    assert [cluster.product for cluster in response.context["results"]] == expected


@pytest.mark.django_db
def test_a_range_filter_names_what_it_cannot_read(client):
    response = client.get("/clusters/?turnover_min=five crore")
    errors = response.context["filter_errors"]
    assert [name for name, _label, _message in errors] == ["turnover_min"]
    assert "12 lakh" in errors[0][2]
