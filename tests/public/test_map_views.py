"""The stakeholder map of a cluster (/clusters/<slug>/map/), its network files (GraphML, JSON,
relationship CSV, measures JSON), the social-capital summary on the profile, and the pages
that manage a cluster's networks of enterprises (/manage/clusters/<slug>/networks/)."""

import datetime
import io
import json
import re

import networkx as nx
import pytest
from django.core.cache import cache
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters.choices import PublicationStatus
from stakeholders import services
from stakeholders.choices import Kind, NetworkStatus, RelationshipType, Role
from stakeholders.imports import RelationshipImporter
from stakeholders.models import Network
from stakeholders.network import layout as map_layout
from stakeholders.network.measures import network_measures
from stakeholders.networks import network_save
from tests.accounts.people import make_people
from tests.factories import ClusterFactory, StakeholderFactory, region, stakeholder_network
from tests.stakeholders.test_network import KNITWEAR_ACTORS, KNITWEAR_LINKS

ENT, SUP, INST, ASSOC, BDS = Kind.values
R = RelationshipType
NODE = re.compile(r'<a class="map-node map-node--([a-z-]+)[^"]*" href="([^"]+)" data-node="(\d+)">')
EDGE = re.compile(r'<path class="map-edge map-edge--([a-z-]+)"')


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts without cached maps or measures (the cache outlives a test)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def knitwear(db):
    """Return (cluster, members): 7 stakeholders, 6 relationships, the polytechnic isolated."""
    cluster = ClusterFactory(product="Knitwear", place="Ludhiana", region=region("Punjab"))
    return cluster, stakeholder_network(cluster, KNITWEAR_ACTORS, KNITWEAR_LINKS)


def map_url(cluster, **query):
    url = reverse("clusters:cluster_map", kwargs={"slug": cluster.slug})
    if query:
        url += "?" + "&".join(
            f"{name}={value}" for name, values in query.items() for value in values
        )
    return url


def file_url(cluster, name):
    return reverse(f"clusters:{name}", kwargs={"slug": cluster.slug})


def svg_of(response):
    html = response.content.decode()
    return html[html.index('<svg class="map-svg') : html.index("</svg>", html.index("map-svg"))]


def nodes_in(response):
    """Return {stakeholder id: kind} of the nodes drawn on the map."""
    return {int(pk): kind for kind, _url, pk in NODE.findall(svg_of(response))}


def edges_in(response):
    return [kind.replace("-", "_") for kind in EDGE.findall(svg_of(response))]


def table_rows(response):
    html = response.content.decode()
    table = html[html.index('<table class="data-table map-links">') :]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    return body.count("<tr>")


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


# The map page ------------------------------------------------------------------------------


def test_the_map_draws_every_member_and_relationship_with_legend_and_table(client, knitwear):
    """A published cluster's map has one linked node per member, one arrow per relationship,
    a legend of the kinds and relationship types, and a table listing every link."""
    cluster, members = knitwear

    response = client.get(map_url(cluster))

    assert response.status_code == 200
    nodes = nodes_in(response)
    assert nodes == {member.pk: member.kind.replace("_", "-") for member in members.values()}
    assert sorted(edges_in(response)) == sorted(str(link[1]) for link in KNITWEAR_LINKS)
    html = response.content.decode()
    # Each node links to the stakeholder page and is named by its title (name, kind, role, links).
    alpha = members["alpha"]
    assert f'href="{alpha.get_absolute_url()}" data-node="{alpha.pk}"' in html
    assert "<title>Alpha Knits — Enterprise, manufacturer — 3 links</title>" in html
    # Arrowheads: one marker per relationship type, each type with its own style class.
    assert html.count('<marker id="map-arrow-') == len(RelationshipType.values)
    # The legend names every kind and relationship type.
    legend = html[html.index('id="legend-heading"') : html.index('id="links-heading"')]
    for label in (*Kind.labels, *RelationshipType.labels):
        assert str(label) in legend
    # The table alternative: a caption, column headers with scope, one row per relationship.
    assert table_rows(response) == len(KNITWEAR_LINKS)
    assert "6 relationships drawn on the map, by source" in html
    assert '<th scope="col">Since</th>' in html
    assert "State Bank</a> <small>Institution</small></td><td>finances</td>" in html
    assert "<td>1 April 2012</td><td>31 March 2019</td>" in html  # stored as those days


