"""The development programme API (/api/initiatives/, /api/indicators/ and the catalogue):
public reads of published records only; writes within the agency policy through the
services; an editor's change to a published initiative is proposed (202)."""

from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from clusters.choices import PublicationStatus
from programmes.models import IndicatorMeasurement, Initiative, InitiativeRevision
from tests import factories

pytestmark = pytest.mark.django_db

PUBLISHED, DRAFT = PublicationStatus.PUBLISHED, PublicationStatus.DRAFT


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def token_client(user):
    token, _created = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def editor_of(agency):
    return factories.AgencyEditorFactory(agency=agency).user


@pytest.fixture
def world():
    """Two agencies; the first runs a published initiative and a draft one in its published
    cluster; measurements of a published and of a draft cluster."""
    agency, other = factories.AgencyFactory(), factories.AgencyFactory()
    cluster = factories.ClusterFactory(product="Jute products", place="Kolkata", agency=agency)
    draft_cluster = factories.ClusterFactory(agency=agency, status=DRAFT)
    published = factories.InitiativeFactory(
        cluster=cluster, agency=agency, status=PUBLISHED, title="Jute MSE-CDP"
    )
    draft = factories.InitiativeFactory(cluster=cluster, agency=agency, title="Jute draft")
    hidden = factories.InitiativeFactory(
        cluster=draft_cluster, agency=agency, status=PUBLISHED, title="In a draft cluster"
    )
    public_value = factories.IndicatorMeasurementFactory(cluster=cluster, year=2023, value=4)
    hidden_value = factories.IndicatorMeasurementFactory(cluster=draft_cluster, year=2023)
    return {
        "agency": agency,
        "other": other,
        "cluster": cluster,
        "draft_cluster": draft_cluster,
        "published": published,
        "draft": draft,
        "hidden": hidden,
        "public_value": public_value,
        "hidden_value": hidden_value,
    }


# Reads -------------------------------------------------------------------------------------


def test_anonymous_readers_see_only_published_initiatives_of_published_clusters(world):
    response = APIClient().get("/api/initiatives/")
    assert response.status_code == 200
    assert [row["slug"] for row in response.json()["results"]] == [world["published"].slug]
    row = response.json()["results"][0]
    assert row["cluster"] == world["cluster"].slug
    assert row["scheme"] == "mse-cdp"
    assert row["agency"] == {"name": world["agency"].name, "slug": world["agency"].slug}
    assert row["status"] == "published"
    for hidden in ("draft", "hidden"):
        assert APIClient().get(f"/api/initiatives/{world[hidden].slug}/").status_code == 404


def test_an_editor_also_reads_their_agencys_drafts(world):
    client = token_client(editor_of(world["agency"]))
    slugs = {row["slug"] for row in client.get("/api/initiatives/").json()["results"]}
    assert slugs == {world["published"].slug, world["draft"].slug, world["hidden"].slug}
    outsider = token_client(editor_of(world["other"]))
    slugs = {row["slug"] for row in outsider.get("/api/initiatives/").json()["results"]}
    assert slugs == {world["published"].slug}


def test_the_initiative_list_filters_as_the_programmes_page(world):
    factories.InitiativeFactory(
        cluster=world["cluster"],
        agency=world["agency"],
        status=PUBLISHED,
        scheme=factories.scheme("sfurti"),
        title="SFURTI jute",
    )
    client = APIClient()
    rows = client.get("/api/initiatives/?scheme=sfurti").json()["results"]
    assert [row["title"] for row in rows] == ["SFURTI jute"]
    assert client.get("/api/initiatives/?stage=bogus").status_code == 400


