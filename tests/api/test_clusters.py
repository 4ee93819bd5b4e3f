"""The cluster API (/api/clusters/, figures, benchmarks, sectors, regions): public reads of
published records, writes through the services within the permission policies."""

import base64
import re
from string import ascii_uppercase
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from clusters import services
from clusters.choices import ClassificationStatus, ClusterType, PublicationStatus
from clusters.filtersets import ClusterFilterSet
from clusters.models import Benchmark, Cluster, ClusterFigure, ClusterReview
from clusters.selectors import cluster_list
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Hash the factories' passwords quickly: these tests log in with tokens, not passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def token_client(user):
    """Return an API client that sends `user`'s token, as a script would."""
    token, _created = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def editor(agency=None):
    """Return a user editing for `agency` (a new agency by default)."""
    link = factories.AgencyEditorFactory(**({"agency": agency} if agency else {}))
    return link.user


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def slugs(response):
    return [row["slug"] for row in results(response)]


def follow_pages(client, url):
    """Return every row of a cursor-paginated list, following `next` links."""
    rows, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        rows += response.json()["results"]
        url = response.json()["next"]
        pages += 1
        assert pages < 100
    return rows


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def curator_api(curator):
    return token_client(curator)


# Reads ------------------------------------------------------------------------------------


def test_anonymous_reads_published_clusters_only(anon):
    """A draft is absent from the list and not found by slug or id; a published one is."""
    published = factories.ClusterFactory(product="Brassware", place="Moradabad")
    draft = factories.ClusterFactory(status=PublicationStatus.DRAFT)
    submitted = factories.ClusterFactory(status=PublicationStatus.SUBMITTED)

    assert slugs(anon.get("/api/clusters/")) == [published.slug]
    assert anon.get(f"/api/clusters/{draft.slug}/").status_code == 404
    assert anon.get(f"/api/clusters/{draft.pk}/").status_code == 404
    assert anon.get(f"/api/clusters/{submitted.slug}/").status_code == 404
    assert anon.get(f"/api/clusters/{published.slug}/").status_code == 200
    assert anon.get(f"/api/clusters/{published.pk}/").json()["slug"] == published.slug


def test_cluster_representation_has_classification_state_and_etag(anon):
    """The cluster carries its place, state, figures, classification, version and URLs."""
    sector = factories.SectorFactory(name="Textiles", slug="textiles")
    cluster = factories.ClusterFactory(
        product="Handloom sarees",
        place="Shantipur",
        district="Nadia",
        cluster_type=ClusterType.HANDLOOM,
        sector=sector,
        figures={"loom_count": 3200},
        provenance=services.Provenance(year="2010-11", source="Diagnostic study"),
    )

    response = anon.get(f"/api/clusters/{cluster.slug}/")

    assert response.status_code == 200
    body = response.json()
    assert response["ETag"] == f'"{cluster.version}"'
    assert body["version"] == cluster.version
    assert body["state"] == {"name": "West Bengal", "slug": "west-bengal"}
    assert body["sector"] == {"name": "Textiles", "slug": "textiles"}
    assert body["district"] == "Nadia"
    assert body["country"] == "IN"
    assert body["loom_count"] == 3200
    assert body["enterprise_count"] is None
    assert body["classification"] == {
        "status": "qualifies",
        "measure": "loom_count",
        "value": 3200,
        "threshold": 500,
        "reason": cluster.classification_reason,
    }
    assert body["url"].endswith(f"/api/clusters/{cluster.slug}/")
    assert body["profile_url"] == f"/clusters/{cluster.slug}/"


