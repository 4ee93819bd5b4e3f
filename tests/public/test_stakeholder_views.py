"""The public stakeholder pages: the list with its filters, the BDS directory and profiles."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stakeholders.choices import Kind, RelationshipType
from tests.factories import (
    ClusterFactory,
    MembershipFactory,
    RelationshipFactory,
    StakeholderFactory,
    region,
)

LIST_URL = reverse("stakeholders:stakeholder_list")


def listed(response):
    """Return the names of the stakeholders a list response shows, in order."""
    return [stakeholder.name for stakeholder in response.context["results"]]


@pytest.fixture
def network(db):
    """Two published clusters and a draft, with stakeholders of several kinds."""
    ludhiana = ClusterFactory(product="Hosiery", place="Ludhiana", region=region("Punjab"))
    howrah = ClusterFactory(product="Castings", place="Howrah", region=region("West Bengal"))
    draft = ClusterFactory(product="Secret", place="Hidden", status="draft")
    people = {
        "association": StakeholderFactory(
            name="Knitwear Club", kind=Kind.ASSOCIATION, role="industry_association"
        ),
        "institute": StakeholderFactory(
            name="Central Manufacturing Technology Institute",
            kind=Kind.INSTITUTION,
            role="technical",
            place="Bengaluru",
            region=region("Karnataka"),
            website="https://cmti.example.org",
            email="info@cmti.example.org",
            phone="+91 80 2345 6789",
        ),
        "bds": StakeholderFactory(
            name="Quality Consultants",
            kind=Kind.BDS_PROVIDER,
            role="consultancy",
            services_offered="ISO 9001 certification support and energy audits",
        ),
        "exporter": StakeholderFactory(name="Knit Exports", kind=Kind.ENTERPRISE, role="exporter"),
        "hidden": StakeholderFactory(name="Hidden Supplier", kind=Kind.SUPPLIER),
    }
    MembershipFactory(cluster=ludhiana, stakeholder=people["association"])
    MembershipFactory(cluster=ludhiana, stakeholder=people["institute"])
    MembershipFactory(cluster=howrah, stakeholder=people["institute"])
    MembershipFactory(cluster=howrah, stakeholder=people["bds"])
    MembershipFactory(cluster=draft, stakeholder=people["hidden"])
    MembershipFactory(cluster=draft, stakeholder=people["bds"])
    RelationshipFactory(
        cluster=ludhiana,
        source=people["exporter"],
        target=people["association"],
        kind=RelationshipType.MEMBER_OF,
    )
    RelationshipFactory(
        cluster=ludhiana,
        source=people["institute"],
        target=people["exporter"],
        kind=RelationshipType.TRAINS,
    )
    # A relationship in the draft cluster must not show anywhere.
    RelationshipFactory(
        cluster=draft, source=people["hidden"], target=people["bds"], kind=RelationshipType.SUPPLIES
    )
    people.update(ludhiana=ludhiana, howrah=howrah, draft=draft)
    return people


def test_list_shows_stakeholders_of_published_clusters_only(client, network):
    """A stakeholder only in a draft cluster is not public."""
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert listed(response) == [
        "Central Manufacturing Technology Institute",
        "Knit Exports",
        "Knitwear Club",
        "Quality Consultants",
    ]
    html = response.content.decode()
    assert "Hidden Supplier" not in html
    assert "Secret, Hidden" not in html  # the draft cluster is not listed as served


def test_list_rows_show_kind_role_and_published_clusters_served(client, network):
    """A row shows the kind (with its colour and name), the role and the clusters it serves."""
    html = client.get(LIST_URL).content.decode()
    assert 'class="kind kind--institution"' in html
    assert "Technical" in html
    assert "Hosiery, Ludhiana" in html and "Castings, Howrah" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "knit"}, ["Knit Exports", "Knitwear Club"]),
        ({"q": "ISO certification"}, ["Quality Consultants"]),
        ({"kind": "institution"}, ["Central Manufacturing Technology Institute"]),
        ({"kind": ["association", "enterprise"]}, ["Knit Exports", "Knitwear Club"]),
        ({"role": "exporter"}, ["Knit Exports"]),
        (
            {"cluster": "castings-howrah"},
            ["Central Manufacturing Technology Institute", "Quality Consultants"],
        ),
        (
            {"state": "punjab"},
            ["Central Manufacturing Technology Institute", "Knit Exports", "Knitwear Club"],
        ),
        ({"state": "karnataka"}, ["Central Manufacturing Technology Institute"]),
        (
            {"ordering": "-name"},
            [
                "Quality Consultants",
                "Knitwear Club",
                "Knit Exports",
                "Central Manufacturing Technology Institute",
            ],
        ),
    ],
)
def test_each_filter_narrows_the_list(client, network, params, expected):
    """Every stakeholder filter keeps exactly the matching public stakeholders."""
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    assert listed(response) == expected


def test_cluster_and_state_filters_take_ids(client, network):
    """`cluster_id` and `state_id` filter by primary key."""
    assert listed(client.get(LIST_URL, {"cluster_id": network["howrah"].pk})) == [
        "Central Manufacturing Technology Institute",
        "Quality Consultants",
    ]
    assert listed(client.get(LIST_URL, {"state_id": region("Karnataka").pk})) == [
        "Central Manufacturing Technology Institute"
    ]


@pytest.mark.parametrize(
    ("params", "label"),
    [
        ({"kind": "wizard"}, "Kind"),
        ({"role": "astronaut"}, "Role"),
        ({"cluster": "no-such-cluster"}, "Cluster"),
        ({"cluster": "secret-hidden"}, "Cluster"),  # a draft cluster cannot be named
        ({"state": "atlantis"}, "State"),
        ({"cluster_id": "x"}, "Cluster (id)"),
    ],
)
def test_an_invalid_filter_value_shows_a_message_and_no_results(client, network, params, label):
    """An invalid value is reported with role=alert and gives no results."""
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert label in html
    assert listed(response) == []


def test_bds_view_has_its_own_heading_services_and_clusters(client, network):
    """?kind=bds_provider is the directory of BDS providers: services offered, clusters served."""
    response = client.get(LIST_URL, {"kind": "bds_provider"})
    html = response.content.decode()
    assert response.context["bds_view"] is True
    assert "Business development service (BDS) providers" in html
    assert "FAQ Q63" in html
    assert "Services offered" in html
    assert "ISO 9001 certification support" in html
    assert "Castings, Howrah" in html
    assert "Secret, Hidden" not in html
    assert listed(response) == ["Quality Consultants"]


def test_empty_state_names_the_filter_to_relax(client, network):
    """When nothing matches, the page names the filter whose removal gives results."""
    html = client.get(LIST_URL, {"kind": "supplier", "q": "knit"}).content.decode()
    assert "No stakeholders match these filters" in html
    assert "Remove “Kind: Supplier”" in html


def test_detail_shows_clusters_relationships_both_ways_and_contacts(client, network):
    """A profile lists every published cluster served, relationships from and to it, contacts."""
    institute = network["institute"]
    response = client.get(institute.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1><span translate="no">Central Manufacturing Technology Institute</span></h1>' in html
    assert "Serves 2 clusters" in html
    assert "Hosiery, Ludhiana" in html and "Castings, Howrah" in html
    assert "trains" in html and "Knit Exports" in html
    assert 'href="mailto:info@cmti.example.org"' in html
    assert "https://cmti.example.org" in html
    assert "+91 80 2345 6789" in html
    exporter = client.get(network["exporter"].get_absolute_url()).content.decode()
    # Both directions: the exporter is trained by the institute and is a member of the club.
    assert "Central Manufacturing Technology Institute" in exporter
    assert "is a member of" in exporter and "Knitwear Club" in exporter


def test_detail_hides_draft_clusters_and_their_relationships(client, network):
    """A stakeholder's page never mentions a draft cluster or a relationship within it."""
    html = client.get(network["bds"].get_absolute_url()).content.decode()
    assert "Serves 1 cluster" in html
    assert "Secret, Hidden" not in html
    assert "Hidden Supplier" not in html


