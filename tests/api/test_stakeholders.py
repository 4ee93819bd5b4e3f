"""The stakeholder API (/api/stakeholders/, memberships, relationships): public reads through
published clusters, writes through the services within the permission policies."""

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from clusters import services as cluster_services
from clusters.choices import PublicationStatus
from stakeholders import services
from stakeholders.choices import Kind
from stakeholders.filtersets import StakeholderFilterSet
from stakeholders.models import ClusterMembership, Relationship, Stakeholder
from stakeholders.selectors import stakeholder_list
from tests import factories
from tests.api.test_clusters import editor, follow_pages, results, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Hash the factories' passwords quickly: these tests log in with tokens, not passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def anon():
    return APIClient()


def member(cluster, **kwargs):
    """Return a new stakeholder made a member of `cluster`."""
    stakeholder = factories.StakeholderFactory(**kwargs)
    services.stakeholder_link_to_cluster(stakeholder=stakeholder, cluster=cluster)
    return stakeholder


def own_cluster(user, **kwargs):
    return factories.ClusterFactory(agency=user.agency_editor.agency, **kwargs)


# Reads ------------------------------------------------------------------------------------


def test_anonymous_reads_stakeholders_of_published_clusters_only(anon):
    published = factories.ClusterFactory()
    draft = factories.ClusterFactory(status=PublicationStatus.DRAFT)
    public = member(published, name="Moradabad Handicrafts Exporters Association")
    hidden = member(draft)

    listed = results(anon.get("/api/stakeholders/"))

    assert [row["slug"] for row in listed] == [public.slug]
    assert listed[0]["clusters"] == [
        {"slug": published.slug, "product": published.product, "place": published.place}
    ]
    assert anon.get(f"/api/stakeholders/{hidden.slug}/").status_code == 404
    assert anon.get(f"/api/stakeholders/{hidden.pk}/").status_code == 404
    detail = anon.get(f"/api/stakeholders/{public.slug}/")
    assert detail.status_code == 200
    assert detail["ETag"] == f'"{public.version}"'


def test_a_stakeholder_shows_only_the_clusters_the_reader_may_see(anon):
    user = editor()
    draft = own_cluster(user, status=PublicationStatus.DRAFT)
    published = factories.ClusterFactory()
    bank = member(published, name="State Bank", kind=Kind.INSTITUTION)
    services.stakeholder_link_to_cluster(stakeholder=bank, cluster=draft)

    public_view = anon.get(f"/api/stakeholders/{bank.slug}/").json()["clusters"]
    editor_view = token_client(user).get(f"/api/stakeholders/{bank.slug}/").json()["clusters"]

    assert [c["slug"] for c in public_view] == [published.slug]
    assert sorted(c["slug"] for c in editor_view) == sorted([published.slug, draft.slug])


def test_filters_are_the_html_lists_filterset(anon):
    cluster = factories.ClusterFactory()
    other = factories.ClusterFactory(region=factories.region("Odisha"))
    member(cluster, kind=Kind.ENTERPRISE, role="exporter")
    member(cluster, kind=Kind.BDS_PROVIDER, role="consultancy", services_offered="Design training")
    member(other, kind=Kind.ENTERPRISE, role="manufacturer")

    for query in (
        {"kind": "enterprise"},
        {"kind": ["bds_provider", "supplier"]},
        {"cluster": cluster.slug},
        {"state": "odisha"},
        {"role": "exporter"},
        {"q": "design"},
    ):
        data = QueryDict(urlencode(query, doseq=True))
        expected = StakeholderFilterSet(data, queryset=stakeholder_list()).qs
        response = anon.get("/api/stakeholders/", query)
        assert sorted(row["id"] for row in results(response)) == sorted(s.pk for s in expected)
        assert expected.exists()

    response = anon.get("/api/stakeholders/", {"kind": "alien"})
    assert response.status_code == 400 and response.json()["kind"]


def test_stakeholder_pages_follow_cursors_and_ordering():
    cluster = factories.ClusterFactory()
    for name in ("Delta", "alpha", "Charlie", "bravo", "Echo"):
        member(cluster, name=name)
    client = APIClient()

    by_id = follow_pages(client, "/api/stakeholders/?page_size=2")
    by_name = follow_pages(client, "/api/stakeholders/?page_size=2&ordering=-name")

    assert [row["id"] for row in by_id] == sorted(s.pk for s in Stakeholder.objects.all())
    expected = StakeholderFilterSet({"ordering": "-name"}, queryset=stakeholder_list()).qs
    assert [row["name"] for row in by_name] == [s.name for s in expected]