def test_the_map_page_and_files_of_a_draft_are_not_found_for_the_public(client, db):
    """A draft cluster's map, GraphML, JSON, CSV and measures are 404 for anonymous users."""
    draft = ClusterFactory(status=PublicationStatus.DRAFT)
    names = (
        "cluster_map",
        "cluster_graphml",
        "cluster_graph_json",
        "cluster_relationships_csv",
        "cluster_measures_json",
    )
    for name in names:
        assert client.get(file_url(draft, name)).status_code == 404, name


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 404),
        ("nobody", 404),
        ("other_editor", 404),
        ("own_editor", 200),
        ("curator", 200),
    ],
)
def test_a_draft_map_is_seen_by_its_agency_and_the_curators(client, db, role, status):
    """Signed-in users see what the cluster policy lets them view; others get 404."""
    people = make_people()
    draft = ClusterFactory(status=PublicationStatus.DRAFT, agency=people.agency_a)
    if role != "anonymous":
        client.force_login(people.user(role))

    for name in ("cluster_map", "cluster_graph_json", "cluster_graphml"):
        assert client.get(file_url(draft, name)).status_code == status, name
    if status == 200:
        assert (
            "This cluster is not published"
            in client.get(file_url(draft, "cluster_map")).content.decode()
        )


def test_filters_redraw_the_map_by_kind(client, knitwear):
    """?kind= keeps the stakeholders of those kinds and the relationships among them."""
    cluster, members = knitwear

    response = client.get(map_url(cluster, kind=[ENT, ASSOC]))

    assert set(nodes_in(response)) == {
        members[key].pk for key in ("alpha", "beta", "gamma", "assoc")
    }
    assert edges_in(response) == [R.MEMBER_OF] * 3
    assert table_rows(response) == 3
    html = response.content.decode()
    assert 'value="enterprise" id="map-kind-1" checked' in html
    assert "Showing 4 of 7 stakeholders and 3 of their relationships." in html


def test_filters_redraw_the_map_by_relationship_type(client, knitwear):
    """?relationship= keeps those relationships and only the stakeholders they join."""
    cluster, members = knitwear

    response = client.get(map_url(cluster, relationship=[R.FINANCES, R.SUPPLIES]))

    assert set(nodes_in(response)) == {members[k].pk for k in ("bank", "beta", "delta", "alpha")}
    assert sorted(edges_in(response)) == [R.FINANCES, R.SUPPLIES]
    assert "3 stakeholders without a link of the chosen types are not drawn." in (
        response.content.decode()
    )


def test_an_unknown_filter_value_draws_the_whole_map_and_says_so(client, knitwear):
    """A filter value that is no kind is reported, and the whole map is drawn."""
    cluster, _members = knitwear

    response = client.get(map_url(cluster, kind=["dragon"]))

    assert response.status_code == 200
    assert len(nodes_in(response)) == 7
    assert "A filter was not understood" in response.content.decode()


def test_an_isolated_stakeholder_is_named_as_isolated(client, knitwear):
    """The polytechnic, with no relationship, is listed among the isolated stakeholders and
    drawn with the isolated outline in the strip of stakeholders without a link."""
    cluster, members = knitwear

    response = client.get(map_url(cluster))

    html = response.content.decode()
    isolated = html[html.index('data-measure-list="isolated"') :]
    isolated = isolated[: isolated.index("</ul>")]
    poly = members["poly"]
    assert f'<a href="{poly.get_absolute_url()}">Women&#x27;s Polytechnic</a>' in isolated
    assert isolated.count("<li>") == 1
    assert "No recorded relationship" in svg_of(response)
    assert f'map-node--isolated" href="{poly.get_absolute_url()}"' in svg_of(response)