def test_stakeholder_of_draft_clusters_only_is_not_found(client, network):
    """A stakeholder whose only clusters are drafts has no public page."""
    assert client.get(network["hidden"].get_absolute_url()).status_code == 404
    assert client.get("/stakeholders/nobody/").status_code == 404


def test_names_are_escaped(client, db):
    """A stakeholder name with markup is shown as text."""
    cluster = ClusterFactory()
    stakeholder = StakeholderFactory(name="<script>alert('x')</script> Traders")
    MembershipFactory(cluster=cluster, stakeholder=stakeholder)
    for url in (LIST_URL, stakeholder.get_absolute_url(), cluster.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "<script>alert(" not in html
        assert "&lt;script&gt;" in html


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def test_list_query_count_does_not_grow_with_rows(client, db, django_assert_num_queries):
    """The stakeholder list runs as many queries for 50 stakeholders (and clusters) as for 1."""

    def make(start, count):
        for number in range(start, start + count):
            cluster = ClusterFactory(product=f"Product {number}", place=f"Place {number}")
            stakeholder = StakeholderFactory(name=f"Member {number:02d}", region=region("Punjab"))
            MembershipFactory(cluster=cluster, stakeholder=stakeholder)
            MembershipFactory(cluster=ClusterFactory(), stakeholder=stakeholder)

    make(0, 1)
    for url in (LIST_URL, LIST_URL + "?state=punjab&kind=enterprise&ordering=name"):
        client.get(url)
    counts = [_count(client, url) for url in (LIST_URL, LIST_URL + "?state=punjab")]
    make(1, 49)
    with django_assert_num_queries(counts[0]):
        response = client.get(LIST_URL)
    assert len(response.context["results"]) == 50
    with django_assert_num_queries(counts[1]):
        client.get(LIST_URL + "?state=punjab")


def test_detail_query_count_does_not_grow_with_clusters_or_relationships(
    client, db, django_assert_num_queries
):
    """A stakeholder's page runs as many queries with 50 clusters and relationships as with 1."""
    hub = StakeholderFactory(name="District Industries Centre", kind=Kind.INSTITUTION)

    def make(start, count):
        for number in range(start, start + count):
            cluster = ClusterFactory(product=f"Product {number}", place=f"Place {number}")
            other = StakeholderFactory(name=f"Unit {number}")
            RelationshipFactory(cluster=cluster, source=hub, target=other, kind="trains")
            RelationshipFactory(cluster=cluster, source=other, target=hub, kind="buys_from")

    make(0, 1)
    url = hub.get_absolute_url()
    client.get(url)
    expected = _count(client, url)
    make(1, 49)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert len(response.context["memberships"]) == 50
    assert len(response.context["outgoing"]) == 50
    assert len(response.context["incoming"]) == 50


def test_source_addresses_read_as_their_site_and_page():
    from public.templatetags.registry import source_links

    html = str(
        source_links(
            "Profile: https://www.clusterobservatory.in/cluster/ludhiana-knitwear-cluster.html, 2016"
        )
    )
    assert 'href="https://www.clusterobservatory.in/cluster/ludhiana-knitwear-cluster.html"' in html
    assert ">clusterobservatory.in › ludhiana knitwear cluster</a>, 2016" in html
    assert str(source_links("<b>FAQ</b>")) == "&lt;b&gt;FAQ&lt;/b&gt;"
    assert source_links("") == ""


@pytest.mark.parametrize(
    ("url", "make"),
    [
        (LIST_URL, lambda cluster: MembershipFactory(cluster=cluster)),
        (
            reverse("relationships:relationship_list"),
            lambda cluster: RelationshipFactory(cluster=cluster),
        ),
    ],
)
def test_a_paged_list_says_which_results_the_page_shows(client, db, url, make):
    """Stakeholders and relationships share the lists' results bar: the count, which of
    them this page shows, and the downloads of the filtered list."""
    cluster = ClusterFactory(product="Hosiery", place="Ludhiana")
    for _ in range(51):
        make(cluster)
    text = client.get(url, {"page": 2}).content.decode()
    assert "· showing 51–" in text
    assert 'class="downloads"' in text