def test_anonymous_readers_see_measurements_of_published_clusters_with_their_catalogue_entry(
    world,
):
    response = APIClient().get("/api/indicators/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [world["public_value"].pk]
    row = rows[0]
    assert row["indicator"] == "new-markets"
    entry = row["catalogue_entry"]
    assert {name: entry[name] for name in ("slug", "name", "level", "unit", "computed_from")} == {
        "slug": "new-markets",
        "name": "New markets identified",
        "level": "enterprise",
        "unit": "markets",
        "computed_from": None,
    }
    assert entry["description"].startswith("Identification of new markets")
    assert (row["year"], row["value"], row["cluster"]) == ("2023", 4, world["cluster"].slug)
    path = f"/api/indicators/{world['hidden_value'].pk}/"
    assert APIClient().get(path).status_code == 404


def test_the_catalogue_lists_every_indicator_and_says_which_are_computed():
    response = APIClient().get("/api/indicators/catalogue/")
    assert response.status_code == 200
    rows = {row["slug"]: row for row in response.json()["results"]}
    assert len(rows) == 14
    assert rows["networks-created"]["computed_from"] == "networks"
    assert rows["new-markets"]["computed_from"] is None
    detail = APIClient().get("/api/indicators/catalogue/cost-reduction/")
    assert detail.json()["unit"] == "per cent"
    assert APIClient().post("/api/indicators/catalogue/", {}).status_code in (401, 405)


@pytest.mark.parametrize(
    "url", ["/api/initiatives/", "/api/indicators/", "/api/indicators/catalogue/"]
)
def test_a_list_asks_the_database_the_same_for_1_row_as_for_many(
    url, django_assert_max_num_queries
):
    """Lists join what they show: the query count does not grow with the rows."""
    agency = factories.AgencyFactory()
    cluster = factories.ClusterFactory(agency=agency)

    def add(n):
        for _i in range(n):
            factories.InitiativeFactory(cluster=cluster, agency=agency, status=PUBLISHED)
            factories.IndicatorMeasurementFactory(cluster=cluster)

    add(1)
    client = APIClient()
    with django_assert_max_num_queries(10) as one:
        assert client.get(url).status_code == 200
    add(30)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200


# Writes: the permission matrix ----------------------------------------------------------------


def new_initiative_body(cluster, **extra):
    return {
        "cluster": cluster.slug,
        "scheme": "mse-cdp",
        "title": "Soft interventions",
        "development_agent_name": "R. Sen",
        "budget": 2_500_000,
        **extra,
    }


def test_anonymous_writes_are_refused_with_401(world):
    client = APIClient()
    assert (
        client.post("/api/initiatives/", new_initiative_body(world["cluster"])).status_code == 401
    )
    path = f"/api/initiatives/{world['published'].slug}/"
    assert client.patch(path, {"title": "Changed"}).status_code == 401
    assert client.post("/api/indicators/", {}).status_code == 401
    assert Initiative.objects.count() == 3


def test_a_signed_in_user_without_an_agency_is_refused_with_403(world):
    client = token_client(factories.UserFactory())
    assert (
        client.post("/api/initiatives/", new_initiative_body(world["cluster"])).status_code == 403
    )
    path = f"/api/initiatives/{world['draft'].slug}/"
    assert client.patch(path, {"title": "Changed"}).status_code == 403
    body = {
        "cluster": world["cluster"].slug,
        "indicator": "new-markets",
        "year": "2024",
        "value": 1,
    }
    assert client.post("/api/indicators/", body).status_code == 403


def test_another_agencys_editor_gets_404_for_its_initiatives(world):
    client = token_client(editor_of(world["other"]))
    for name in ("draft", "published"):
        path = f"/api/initiatives/{world[name].slug}/"
        assert client.patch(path, {"title": "Taken over"}).status_code == 404
    world["draft"].refresh_from_db()
    assert world["draft"].title == "Jute draft"
    assert not InitiativeRevision.objects.exists()


def test_an_editor_creates_a_draft_of_their_own_agency(world):
    """In a published cluster of another agency too; the agency sent is not theirs, so
    their own is kept."""
    editor = editor_of(world["other"])
    client = token_client(editor)
    body = new_initiative_body(world["cluster"], agency=world["agency"].slug)
    response = client.post("/api/initiatives/", body)
    assert response.status_code == 201, response.content
    created = Initiative.objects.get(slug=response.json()["slug"])
    assert (created.agency, created.status, created.budget) == (world["other"], DRAFT, 2_500_000)
    assert response["Location"] == response.json()["url"]
    record = created.history.first()
    assert record.history_user == editor


def test_an_editor_cannot_start_an_initiative_in_another_agencys_draft_cluster(world):
    client = token_client(editor_of(world["other"]))
    response = client.post("/api/initiatives/", new_initiative_body(world["draft_cluster"]))
    assert response.status_code == 400
    assert "cluster" in response.json()


def test_the_own_agencys_editor_changes_a_draft_at_once(world):
    client = token_client(editor_of(world["agency"]))
    path = f"/api/initiatives/{world['draft'].slug}/"
    response = client.patch(path, {"title": "Jute diagnostic study", "stage": "action_plan"})
    assert response.status_code == 200, response.content
    world["draft"].refresh_from_db()
    assert (world["draft"].title, world["draft"].stage) == ("Jute diagnostic study", "action_plan")
    assert response["ETag"] == f'"{world["draft"].version}"'


def test_an_editors_change_to_a_published_initiative_is_proposed_with_202(world):
    """The public keeps the reviewed values; the change waits as the editor's revision."""
    editor = editor_of(world["agency"])
    path = f"/api/initiatives/{world['published'].slug}/"
    response = token_client(editor).patch(path, {"title": "Renamed", "released_amount": 500})
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["state"] == "pending"
    assert body["changes"]["fields"] == {"title": "Renamed", "released_amount": 500}
    world["published"].refresh_from_db()
    assert world["published"].title == "Jute MSE-CDP"
    revision = InitiativeRevision.objects.get()
    assert (revision.initiative, revision.author) == (world["published"], editor)
    assert APIClient().get(path).json()["title"] == "Jute MSE-CDP"


def test_a_curators_change_to_a_published_initiative_applies_at_once(world, curator):
    path = f"/api/initiatives/{world['published'].slug}/"
    response = token_client(curator).patch(path, {"title": "Jute cluster programme"})
    assert response.status_code == 200, response.content
    assert APIClient().get(path).json()["title"] == "Jute cluster programme"
    assert not InitiativeRevision.objects.exists()


def test_a_stale_edit_is_refused_with_412(world):
    client = token_client(editor_of(world["agency"]))
    path = f"/api/initiatives/{world['draft'].slug}/"
    stale = f'"{world["draft"].version}"'
    assert client.patch(path, {"title": "First"}, HTTP_IF_MATCH=stale).status_code == 200
    assert client.patch(path, {"title": "Second"}, HTTP_IF_MATCH=stale).status_code == 412


def test_a_curator_creates_an_initiative_for_any_agency(world, curator):
    body = new_initiative_body(world["draft_cluster"], agency=world["other"].slug)
    response = token_client(curator).post("/api/initiatives/", body)
    assert response.status_code == 201, response.content
    assert Initiative.objects.get(slug=response.json()["slug"]).agency == world["other"]


# Writes: measurements -------------------------------------------------------------------------


def measurement_body(cluster, **extra):
    return {
        "cluster": cluster.slug,
        "indicator": "new-enterprises",
        "year": "2023-24",
        "value": 12,
        "source": "CDA progress report",
        **extra,
    }


def test_an_editor_records_a_measurement_of_their_agencys_cluster(world):
    client = token_client(editor_of(world["agency"]))
    response = client.post("/api/indicators/", measurement_body(world["draft_cluster"]))
    assert response.status_code == 201, response.content
    measurement = IndicatorMeasurement.objects.get(pk=response.json()["id"])
    assert (measurement.year, measurement.fiscal, measurement.value) == (2023, True, Decimal(12))
    assert response.json()["year"] == "2023-24"
    again = client.post("/api/indicators/", measurement_body(world["draft_cluster"], value=14))
    assert again.status_code == 200
    measurement.refresh_from_db()
    assert measurement.value == 14


def test_an_editor_records_where_their_agency_has_an_initiative(world):
    """The other agency runs an initiative in the first agency's cluster: it may measure."""
    factories.InitiativeFactory(cluster=world["cluster"], agency=world["other"])
    client = token_client(editor_of(world["other"]))
    response = client.post("/api/indicators/", measurement_body(world["cluster"]))
    assert response.status_code == 201, response.content


def test_an_editor_may_not_record_for_another_agencys_cluster(world):
    client = token_client(editor_of(world["other"]))
    response = client.post("/api/indicators/", measurement_body(world["cluster"]))
    assert response.status_code == 400
    assert "cluster" in response.json()
    assert IndicatorMeasurement.objects.count() == 2


def test_a_computed_indicator_or_another_unit_is_refused(world, curator):
    client = token_client(curator)
    computed = measurement_body(world["cluster"], indicator="networks-created")
    response = client.post("/api/indicators/", computed)
    assert response.status_code == 400
    assert "computed" in str(response.json()["indicator"])
    wrong_unit = measurement_body(world["cluster"], unit="factories")
    response = client.post("/api/indicators/", wrong_unit)
    assert response.status_code == 400
    assert "unit" in response.json()