def test_a_new_relationship_changes_the_map_and_its_measures(client, knitwear):
    """The cached map and measures are dropped when a relationship is recorded."""
    cluster, members = knitwear
    before = client.get(map_url(cluster))
    assert before.context["measures"].measures.isolated == ["Women's Polytechnic"]

    services.relationship_create(
        cluster=cluster, source=members["poly"], target=members["gamma"], kind=R.TRAINS
    )
    after = client.get(map_url(cluster))

    assert len(edges_in(after)) == len(edges_in(before)) + 1
    assert R.TRAINS in edges_in(after)
    measures = after.context["measures"].measures
    assert measures.isolated == []
    assert measures.links == 7
    assert measures.density > before.context["measures"].measures.density
    assert "None: every stakeholder has at least one recorded relationship." in (
        after.content.decode()
    )


def test_the_map_outlines_the_networks_of_enterprises(client, knitwear):
    """A network is drawn as a named outline around its members, and listed below the map."""
    cluster, members = knitwear
    network_save(
        network=Network(
            cluster=cluster,
            name="Yarn buyers",
            joint_action="joint_purchase",
            started=datetime.date(2024, 4, 1),
        ),
        members=[members["alpha"], members["beta"], members["gamma"]],
    )

    response = client.get(map_url(cluster))

    svg = svg_of(response)
    assert svg.count('<g class="map-hull map-hull--active">') == 1
    assert ">Yarn buyers</text>" in svg
    html = response.content.decode()
    assert "Joint purchase of raw material" in html
    assert "1 April 2024" in html


def test_names_are_escaped_in_the_svg_and_the_table(client, db):
    """A stakeholder's name is text everywhere on the map, never markup."""
    cluster = ClusterFactory()
    stakeholder_network(
        cluster,
        {
            "evil": ("<script>alert(1)</script> & Co", ENT, Role.MANUFACTURER),
            "bank": ('Bank "of" <b>Trust</b>', INST, Role.FINANCIAL),
        },
        [("bank", R.FINANCES, "evil")],
    )

    html = client.get(map_url(cluster)).content.decode()

    assert "<script>alert(1)" not in html
    assert "<b>Trust" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    assert svg_of_text(html).count("&lt;b&gt;Trust&lt;/b&gt;") >= 2  # title and label


def svg_of_text(html):
    return html[html.index('<svg class="map-svg') : html.index("</svg>", html.index("map-svg"))]


# The layout --------------------------------------------------------------------------------


def test_a_big_view_draws_its_best_linked_stakeholders_and_says_so(client, knitwear, settings):
    """Above REGISTRY_MAP_MAX_STAKEHOLDERS the map draws that many, those with the most links,
    and the links among them; the page says so and points to the full downloads."""
    settings.REGISTRY_MAP_MAX_STAKEHOLDERS = 3
    cluster, members = knitwear

    response = client.get(map_url(cluster))

    # Alpha and the association have 3 links each; Beta and Delta 2 (Beta first by name).
    assert set(nodes_in(response)) == {members[key].pk for key in ("alpha", "assoc", "beta")}
    assert sorted(edges_in(response)) == [R.MEMBER_OF, R.MEMBER_OF]
    assert table_rows(response) == 2
    html = response.content.decode()
    assert (
        "This view has 7 stakeholders and 6 relationships, too many to draw one by one. The map "
        "draws the 3 stakeholders with the most links and the 2 relationships among them."
    ) in html
    assert "Every stakeholder and relationship of the cluster." not in html
    assert "Every one of the cluster's 6 relationships is in the" in html
    assert f'href="{file_url(cluster, "cluster_relationships_csv")}"' in html
    # The measures still cover the whole network.
    assert '<dd class="measure-card__value" data-measure="isolated">1</dd>' in html


def test_the_table_lists_the_first_links_and_links_to_them_all(client, knitwear, settings):
    """Above REGISTRY_MAP_TABLE_MAX_ROWS the table lists that many links (by source) and
    links to the relationships CSV; the map draws them all."""
    settings.REGISTRY_MAP_TABLE_MAX_ROWS = 2
    cluster, _members = knitwear

    response = client.get(map_url(cluster))

    assert len(edges_in(response)) == len(KNITWEAR_LINKS)
    assert table_rows(response) == 2
    html = response.content.decode()
    assert "The first 2 of the 6 relationships drawn on the map, by source" in html
    assert f'href="{file_url(cluster, "cluster_relationships_csv")}"' in html
    assert "The table after the map lists the first 2 links." in html
    assert '<h2 id="links-heading">Links on the map</h2>' in html