# Writes -----------------------------------------------------------------------------------


def test_editor_creates_a_stakeholder_in_own_cluster():
    user = editor()
    cluster = own_cluster(user, status="draft")
    api = token_client(user)

    response = api.post(
        "/api/stakeholders/",
        {
            "name": "Knitwear Club",
            "kind": "association",
            "role": "industry_association",
            "cluster": cluster.slug,
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert [c["slug"] for c in body["clusters"]] == [cluster.slug]
    assert ClusterMembership.objects.filter(
        cluster=cluster, stakeholder__slug=body["slug"]
    ).exists()
    missing = api.post("/api/stakeholders/", {"name": "Nobody", "kind": "enterprise"})
    assert missing.status_code == 400 and "cluster" in missing.json()
    bad_role = api.post(
        "/api/stakeholders/",
        {"name": "Odd", "kind": "enterprise", "role": "chamber", "cluster": cluster.slug},
    )
    assert bad_role.status_code == 400 and "role" in bad_role.json()
    assert not Stakeholder.objects.filter(name__in=["Nobody", "Odd"]).exists()


def test_editor_creates_a_relationship_with_a_token(anon):
    """The documented script: two members of the editor's cluster, linked with a token."""
    user = editor()
    cluster = own_cluster(user, status="draft")
    supplier = member(cluster, name="Yarn Dealer", kind=Kind.SUPPLIER)
    maker = member(cluster, name="Knitting Unit")
    outsider = factories.StakeholderFactory(name="Outsider")
    services.stakeholder_link_to_cluster(stakeholder=outsider, cluster=factories.ClusterFactory())
    api = token_client(user)
    body = {
        "cluster": cluster.slug,
        "source": supplier.slug,
        "target": maker.slug,
        "kind": "supplies",
    }

    response = api.post("/api/relationships/", body)

    assert response.status_code == 201, response.content
    assert response.json()["source_name"] == "Yarn Dealer"
    relationship = Relationship.objects.get()
    assert relationship.history.latest().history_user == user
    assert api.post("/api/relationships/", body).status_code == 400  # recorded already
    not_member = api.post("/api/relationships/", {**body, "target": outsider.slug})
    assert not_member.status_code == 400 and "target" in not_member.json()
    itself = api.post("/api/relationships/", {**body, "target": supplier.slug, "kind": "trains"})
    assert itself.status_code == 400
    dates = api.post(
        "/api/relationships/",
        {**body, "kind": "finances", "since": "2020-01-01", "until": "2019-01-01"},
    )
    assert dates.status_code == 400 and dates.json()["non_field_errors"]
    assert anon.post("/api/relationships/", body).status_code == 401
    cluster_services.cluster_update(cluster=cluster, data={"status": "published"})  # a curator
    listed = anon.get("/api/relationships/", {"stakeholder": maker.slug})
    assert [row["id"] for row in results(listed)] == [relationship.pk]


def test_relationships_of_another_agency_are_not_found_for_writes():
    relationship = factories.RelationshipFactory(
        cluster=factories.ClusterFactory(agency=factories.AgencyFactory())
    )
    api = token_client(editor())
    url = f"/api/relationships/{relationship.pk}/"
    assert api.get(url).status_code == 200
    assert api.patch(url, {"kind": "trains"}).status_code == 404
    assert api.delete(url).status_code == 404
    foreign = api.post(
        "/api/relationships/",
        {
            "cluster": relationship.cluster.slug,
            "source": relationship.target.slug,
            "target": relationship.source.slug,
            "kind": "buys_from",
        },
    )
    assert foreign.status_code == 400 and "cluster" in foreign.json()


def test_editor_updates_and_deletes_own_relationship():
    user = editor()
    relationship = factories.RelationshipFactory(cluster=own_cluster(user, status="draft"))
    api = token_client(user)
    url = f"/api/relationships/{relationship.pk}/"

    changed = api.patch(url, {"kind": "finances", "since": "2019-04-01"})
    moved = api.patch(
        url, {"cluster": factories.ClusterFactory(agency=user.agency_editor.agency).slug}
    )
    deleted = api.delete(url)

    assert changed.status_code == 200 and changed.json()["kind"] == "finances"
    assert moved.status_code == 400 and "cluster" in moved.json()
    assert deleted.status_code == 204
    assert not Relationship.objects.exists()


def test_memberships_are_linked_and_removed_with_their_relationships():
    user = editor()
    cluster = own_cluster(user, status="draft")
    relationship = factories.RelationshipFactory(cluster=cluster)
    shared = member(factories.ClusterFactory(), name="Shared bank", kind=Kind.INSTITUTION)
    api = token_client(user)

    linked = api.post("/api/memberships/", {"cluster": cluster.slug, "stakeholder": shared.slug})
    again = api.post("/api/memberships/", {"cluster": cluster.slug, "stakeholder": shared.slug})
    membership = ClusterMembership.objects.get(cluster=cluster, stakeholder=relationship.source)
    removed = api.delete(f"/api/memberships/{membership.pk}/")

    assert linked.status_code == 201, linked.content
    assert again.status_code == 200 and again.json()["id"] == linked.json()["id"]
    assert removed.status_code == 204
    assert not Relationship.objects.exists()
    listed = api.get("/api/memberships/", {"cluster": cluster.slug})
    assert {row["stakeholder"] for row in results(listed)} == {
        relationship.target.slug,
        shared.slug,
    }
    other = ClusterMembership.objects.exclude(cluster=cluster).first()
    assert api.delete(f"/api/memberships/{other.pk}/").status_code == 404


def test_stakeholder_edit_with_a_stale_if_match_is_412():
    user = editor()
    stakeholder = member(own_cluster(user), name="Dyeing unit")
    api = token_client(user)
    url = f"/api/stakeholders/{stakeholder.slug}/"
    etag = api.get(url)["ETag"]
    services.stakeholder_update(stakeholder=stakeholder, data={"phone": "0591 000000"})

    stale = api.patch(url, {"place": "Moradabad"}, HTTP_IF_MATCH=etag)
    fresh = api.patch(
        url, {"place": "Moradabad", "state": "uttar-pradesh"}, HTTP_IF_MATCH=api.get(url)["ETag"]
    )

    assert stale.status_code == 412
    assert fresh.status_code == 200, fresh.content
    assert fresh.json()["state"]["name"] == "Uttar Pradesh"
    assert fresh["ETag"] == f'"{fresh.json()["version"]}"'


def test_a_shared_stakeholder_is_not_editable_by_one_agency():
    """A stakeholder also in another agency's cluster is curated: the editor gets 404."""
    user = editor()
    bank = member(own_cluster(user), name="Bank", kind=Kind.INSTITUTION)
    services.stakeholder_link_to_cluster(
        stakeholder=bank, cluster=factories.ClusterFactory(agency=factories.AgencyFactory())
    )
    response = token_client(user).patch(f"/api/stakeholders/{bank.slug}/", {"phone": "1"})
    assert response.status_code == 404


# Query counts -------------------------------------------------------------------------------


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


LIST_URLS = [
    "/api/stakeholders/",
    "/api/stakeholders/?ordering=name&kind=enterprise",
    "/api/memberships/",
    "/api/relationships/",
]


def test_list_query_count_is_the_same_for_1_and_50_rows():
    """Each list costs the same number of queries for 1 row as for 50, for every reader."""
    user = editor()
    clients = {
        "anonymous": APIClient(),
        "editor": token_client(user),
        "curator": token_client(factories.CuratorFactory()),
    }
    cluster = own_cluster(user)
    draft = factories.ClusterFactory(status=PublicationStatus.DRAFT)

    def add(n):
        for _ in range(n):
            relationship = factories.RelationshipFactory(cluster=cluster)
            services.stakeholder_link_to_cluster(stakeholder=relationship.source, cluster=draft)

    add(1)
    one = {
        (who, url): _count_queries(client, url)
        for who, client in clients.items()
        for url in LIST_URLS
    }
    add(49)
    many = {
        (who, url): _count_queries(client, url)
        for who, client in clients.items()
        for url in LIST_URLS
    }

    assert many == one
    for url in LIST_URLS:
        assert len(results(clients["anonymous"].get(url))) == 50


# Issue 9: defects found by probing from outside ---------------------------------------------


def test_the_etag_a_gzip_client_receives_is_accepted_in_if_match():
    """A gzip client receives the ETag weakened (`W/"2"`); sending it back in If-Match edits
    the stakeholder (200), and once it is stale the edit is 412."""
    user = editor()
    stakeholder = member(own_cluster(user), name="Dyeing unit", description="x" * 300)
    api = token_client(user)
    url = f"/api/stakeholders/{stakeholder.slug}/"

    received = api.get(url, HTTP_ACCEPT_ENCODING="gzip")["ETag"]
    assert received == f'W/"{stakeholder.version}"'
    fresh = api.patch(url, {"phone": "0591 1"}, HTTP_IF_MATCH=received, HTTP_ACCEPT_ENCODING="gzip")
    stale = api.patch(url, {"phone": "0591 2"}, HTTP_IF_MATCH=received, HTTP_ACCEPT_ENCODING="gzip")

    assert fresh.status_code == 200
    assert stale.status_code == 412
    stakeholder.refresh_from_db()
    assert stakeholder.phone == "0591 1"


HUGE_ID = "99999999999999999999"  # above 2**64: no bigint holds it


@pytest.mark.parametrize(
    "url",
    [
        "/api/stakeholders/?cluster_id=" + HUGE_ID,
        "/api/stakeholders/?state_id=" + HUGE_ID,
        "/api/stakeholders/?state_id=-3",
        "/api/memberships/?cluster_id=" + HUGE_ID,
        "/api/memberships/?stakeholder_id=" + HUGE_ID,
        "/api/relationships/?cluster_id=" + HUGE_ID,
        "/api/relationships/?stakeholder_id=" + HUGE_ID,
    ],
)
def test_an_id_filter_that_is_no_id_is_a_400_naming_it(anon, url):
    """An id beyond bigint (or negative) is a 400 naming the filter on SQLite and
    PostgreSQL alike, never a 500."""
    factories.RelationshipFactory()
    response = anon.get(url)
    assert response.status_code == 400
    assert response.json()[url.split("?")[1].split("=")[0]][0]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/stakeholders/?state_id=" + HUGE_ID, 200),
        ("/stakeholders/?cluster_id=" + HUGE_ID, 200),
        ("/stakeholders/export.csv?cluster_id=" + HUGE_ID, 400),
        ("/relationships/?cluster_id=" + HUGE_ID, 200),
        ("/relationships/export.json?cluster_id=" + HUGE_ID, 400),
    ],
)
def test_html_lists_and_exports_report_an_id_filter_beyond_bigint(client, db, url, status):
    """The HTML lists show the filter's error (and no rows); the exports are a 400."""
    factories.RelationshipFactory()
    response = client.get(url)
    assert response.status_code == status
    if status == 200:
        assert response.context["filter_errors"]
        assert not response.context["results"]