def test_filters_are_the_html_lists_filterset(anon):
    """`state`, `cluster_type`, `classification_status` filter as ClusterFilterSet does."""
    odisha = factories.region("Odisha")
    factories.ClusterFactory(cluster_type=ClusterType.HANDLOOM, figures={"loom_count": 900})
    factories.ClusterFactory(cluster_type=ClusterType.HANDLOOM, figures={"loom_count": 90})
    factories.ClusterFactory(cluster_type=ClusterType.INDUSTRIAL, figures={"enterprise_count": 300})
    factories.ClusterFactory(cluster_type=ClusterType.HANDLOOM, region=odisha)
    factories.ClusterFactory(cluster_type=ClusterType.HANDLOOM, status=PublicationStatus.DRAFT)

    for query in (
        {"state": "west-bengal", "cluster_type": "handloom"},
        {"classification_status": "qualifies"},
        {"classification_status": ["potential", "insufficient_data"]},
        {"state_id": odisha.pk},
        {"artisan": "yes", "enterprise_count_min": 0},
        {"q": "Product"},
    ):
        data = QueryDict(urlencode(query, doseq=True))
        expected = ClusterFilterSet(data, queryset=cluster_list()).qs
        response = anon.get("/api/clusters/", query)
        assert sorted(row["id"] for row in results(response)) == sorted(c.pk for c in expected)

    handlooms = anon.get("/api/clusters/?state=west-bengal&cluster_type=handloom")
    assert len(results(handlooms)) == 2
    qualifying = anon.get("/api/clusters/", {"classification_status": "qualifies"})
    assert {row["classification"]["status"] for row in results(qualifying)} == {"qualifies"}


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ({"cluster_type": "spaceport"}, "cluster_type"),
        ({"state": "atlantis"}, "state"),
        ({"enterprise_count_min": "many"}, "enterprise_count_min"),
        ({"exporting": "perhaps"}, "exporting"),
        ({"ordering": "colour"}, "ordering"),
    ],
)
def test_invalid_filter_value_is_400_with_a_message(anon, query, name):
    """An invalid filter is reported by name, never ignored (which would list everything)."""
    factories.ClusterFactory()
    response = anon.get("/api/clusters/", query)
    assert response.status_code == 400
    assert name in response.json()
    assert response.json()[name][0]


def test_cursor_pagination_visits_every_row_once(anon):
    """Cursor pages (by id) list every published cluster once, and `previous` goes back."""
    clusters = factories.ClusterFactory.create_batch(7)

    rows = follow_pages(anon, "/api/clusters/?page_size=3")

    assert [row["id"] for row in rows] == sorted(c.pk for c in clusters)
    first = anon.get("/api/clusters/?page_size=3").json()
    assert first["previous"] is None and "cursor=" in first["next"]
    second = anon.get(first["next"]).json()
    back = anon.get(second["previous"]).json()
    assert [row["id"] for row in back["results"]] == [row["id"] for row in first["results"]]


def test_ordering_filter_coexists_with_cursor_pages(anon):
    """With the FilterSet's `ordering`, pages keep that order (ties broken by id)."""
    for count in (50, 400, None, 120, 400, 7):
        factories.ClusterFactory(figures={"enterprise_count": count} if count else None)
    expected = [
        c.pk
        for c in ClusterFilterSet({"ordering": "-enterprise_count"}, queryset=cluster_list()).qs
    ]

    rows = follow_pages(anon, "/api/clusters/?ordering=-enterprise_count&page_size=4")

    assert [row["id"] for row in rows] == expected
    assert rows[0]["enterprise_count"] == 400 and rows[-1]["enterprise_count"] is None
    second = anon.get("/api/clusters/?ordering=-enterprise_count&page_size=4").json()["next"]
    back = anon.get(anon.get(second).json()["previous"]).json()
    assert [row["id"] for row in back["results"]] == expected[:4]


@pytest.mark.parametrize("cursor", ["not-base64!", base64.b64encode(b"p=abc").decode()])
def test_an_invalid_cursor_is_not_found(anon, cursor):
    factories.ClusterFactory()
    assert anon.get("/api/clusters/", {"cursor": cursor}).status_code == 404


def _b64(text):
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "url",
    [
        "/api/clusters/?state=%00",
        "/api/clusters/?state_id=99999999999999999999999",
        "/api/clusters/?q=%00",
        "/api/clusters/?enterprise_count_min=1e400",
        "/api/clusters/?cursor=" + _b64("p=99999999999999999999999"),
        "/api/clusters/?cursor=" + _b64("o=-5"),
        "/api/clusters/?ordering=-year&cursor=" + _b64("o=99999999"),
        "/api/clusters/?page_size=-1",
        "/api/clusters/abc%00/",
        "/api/clusters/99999999999999999999999/",
        "/api/clusters/%C2%B2/",
        "/api/figures/?cluster=%00",
        "/api/regions/?country=%00",
        "/api/benchmarks/?page=abc",
    ],
)
def test_odd_input_is_a_client_error_never_a_server_error(anon, url):
    factories.ClusterFactory()
    assert anon.get(url).status_code < 500