def test_the_layout_is_deterministic_and_keeps_groups_apart():
    """The same network gets the same positions; separate groups never overlap; stakeholders
    without a link are left for the strip."""
    links = [(1, 2), (2, 3), (3, 1), (3, 4), (10, 11), (11, 12), (20, 21)]
    nodes = [1, 2, 3, 4, 10, 11, 12, 20, 21, 99]

    first = map_layout.force_layout(nodes, links)
    second = map_layout.force_layout(nodes, links)

    assert first.positions == second.positions
    assert first.unlinked == [99]
    assert set(first.positions) == set(nodes) - {99}

    def box(group):
        xs = [first.positions[n][0] for n in group]
        ys = [first.positions[n][1] for n in group]
        return min(xs), min(ys), max(xs), max(ys)

    boxes = [box([1, 2, 3, 4]), box([10, 11, 12]), box([20, 21])]
    for number, a in enumerate(boxes):
        for b in boxes[number + 1 :]:
            assert a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1], (a, b)
    for x, y in first.positions.values():
        assert 0 <= x <= first.width + 1e-9
        assert 0 <= y <= first.height + 1e-9


def test_a_network_holds_its_members_together_even_without_links():
    """Members of a network with no relationship are placed together, not in the strip."""
    layout = map_layout.force_layout([1, 2, 3, 4], [], groups=[[1, 2, 3]])

    assert layout.unlinked == [4]
    assert set(layout.positions) == {1, 2, 3}


def test_a_big_network_is_laid_out_without_two_stakeholders_on_one_spot():
    """500 stakeholders (the grid repulsion) all get distinct positions."""
    nodes = list(range(500))
    links = [(n, (n * 7 + 3) % 500) for n in nodes] + [(n, (n * 13 + 5) % 500) for n in nodes]

    layout = map_layout.force_layout(nodes, links)

    spots = {(round(x, 3), round(y, 3)) for x, y in layout.positions.values()}
    assert len(spots) == len(layout.positions) == 500


# The files of the network ------------------------------------------------------------------


def test_graphml_download_reads_back_with_the_measures_of_the_page(client, knitwear):
    """The GraphML file is an attachment networkx reads; its measures are the page's."""
    cluster, _members = knitwear
    page = client.get(map_url(cluster)).context["measures"].measures

    response = client.get(file_url(cluster, "cluster_graphml"))

    assert response["Content-Type"] == "application/graphml+xml"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert ".graphml" in response["Content-Disposition"]
    graph = nx.read_graphml(io.BytesIO(body(response)), force_multigraph=True)
    measures = network_measures(graph)
    assert measures.density == pytest.approx(page.density)
    assert measures.components == page.components
    assert measures.isolated == page.isolated
    assert measures.links == page.links


def test_graph_json_lists_nodes_and_links(client, knitwear):
    """graph.json has every stakeholder as a node and every relationship as a link."""
    cluster, members = knitwear

    data = json.loads(client.get(file_url(cluster, "cluster_graph_json")).content)

    assert {node["id"] for node in data["nodes"]} == {m.pk for m in members.values()}
    assert len(data["links"]) == len(KNITWEAR_LINKS)