# Dates at the precision typed (issue 16) ---------------------------------------------------


def test_relationship_dates_are_read_and_written_as_typed():
    """ "2018" goes in and comes back as "2018" (precision year), not "2018-01-01"; a month
    until within since's year is fine; an impossible month is refused by field."""
    user = editor()
    cluster = own_cluster(user, status="draft")
    source, target = member(cluster), member(cluster)
    api = token_client(user)
    body = {"cluster": cluster.slug, "source": source.slug, "target": target.slug}

    created = api.post(
        "/api/relationships/", {**body, "kind": "supplies", "since": "2018-06", "until": "2018"}
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["since"], data["since_precision"]) == ("2018-06", "month")
    assert (data["until"], data["until_precision"]) == ("2018", "year")
    url = f"/api/relationships/{data['id']}/"
    assert api.get(url).json()["since"] == "2018-06"

    changed = api.patch(url, {"since": "2018-03-05"})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["since"], changed.json()["since_precision"]) == ("2018-03-05", "day")
    assert Relationship.objects.get().since_partial.iso() == "2018-03-05"

    bad_month = api.post("/api/relationships/", {**body, "kind": "trains", "since": "2018-13"})
    assert bad_month.status_code == 400 and "since" in bad_month.json()
    early = api.post(
        "/api/relationships/", {**body, "kind": "trains", "since": "2018-06", "until": "2018-05"}
    )
    assert early.status_code == 400 and early.json()["non_field_errors"]
    assert Relationship.objects.count() == 1