# Writes -----------------------------------------------------------------------------------


def test_anonymous_write_is_401_and_a_user_of_no_agency_403(anon):
    """Writing needs a token; a user who edits for no agency may not create at all."""
    body = {"product": "Locks", "place": "Aligarh", "cluster_type": "industrial"}
    response = anon.post("/api/clusters/", body)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert token_client(factories.UserFactory()).post("/api/clusters/", body).status_code == 403
    assert not Cluster.objects.exists()


def test_editor_creates_a_draft_of_own_agency_with_a_token(anon):
    """An editor's new cluster is a draft of the editor's agency, with its first figures."""
    user = editor()
    api = token_client(user)

    response = api.post(
        "/api/clusters/",
        {
            "product": "Knitwear",
            "place": "Tirupur",
            "state": "Tamil Nadu",
            "cluster_type": "industrial",
            "enterprise_count": 3200,
            "figures_year": "2010-11",
            "source": "Diagnostic study",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    cluster = Cluster.objects.get(slug=body["slug"])
    assert cluster.agency == user.agency_editor.agency
    assert cluster.status == PublicationStatus.DRAFT
    assert body["agency"]["slug"] == user.agency_editor.agency.slug
    assert body["state"]["slug"] == "tamil-nadu"
    assert body["classification"]["status"] == ClassificationStatus.QUALIFIES
    assert response["Location"] == body["url"]
    assert response["ETag"] == '"1"'
    figure = ClusterFigure.objects.get(cluster=cluster)
    assert (figure.value, figure.year, figure.source) == (3200, "2010-11", "Diagnostic study")
    assert cluster.history.latest().history_user == user
    assert body["slug"] in slugs(api.get("/api/clusters/"))
    assert body["slug"] not in slugs(anon.get("/api/clusters/"))


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"status": "published"}, "status"),
        ({"agency": "someone-else"}, "agency"),
        ({"state": "Atlantis"}, "state"),
        ({"figures_year": "2015-17"}, "figures_year"),
        ({"country": "India"}, "country"),
    ],
)
def test_editor_create_errors_are_400_by_field(extra, field):
    """Invalid input and what an editor may not set are 400s naming the field."""
    factories.AgencyFactory(slug="someone-else")
    api = token_client(editor())
    body = {"product": "Locks", "place": "Aligarh", "cluster_type": "industrial", **extra}
    response = api.post("/api/clusters/", body)
    assert response.status_code == 400
    assert field in response.json(), response.json()


def test_a_duplicate_cluster_is_400_naming_the_existing_one():
    """The services' identity rule answers through the API as a field error."""
    existing = factories.ClusterFactory(product="Brass ware", place="Moradabad")
    response = token_client(factories.CuratorFactory()).post(
        "/api/clusters/",
        {
            "product": "brass  WARE",
            "place": "moradabad",
            "state": "west-bengal",
            "cluster_type": "handicraft",
        },
    )
    assert response.status_code == 400
    assert existing.get_absolute_url() in response.json()["product"][0]