def test_relationships_csv_imports_back_without_a_change(client, knitwear):
    """relationships.csv is in the relationship import format: importing it changes nothing."""
    cluster, _members = knitwear

    response = client.get(file_url(cluster, "cluster_relationships_csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    result = RelationshipImporter().run(body(response))
    assert result.ok, result.errors
    assert result.summary().startswith("created 0, updated 0")
    assert result.unchanged == len(KNITWEAR_LINKS)


def test_the_streamed_files_hold_what_the_graph_exports_write(client, knitwear):
    """GraphML, JSON and CSV stream from the database what graph_to_graphml, graph_to_json
    and graph_relationship_rows write of cluster_graph."""
    from stakeholders.network.graph_export import (
        cluster_relationship_rows,
        graph_relationship_rows,
        graph_to_graphml,
        graph_to_json,
    )
    from stakeholders.network.measures import cluster_graph

    cluster, members = knitwear
    odd = StakeholderFactory(name='Gamma & <Sons> "Ünit"', kind=BDS)
    services.stakeholder_link_to_cluster(stakeholder=odd, cluster=cluster)
    services.relationship_create(
        cluster=cluster, source=odd, target=members["gamma"], kind=R.SERVES
    )
    graph = cluster_graph(cluster)

    response = client.get(file_url(cluster, "cluster_graphml"))
    streamed = nx.read_graphml(io.BytesIO(body(response)), force_multigraph=True)
    written = nx.read_graphml(io.BytesIO(graph_to_graphml(graph)), force_multigraph=True)
    assert dict(streamed.nodes(data=True)) == dict(written.nodes(data=True))
    assert sorted(streamed.edges(keys=True, data=True)) == sorted(
        written.edges(keys=True, data=True)
    )
    assert streamed.graph == written.graph

    response = client.get(file_url(cluster, "cluster_graph_json"))
    assert response["Content-Type"] == "application/json"
    data, expected = json.loads(body(response)), graph_to_json(graph)
    key = lambda link: (link["source"], link["target"], link["kind"])  # noqa: E731
    assert sorted(data.pop("links"), key=key) == sorted(expected.pop("links"), key=key)
    assert data == expected

    response = client.get(file_url(cluster, "cluster_relationships_csv"))
    lines = body(response).decode("utf-8-sig").splitlines()
    assert len(lines) == len(KNITWEAR_LINKS) + 2  # the header, the new link
    assert list(cluster_relationship_rows(cluster)) == list(graph_relationship_rows(cluster, graph))


def test_measures_json_gives_the_measures_and_their_explanations(client, knitwear):
    """measures.json is NetworkMeasures.as_dict() with the plain-words explanations."""
    cluster, _members = knitwear

    data = json.loads(client.get(file_url(cluster, "cluster_measures_json")).content)

    assert data["cluster"] == cluster.slug
    assert data["measures"]["actors"] == 7
    assert data["measures"]["isolated"] == ["Women's Polytechnic"]
    assert data["measures"]["kind_matrix"]["enterprise"]["association"] == 3
    assert "isolation" in data["explanations"]["isolated"]


def test_the_profile_of_a_big_cluster_counts_what_network_measures_computes(knitwear, monkeypatch):
    """On a cold cache the profile of a big cluster counts its figures in the database: the
    same as network_measures, without the measures that walk the graph."""
    from stakeholders.network import profile
    from stakeholders.network.measures import cluster_graph

    monkeypatch.setattr(profile, "PROFILE_MEASURES_MAX_LINKS", 0)
    cluster, members = knitwear
    measures = network_measures(cluster_graph(cluster))

    display = profile.profile_network(cluster).display

    counted = display.measures
    assert not display.complete
    assert (counted.actors, counted.links) == (measures.actors, measures.links)
    assert counted.density == pytest.approx(measures.density)
    assert counted.isolated == measures.isolated == ["Women's Polytechnic"]
    assert counted.unlinked_enterprises == measures.unlinked_enterprises
    assert counted.absent_kinds == measures.absent_kinds
    assert counted.most_connected == measures.most_connected
    assert (display.isolated_count, display.unlinked_count) == (1, 2)
    assert display.isolated == [("Women's Polytechnic", members["poly"].get_absolute_url())]
    assert display.brokers == []


def test_the_profile_of_a_big_cluster_leaves_groups_and_brokers_to_the_map(
    client, knitwear, monkeypatch
):
    """Not cached, a big cluster's profile shows the counted figures and sends the reader to
    the map for its separate groups and brokers; once the map has measured the network, the
    profile shows them."""
    from stakeholders.network import profile

    monkeypatch.setattr(profile, "PROFILE_MEASURES_MAX_LINKS", 0)
    cluster, _members = knitwear

    html = client.get(cluster.get_absolute_url()).content.decode()

    summary = html[html.index('id="network-summary-heading"') :]
    assert "Women&#x27;s Polytechnic" in summary  # isolated
    assert "Absent kinds:" in summary
    assert "In a cluster this big the brokers are worked out on its stakeholder map." in summary
    assert "They are counted on the stakeholder map." in summary

    client.get(map_url(cluster))
    html = client.get(cluster.get_absolute_url()).content.decode()

    summary = html[html.index('id="network-summary-heading"') :]
    assert "In a cluster this big" not in summary
    assert "They are counted on the stakeholder map." not in summary
    assert "Women&#x27;s Polytechnic" in summary


def test_a_long_list_of_names_shows_its_first_names_and_how_many_more(
    client, knitwear, monkeypatch
):
    """The map and the profile list the first isolated stakeholders and unlinked enterprises
    and say how many more there are; the count is of them all."""
    from stakeholders.network import display

    monkeypatch.setattr(display, "LISTED_NAMES_MAX", 1)
    cluster, _members = knitwear

    html = client.get(map_url(cluster)).content.decode()

    assert "And 1 more: measures.json lists them all." in html  # 2 unlinked enterprises
    assert '<dd class="measure-card__value" data-measure="isolated">1</dd>' in html
    html = client.get(cluster.get_absolute_url()).content.decode()
    assert "Beta Exports</a> and 1 more." in html


# Query counts ------------------------------------------------------------------------------


def grow(cluster, hub, start, count):
    """Add `count` suppliers, each supplying `hub`."""
    for number in range(start, start + count):
        supplier = StakeholderFactory(name=f"Yarn supplier {number}", kind=SUP)
        services.stakeholder_link_to_cluster(stakeholder=supplier, cluster=cluster)
        services.relationship_create(cluster=cluster, source=supplier, target=hub, kind=R.SUPPLIES)


def count_queries(client, url):
    from django.db import connection

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_map_page_runs_as_many_queries_for_50_relationships_as_for_5(client, db):
    """Cold (just after a write) and warm (cached), the query count does not grow."""
    cluster = ClusterFactory(product="Hosiery", place="Tiruppur")
    hub = StakeholderFactory(name="Hub Knits", kind=ENT)
    services.stakeholder_link_to_cluster(stakeholder=hub, cluster=cluster)
    partners = [StakeholderFactory(name=f"Partner {n}", kind=ENT) for n in range(2)]
    for partner in partners:
        services.stakeholder_link_to_cluster(stakeholder=partner, cluster=cluster)
    network_save(
        network=Network(cluster=cluster, name="Buyers", joint_action="joint_purchase"),
        members=[hub, *partners],
    )
    grow(cluster, hub, 0, 5)
    url = map_url(cluster)
    client.get(url)  # content types, sessions: warm what is not ours
    cache.clear()
    cold_5 = count_queries(client, url)
    warm_5 = count_queries(client, url)

    grow(cluster, hub, 5, 45)
    cold_50 = count_queries(client, url)
    warm_50 = count_queries(client, url)

    assert cold_50 == cold_5
    assert warm_50 == warm_5
    assert warm_5 < cold_5


def test_the_profile_network_summary_runs_few_queries_whatever_the_size(
    knitwear, monkeypatch, django_assert_num_queries
):
    """The profile's network summary: three queries on a cold cache for a big cluster (count,
    figures, networks), one once counted, two once the map has measured the network (the
    names' links, the networks); a small cluster computes its measures (five); as many
    queries for 56 relationships as for 6."""
    from stakeholders.network import profile
    from stakeholders.network.map import cached_measures

    cluster, members = knitwear
    for relationships in (6, 56):
        if relationships == 56:
            grow(cluster, members["alpha"], 0, 50)
        cache.clear()
        monkeypatch.setattr(profile, "PROFILE_MEASURES_MAX_LINKS", 400)
        with django_assert_num_queries(5):  # count, members, relationships, names, networks
            assert profile.profile_network(cluster).display.complete
        cache.clear()
        monkeypatch.setattr(profile, "PROFILE_MEASURES_MAX_LINKS", 0)
        with django_assert_num_queries(3):
            assert not profile.profile_network(cluster).display.complete
        with django_assert_num_queries(1):
            assert not profile.profile_network(cluster).display.complete
        cached_measures(cluster)
        with django_assert_num_queries(2):
            assert profile.profile_network(cluster).display.complete


def test_the_profile_shows_the_social_capital_summary_and_networks(client, knitwear):
    """The profile summarises the measures, links to the map and lists the networks."""
    cluster, members = knitwear
    network_save(
        network=Network(
            cluster=cluster,
            name="Fair goers",
            joint_action="trade_fair",
            status=NetworkStatus.PLANNED,
        ),
        members=[members["alpha"], members["beta"], members["gamma"]],
    )

    html = client.get(cluster.get_absolute_url()).content.decode()

    assert "See the stakeholder map" in html
    assert f'href="{map_url(cluster)}"' in html
    assert "Women&#x27;s Polytechnic" in html  # isolated
    assert "Absent kinds:" in html  # no BDS provider
    assert "Fair goers" in html
    assert "Joint participation in a trade fair" in html
    assert "Planned" in html


# Managing networks -------------------------------------------------------------------------


@pytest.fixture
def people(db):
    return make_people()


@pytest.fixture
def own_cluster(people):
    """Return (cluster, enterprises): a draft of agency A with four enterprises and a bank."""
    cluster = ClusterFactory(
        product="Hosiery", place="Ludhiana", status=PublicationStatus.DRAFT, agency=people.agency_a
    )
    enterprises = [
        StakeholderFactory(name=f"Knitter {n}", kind=ENT, role=Role.MANUFACTURER) for n in range(4)
    ]
    bank = StakeholderFactory(name="Cluster Bank", kind=INST, role=Role.FINANCIAL)
    for stakeholder in (*enterprises, bank):
        services.stakeholder_link_to_cluster(stakeholder=stakeholder, cluster=cluster)
    return cluster, enterprises


def networks_url(cluster, name="network_list", **kwargs):
    return reverse(f"networks:{name}", kwargs={"slug": cluster.slug, **kwargs})


def network_data(members, **overrides):
    data = {
        "name": "Joint yarn purchase",
        "joint_action": "joint_purchase",
        "description": "Buying cotton yarn together.",
        "started": "2024-04-01",
        "status": "active",
        "members": [member.pk for member in members],
    }
    data.update(overrides)
    return data


def test_an_editor_records_a_network_of_their_cluster(client, people, own_cluster):
    """A valid network is saved through network_save, attributed to the editor."""
    cluster, enterprises = own_cluster
    client.force_login(people.own_editor)

    form = client.get(networks_url(cluster, "network_create"))
    assert form.status_code == 200
    assert "Knitter 0 (Manufacturer)" in form.content.decode()
    assert "Cluster Bank" not in form.content.decode()  # only enterprises are offered
    response = client.post(networks_url(cluster, "network_create"), network_data(enterprises[:3]))

    assert response.status_code == 302
    assert response["Location"] == networks_url(cluster)
    network = Network.objects.get(cluster=cluster)
    assert set(network.members.all()) == set(enterprises[:3])
    assert network.started == datetime.date(2024, 4, 1)
    assert network.history.latest().history_user == people.own_editor
    listing = client.get(networks_url(cluster)).content.decode()
    assert "Joint yarn purchase" in listing
    assert "is saved" in listing


def test_two_members_are_refused_with_the_message_next_to_the_members(client, people, own_cluster):
    """Fewer than 3 members: nothing is saved and the service's message stands by the field."""
    cluster, enterprises = own_cluster
    client.force_login(people.own_editor)

    response = client.post(networks_url(cluster, "network_create"), network_data(enterprises[:2]))

    assert response.status_code == 200
    assert not Network.objects.exists()
    html = response.content.decode()
    error = re.search(r'<p class="field-error" id="members-error">([^<]*)</p>', html)
    assert error is not None
    assert "A network has 3 to 10 enterprises; 2 were chosen." in error.group(1)
    assert 'href="#members-field"' in html  # the summary at the top links to the field
    assert 'value="Joint yarn purchase"' in html  # what was typed stays


def test_every_error_of_the_form_shows_at_once(client, people, own_cluster):
    """A missing joint action and too many members are both reported, each by its field."""
    cluster, enterprises = own_cluster
    for number in range(4, 11):
        extra = StakeholderFactory(name=f"Knitter {number}", kind=ENT)
        services.stakeholder_link_to_cluster(stakeholder=extra, cluster=cluster)
        enterprises.append(extra)
    client.force_login(people.own_editor)

    response = client.post(
        networks_url(cluster, "network_create"), network_data(enterprises, joint_action="")
    )

    html = response.content.decode()
    assert "A network has 3 to 10 enterprises; 11 were chosen." in html
    assert 'id="id_joint_action_error"' in html
    assert not Network.objects.exists()


def test_a_second_network_of_the_same_name_is_refused(client, people, own_cluster):
    """The service's uniqueness rule is reported at the top of the form."""
    cluster, enterprises = own_cluster
    network_save(
        network=Network(cluster=cluster, name="Joint yarn purchase", joint_action="other"),
        members=enterprises[:3],
    )
    client.force_login(people.own_editor)

    response = client.post(networks_url(cluster, "network_create"), network_data(enterprises))

    assert response.status_code == 200
    assert "This cluster already has a network of that name." in response.content.decode()
    assert Network.objects.count() == 1


def test_a_member_from_outside_the_cluster_is_refused(client, people, own_cluster):
    """An enterprise that is not a member of the cluster cannot be chosen."""
    cluster, enterprises = own_cluster
    outsider = StakeholderFactory(name="Elsewhere Knits", kind=ENT)
    client.force_login(people.own_editor)

    response = client.post(
        networks_url(cluster, "network_create"), network_data([*enterprises[:2], outsider])
    )

    assert response.status_code == 200
    assert not Network.objects.exists()
    assert 'id="members-error"' in response.content.decode()


def test_an_editor_edits_and_deletes_a_network(client, people, own_cluster):
    """Edit changes the members; delete removes the network after a confirmation."""
    cluster, enterprises = own_cluster
    network = network_save(
        network=Network(cluster=cluster, name="Fair", joint_action="trade_fair"),
        members=enterprises[:3],
    )
    client.force_login(people.own_editor)

    edit = networks_url(cluster, "network_edit", pk=network.pk)
    assert f'value="{enterprises[0].pk}" id=' in client.get(edit).content.decode()
    response = client.post(edit, network_data(enterprises, name="Fair 2026", status="completed"))
    assert response.status_code == 302
    network.refresh_from_db()
    assert network.name == "Fair 2026"
    assert network.members.count() == 4

    delete = networks_url(cluster, "network_delete", pk=network.pk)
    assert client.get(delete).status_code == 200
    assert client.post(delete).status_code == 302
    assert not Network.objects.exists()


@pytest.mark.parametrize(
    "page", ["network_list", "network_create", "network_edit", "network_delete"]
)
def test_another_agencys_editor_finds_no_network_pages(client, people, own_cluster, page):
    """An editor of agency B gets 404 on agency A's cluster and its networks."""
    cluster, enterprises = own_cluster
    network = network_save(
        network=Network(cluster=cluster, name="Fair", joint_action="trade_fair"),
        members=enterprises[:3],
    )
    client.force_login(people.other_editor)
    kwargs = {"pk": network.pk} if page in ("network_edit", "network_delete") else {}

    assert client.get(networks_url(cluster, page, **kwargs)).status_code == 404
    if page != "network_list":
        assert client.post(networks_url(cluster, page, **kwargs), {}).status_code == 404
    assert Network.objects.filter(name="Fair").exists()


def test_anonymous_users_are_sent_to_sign_in_and_others_refused(client, people, own_cluster):
    """Anonymous: redirect to /accounts/login/; a user with no role: 403; a curator: 200."""
    cluster, _enterprises = own_cluster
    url = networks_url(cluster)

    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")

    client.force_login(people.nobody)
    assert client.get(url).status_code == 403

    client.force_login(people.curator)
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_the_map_filter_shows_every_box_ticked_when_everything_is_drawn(client):
    from tests.factories import ClusterFactory

    cluster = ClusterFactory()
    html = client.get(f"/clusters/{cluster.slug}/map/").content.decode()
    kinds = html.count('name="kind"')
    assert kinds and html.count('name="kind" value') == kinds
    assert all(
        " checked" in tag
        for tag in re.findall(r'<input type="checkbox" name="(?:kind|relationship)"[^>]*>', html)
    )
    html = client.get(f"/clusters/{cluster.slug}/map/?kind=enterprise").content.decode()
    ticked = re.findall(r'<input type="checkbox" name="kind" value="(\w+)"[^>]*checked', html)
    assert ticked == ["enterprise"]