def test_curator_sets_agency_and_status_and_a_foreign_region_is_created():
    agency = factories.AgencyFactory()
    response = token_client(factories.CuratorFactory()).post(
        "/api/clusters/",
        {
            "product": "Ham",
            "place": "San Daniele",
            "state": "Friuli",
            "country": "it",
            "cluster_type": "industrial",
            "agency": agency.slug,
            "status": "published",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["agency"]["slug"], body["country"]) == (
        "published",
        agency.slug,
        "IT",
    )
    assert body["state"]["name"] == "Friuli"


def test_editor_of_another_agency_cannot_find_the_cluster_to_change(anon):
    """Another agency's published cluster is readable, but PUT/PATCH/transition are 404."""
    cluster = factories.ClusterFactory(agency=factories.AgencyFactory())
    api = token_client(editor())
    body = {"product": "Changed", "place": cluster.place, "cluster_type": "industrial"}

    assert api.get(f"/api/clusters/{cluster.slug}/").status_code == 200
    assert api.put(f"/api/clusters/{cluster.slug}/", body).status_code == 404
    assert api.patch(f"/api/clusters/{cluster.slug}/", {"product": "X"}).status_code == 404
    response = api.post(f"/api/clusters/{cluster.slug}/transition/", {"action": "submitted"})
    assert response.status_code == 404
    cluster.refresh_from_db()
    assert cluster.product != "Changed"


def test_editor_edits_own_cluster_and_the_version_rises():
    user = editor()
    cluster = factories.ClusterFactory(
        agency=user.agency_editor.agency, status=PublicationStatus.DRAFT
    )
    api = token_client(user)

    response = api.patch(
        f"/api/clusters/{cluster.slug}/",
        {"description": "Brass and bell metal ware.", "state": "Uttar Pradesh"},
        HTTP_IF_MATCH=f'"{cluster.version}"',
    )

    assert response.status_code == 200, response.content
    assert response.json()["version"] == cluster.version + 1
    assert response["ETag"] == f'"{cluster.version + 1}"'
    cluster.refresh_from_db()
    assert cluster.description == "Brass and bell metal ware."
    assert cluster.region.name == "Uttar Pradesh"


def test_figures_change_through_the_figures_endpoint_not_an_edit():
    """PUT of a read representation is fine; changing a figure in an edit is a 400."""
    api = token_client(factories.CuratorFactory())
    cluster = factories.ClusterFactory(figures={"enterprise_count": 120})
    url = f"/api/clusters/{cluster.slug}/"
    body = api.get(url).json()
    body["description"] = "Locks."
    for name in ("state", "sector", "agency"):
        body[name] = body[name]["slug"] if body[name] else None

    assert api.put(url, body).status_code == 200
    changed = api.patch(url, {"enterprise_count": 90})
    assert changed.status_code == 400
    assert "/api/figures/" in changed.json()["enterprise_count"][0]


def test_editor_may_not_change_status_or_agency_by_patch():
    user = editor()
    cluster = factories.ClusterFactory(
        agency=user.agency_editor.agency, status=PublicationStatus.DRAFT
    )
    api = token_client(user)
    other = factories.AgencyFactory()
    url = f"/api/clusters/{cluster.slug}/"
    assert api.patch(url, {"status": "published"}).status_code == 400
    assert api.patch(url, {"agency": other.slug}).status_code == 400
    assert api.patch(url, {"status": "draft"}).status_code == 200


def test_a_stale_if_match_is_412_and_changes_nothing():
    """An edit based on an old version is refused (If-Match or the body's `version`)."""
    user = editor()
    cluster = factories.ClusterFactory(agency=user.agency_editor.agency, status="draft")
    api = token_client(user)
    url = f"/api/clusters/{cluster.slug}/"
    etag = api.get(url)["ETag"]
    services.cluster_update(cluster=cluster, data={"description": "Someone else's edit"})

    stale = api.patch(url, {"description": "Mine"}, HTTP_IF_MATCH=etag)
    stale_body = api.patch(url, {"description": "Mine", "version": 1})
    fresh = api.patch(url, {"description": "Mine"}, HTTP_IF_MATCH=api.get(url)["ETag"])

    assert stale.status_code == 412
    assert "ETag" in stale.json()["detail"]
    assert stale_body.status_code == 412
    assert "version" in stale_body.json()["detail"]
    assert fresh.status_code == 200
    cluster.refresh_from_db()
    assert cluster.description == "Mine"


def test_a_race_between_read_and_write_is_caught_by_the_service(monkeypatch):
    """If-Match passes, then someone saves before our write: the service's lock says 412."""
    curator = factories.CuratorFactory()
    cluster = factories.ClusterFactory()
    api = token_client(curator)
    url = f"/api/clusters/{cluster.slug}/"
    original = services.cluster_update

    def racing_update(*, cluster, data, expected_version=None):
        Cluster.objects.filter(pk=cluster.pk).update(version=cluster.version + 5)
        return original(cluster=cluster, data=data, expected_version=expected_version)

    monkeypatch.setattr(services, "cluster_update", racing_update)
    response = api.patch(url, {"description": "Mine"}, HTTP_IF_MATCH=f'"{cluster.version}"')
    assert response.status_code == 412


def test_workflow_submit_by_editor_publish_by_curator(anon):
    """An editor submits (not publishes); a curator publishes; the cluster becomes public."""
    user = editor()
    cluster = factories.ClusterFactory(
        agency=user.agency_editor.agency, status=PublicationStatus.DRAFT
    )
    url = f"/api/clusters/{cluster.slug}/transition/"
    editor_api, curator_api = token_client(user), token_client(factories.CuratorFactory())

    assert editor_api.post(url, {"action": "approved"}).status_code == 403
    submitted = editor_api.post(url, {"action": "submitted"})
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"
    assert curator_api.post(url, {"action": "rejected"}).status_code == 400  # needs a comment
    stale = curator_api.post(url, {"action": "approved"}, HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    published = curator_api.post(url, {"action": "approved"})
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert published["ETag"] == f'"{published.json()["version"]}"'
    assert anon.get(f"/api/clusters/{cluster.slug}/").status_code == 200
    assert list(ClusterReview.objects.values_list("action", flat=True)) == ["approved", "submitted"]
    again = curator_api.post(url, {"action": "approved"})
    assert again.status_code == 400
    assert again.json()["non_field_errors"]


# Figures ----------------------------------------------------------------------------------


def test_editor_records_a_figure_and_the_classification_follows():
    user = editor()
    cluster = factories.ClusterFactory(agency=user.agency_editor.agency, status="draft")
    api = token_client(user)
    body = {
        "cluster": cluster.slug,
        "measure": "enterprise_count",
        "value": 150,
        "year": "2016",
        "source": "Survey",
    }

    response = api.post("/api/figures/", body)

    assert response.status_code == 201, response.content
    assert response.json()["display_value"]
    cluster.refresh_from_db()
    assert (cluster.enterprise_count, cluster.classification_status) == (150, "qualifies")
    assert api.post("/api/figures/", body).status_code == 200  # the same again adds nothing
    assert ClusterFigure.objects.filter(cluster=cluster).count() == 1
    listed = api.get("/api/figures/", {"cluster": cluster.slug})
    assert [row["value"] for row in results(listed)] == [150]
    bad = api.post("/api/figures/", {**body, "year": "2015-17"})
    assert bad.status_code == 400 and "year" in bad.json()


def test_figures_of_another_agency_cannot_be_recorded_and_drafts_are_hidden(anon):
    draft = factories.ClusterFactory(
        status=PublicationStatus.DRAFT, figures={"enterprise_count": 9}
    )
    api = token_client(editor())
    response = api.post(
        "/api/figures/", {"cluster": draft.slug, "measure": "enterprise_count", "value": 5}
    )
    assert response.status_code == 400 and "cluster" in response.json()
    assert results(anon.get("/api/figures/")) == []
    figure = draft.figures.get()
    assert anon.get(f"/api/figures/{figure.pk}/").status_code == 404


# Benchmarks, sectors, regions --------------------------------------------------------------


def test_benchmarks_are_read_by_all_and_written_by_curators(anon):
    cluster = factories.ClusterFactory(
        cluster_type=ClusterType.INDUSTRIAL, figures={"annual_turnover": 200_000_000}
    )
    assert cluster.classification_status == ClassificationStatus.INSUFFICIENT_DATA
    assert len(results(anon.get("/api/benchmarks/"))) == Benchmark.objects.count()
    body = {
        "cluster_type": "industrial",
        "measure": "annual_turnover",
        "threshold": 100_000_000,
        "authority": "Cluster Observatory India",
    }
    assert token_client(editor()).post("/api/benchmarks/", body).status_code == 403

    api = token_client(factories.CuratorFactory())
    created = api.post("/api/benchmarks/", body)
    assert created.status_code == 201, created.content
    cluster.refresh_from_db()
    assert cluster.classification_status == ClassificationStatus.QUALIFIES
    assert api.post("/api/benchmarks/", body).status_code == 400  # one per type/measure/country
    url = f"/api/benchmarks/{created.json()['id']}/"
    assert api.patch(url, {"threshold": 300_000_000}).status_code == 200
    cluster.refresh_from_db()
    assert cluster.classification_status == ClassificationStatus.POTENTIAL
    assert api.delete(url).status_code == 204
    cluster.refresh_from_db()
    assert cluster.classification_status == ClassificationStatus.INSUFFICIENT_DATA


def test_sectors_and_regions_are_read_only(anon):
    factories.SectorFactory(name="Textiles", slug="textiles")
    assert [row["slug"] for row in results(anon.get("/api/sectors/"))] == ["textiles"]
    regions = results(anon.get("/api/regions/", {"country": "IN"}))
    assert len(regions) == 36
    assert anon.get("/api/regions/west-bengal/").json()["name"] == "West Bengal"
    api = token_client(factories.CuratorFactory())
    assert api.post("/api/sectors/", {"name": "Leather"}).status_code == 405
    assert api.delete("/api/regions/west-bengal/").status_code == 405


def test_the_api_root_lists_every_endpoint(anon):
    body = anon.get("/api/").json()
    for name in ("clusters", "figures", "stakeholders", "memberships", "relationships"):
        assert name in body
    for name in ("sectors", "regions", "benchmarks"):
        assert name in body


# Query counts -------------------------------------------------------------------------------


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


LIST_URLS = [
    "/api/clusters/",
    "/api/clusters/?ordering=-year",
    "/api/clusters/?state=west-bengal&classification_status=qualifies",
    "/api/figures/",
    "/api/benchmarks/",
    "/api/sectors/",
    "/api/regions/",
]


def test_list_query_count_is_the_same_for_1_and_50_rows():
    """Each list costs the same number of queries for 1 row as for 50, for every reader."""
    clients = {
        "anonymous": APIClient(),
        "editor": token_client(editor()),
        "curator": token_client(factories.CuratorFactory()),
    }
    agency = factories.AgencyFactory()
    countries = (a + b for a in ascii_uppercase for b in ascii_uppercase)

    def add(n):
        for _ in range(n):
            sector = factories.SectorFactory()
            factories.ClusterFactory(
                sector=sector, agency=agency, figures={"enterprise_count": 150}
            )
            factories.BenchmarkFactory(cluster_type=ClusterType.SERVICE, country=next(countries))

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
    assert len(results(clients["anonymous"].get(LIST_URLS[2]))) == 50
    assert len(results(clients["anonymous"].get("/api/sectors/"))) == 50


def test_measures_of_a_published_cluster_and_none_of_a_draft(client, db):
    """GET /api/clusters/<slug>/measures/ gives the network measures; a draft's is 404."""
    from tests.factories import ClusterFactory, RelationshipFactory

    relationship = RelationshipFactory()
    response = client.get(f"/api/clusters/{relationship.cluster.slug}/measures/")
    assert response.status_code == 200
    body = response.json()
    assert body["measures"]["links"] == 1
    assert "density" in body["explanations"]
    draft = ClusterFactory(status="draft")
    assert client.get(f"/api/clusters/{draft.slug}/measures/").status_code == 404


# Issue 9: defects found by probing from outside ---------------------------------------------


def test_the_etag_a_gzip_client_receives_is_accepted_in_if_match():
    """GZipMiddleware weakens the ETag a gzip client receives (`W/"3"`): sent back in
    If-Match it still names the version read, so the edit is 200; a stale one is still 412."""
    user = editor()
    cluster = factories.ClusterFactory(
        agency=user.agency_editor.agency, description="x" * 300, status="draft"
    )
    api = token_client(user)
    url = f"/api/clusters/{cluster.slug}/"

    read = api.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert read["Content-Encoding"] == "gzip"
    received = read["ETag"]
    assert received == f'W/"{cluster.version}"'
    fresh = api.patch(
        url, {"description": "Mine"}, HTTP_IF_MATCH=received, HTTP_ACCEPT_ENCODING="gzip"
    )
    stale = api.patch(
        url, {"description": "Again"}, HTTP_IF_MATCH=received, HTTP_ACCEPT_ENCODING="gzip"
    )

    assert fresh.status_code == 200
    assert stale.status_code == 412
    cluster.refresh_from_db()
    assert cluster.description == "Mine"


HUGE_ID = "99999999999999999999"  # above 2**64: no bigint holds it


@pytest.mark.parametrize(
    "url",
    [
        "/api/clusters/?sector_id=" + HUGE_ID,
        "/api/clusters/?state_id=" + HUGE_ID,
        "/api/clusters/?agency_id=" + HUGE_ID,
        "/api/clusters/?state_id=1&state_id=" + HUGE_ID,
        "/api/clusters/?state_id=-1",
        "/api/clusters/?state_id=1.5",
        "/api/clusters/?state_id=%C2%B2",
        "/api/figures/?cluster_id=" + HUGE_ID,
    ],
)
def test_an_id_filter_that_is_no_id_is_a_400_naming_it(anon, url):
    """An id filter with a value no row can have (beyond bigint, negative, not a number) is a
    400 naming the filter, on SQLite (whose driver overflows) as on PostgreSQL, never a 500."""
    factories.ClusterFactory()
    response = anon.get(url)
    assert response.status_code == 400
    name = url.split("?")[1].split("=")[0]
    assert response.json()[name][0]


def test_the_html_list_and_export_report_an_id_filter_beyond_bigint(client, db):
    """The cluster list shows a form error and the export is a 400 (the same FilterSet)."""
    factories.ClusterFactory(product="Brassware")

    page = client.get("/clusters/", {"state_id": HUGE_ID})
    export = client.get("/clusters/export.csv", {"sector_id": HUGE_ID})

    assert page.status_code == 200
    assert "Brassware" not in page.content.decode()
    assert page.context["filter_errors"]
    assert export.status_code == 400
    assert "sector_id" in export.content.decode()


def test_a_real_id_still_filters(anon):
    """The id filters still take ids (and several of them)."""
    knitwear = factories.ClusterFactory(sector=factories.SectorFactory())
    factories.ClusterFactory()
    assert slugs(anon.get("/api/clusters/", {"sector_id": knitwear.sector_id})) == [knitwear.slug]
    assert len(results(anon.get("/api/clusters/", {"state_id": [knitwear.region_id]}))) == 2


def test_a_count_figure_reads_with_a_null_currency_and_an_amount_with_its_code(anon):
    """A count has no currency: it reads as null, as the schema says (a nullable ISO 4217
    code), never "" against the pattern; an amount reads with its code."""
    cluster = factories.ClusterFactory(figures={"enterprise_count": 120, "annual_turnover": 10**9})
    rows = {row["measure"]: row for row in results(anon.get("/api/figures/"))}
    assert rows["enterprise_count"]["currency"] is None
    assert rows["annual_turnover"]["currency"] == "INR"
    schema = anon.get("/api/schema/?format=json").json()["components"]["schemas"]
    assert schema["ClusterFigure"]["properties"]["currency"]["nullable"] is True
    assert cluster.figures.count() == 2


# The OpenAPI schema and what the API answers (issue 9, found by schemathesis) --------------


@pytest.mark.parametrize(
    "url",
    ["/api/figures/abc/", "/api/nothing-here/", "/api/figures/1%0A2/", "/api/clusters/a/b/c/"],
)
def test_an_api_address_naming_nothing_is_a_json_404(anon, url):
    """Under /api/ an address that matches no route is the API's 404 (JSON, as the schema
    documents), not the site's HTML page; a POST there is no CSRF 403 either."""
    for response in (anon.get(url), anon.post(url, {}), anon.delete(url)):
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Not found."}
    assert anon.get("/api/clusters").status_code == 301  # APPEND_SLASH still redirects


def test_a_blank_filter_is_no_filter_as_on_the_html_list(anon):
    """`?sector=&state_id=` (a form's empty fields) filters nothing, as on /clusters/, rather
    than looking up an empty slug (a 400)."""
    factories.ClusterFactory.create_batch(2)
    assert len(results(anon.get("/api/clusters/?sector=&state_id=&cluster_type=&q="))) == 2
    assert len(results(anon.get("/api/figures/?cluster=&cluster_id="))) == 0


@pytest.mark.parametrize("value", ["0", "-5", "1.5", "ten", "null"])
def test_an_invalid_page_size_is_a_400_naming_it(anon, value):
    """`page_size` is a whole number from 1: anything else is a 400, never the default."""
    factories.ClusterFactory()
    for url in ("/api/clusters/", "/api/benchmarks/"):
        response = anon.get(url, {"page_size": value})
        assert response.status_code == 400
        assert "page_size" in response.json()
    assert len(results(anon.get("/api/clusters/", {"page_size": "10000"}))) == 1


@pytest.mark.parametrize(
    "query", ["turnover_min=0.5", "employment_max=-1", "enterprise_count_min=1e3"]
)
def test_a_range_filter_takes_whole_numbers_from_0(anon, query):
    """Counts and amounts are whole: `turnover_min=0.5` is a 400, as the schema's integer says."""
    response = anon.get(f"/api/clusters/?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/clusters/", {"estimated": 0}, "estimated"),
        ("/api/clusters/", {"enterprise_count": "120"}, "enterprise_count"),
        ("/api/clusters/", {"district": 5}, "district"),
        ("/api/clusters/", {"country": " IN"}, "country"),
        ("/api/clusters/", {"figures_year": " 2016"}, "figures_year"),
        ("/api/benchmarks/", {"source": 0}, "source"),
        ("/api/benchmarks/", {"threshold": "500"}, "threshold"),
        ("/api/benchmarks/", {"source": "  " + "x" * 499}, "source"),
    ],
)
def test_a_json_value_is_read_as_the_schema_types_it(curator_api, url, body, field):
    """A JSON value of another type than the schema's (0 for a boolean or a text, "120" for
    an integer), a code with spaces round it, or text over its maximum length before its
    spaces are trimmed, is a 400 naming the field: DRF would have taken it, so that the API
    accepted input its schema calls invalid."""
    base = {
        "/api/clusters/": {"product": "Locks", "place": "Aligarh", "cluster_type": "industrial"},
        "/api/benchmarks/": {
            "cluster_type": "handicraft",
            "measure": "artisan_count",
            "threshold": 500,
            "authority": "Board",
        },
    }[url]
    response = curator_api.post(url, {**base, **body})
    assert response.status_code == 400
    assert field in response.json()
    assert curator_api.post(url, base).status_code == 201


def test_coordinates_with_more_decimals_are_kept_to_six_places(curator_api):
    """A coordinate read from a GPS (77.34112345678) is stored to the column's six decimal
    places, not refused for its digits (the schema says only: a number from -180 to 180)."""
    response = curator_api.post(
        "/api/clusters/",
        {
            "product": "Locks",
            "place": "Aligarh",
            "cluster_type": "industrial",
            "latitude": 27.88123456789,
            "longitude": 78.1234567,
        },
    )
    assert response.status_code == 201, response.content
    assert (response.json()["latitude"], response.json()["longitude"]) == (27.881235, 78.123457)


def test_an_unknown_sector_or_agency_is_named_in_the_message(curator_api):
    """The message says which sector it could not find (it said “%(value)s”)."""
    response = curator_api.post(
        "/api/clusters/",
        {"product": "Locks", "place": "Aligarh", "cluster_type": "industrial", "sector": "Jute"},
    )
    assert response.status_code == 400
    assert response.json()["sector"] == ["There is no sector with the slug or name “Jute”."]


def test_a_figure_value_is_bounded_by_its_measure():
    """A count is at most 2**31 - 1 (its column on the cluster), an amount a bigint: the
    schema says so per measure, and the API answers as it says."""
    api = token_client(factories.CuratorFactory())
    cluster = factories.ClusterFactory()
    body = {"cluster": cluster.slug, "value": 2**31}
    assert api.post("/api/figures/", {**body, "measure": "employment"}).status_code == 400
    assert api.post("/api/figures/", {**body, "measure": "annual_turnover"}).status_code == 201
    schema = api.get("/api/schema/?format=json").json()["components"]["schemas"]
    alternatives = schema["ClusterFigureRequest"]["oneOf"]
    assert {"maximum": 2**31 - 1} in [a["properties"].get("value") for a in alternatives]


def test_an_empty_if_match_is_no_precondition(curator_api):
    """`If-Match:` with no tag names no version (as Django's conditional views read it)."""
    cluster = factories.ClusterFactory()
    response = curator_api.patch(
        f"/api/clusters/{cluster.slug}/", {"description": "Brass."}, HTTP_IF_MATCH=""
    )
    assert response.status_code == 200


def test_a_required_text_of_spaces_only_is_blank_as_the_schema_says(curator_api):
    """DRF trims text, so "  " for a product is blank (400): the schema says a required text
    needs a character other than spaces (found by make fuzz: it called "  " valid)."""
    schema = curator_api.get("/api/schema/?format=json").json()["components"]["schemas"]
    pattern = re.compile(schema["ClusterRequest"]["properties"]["product"]["pattern"])
    cluster = factories.ClusterFactory()
    for text in (" ", "\u3000\t", "\x1c"):
        assert not pattern.search(text)
        response = curator_api.patch(f"/api/clusters/{cluster.slug}/", {"product": text})
        assert response.status_code == 400 and "product" in response.json()
    assert pattern.search(" Locks ")
