"""API writes by an agency editor to a published cluster are proposed revisions: 202
Accepted with the pending revision, nothing public changes; curators still get 200/201;
the schema documents the 202."""

import pytest

from clusters.models import Cluster, ClusterRevision
from stakeholders.choices import Kind
from stakeholders.models import ClusterMembership, Relationship
from tests import factories
from tests.api.test_clusters import editor, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def user():
    return editor()


@pytest.fixture
def published(user):
    return factories.ClusterFactory(
        agency=user.agency_editor.agency, description="Reviewed.", figures={"employment": 10}
    )


def test_an_editors_patch_of_a_published_cluster_is_202_with_the_pending_revision(user, published):
    """PATCH answers 202 with the revision (id, state, changes, url); the cluster and its
    public read stay as they were; a second PATCH amends the same revision."""
    api = token_client(user)
    url = f"/api/clusters/{published.slug}/"
    response = api.patch(url, {"description": "Proposed."})
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["state"] == "pending"
    assert body["changes"] == {"fields": {"description": "Proposed."}}
    assert body["url"].endswith(f"/manage/revisions/{body['id']}/")
    assert Cluster.objects.get(pk=published.pk).description == "Reviewed."
    assert token_client(factories.UserFactory()).get(url).json()["description"] == "Reviewed."
    again = api.patch(url, {"stage": "growth"})
    assert again.status_code == 202 and again.json()["id"] == body["id"]
    assert ClusterRevision.objects.get().changes["fields"] == {
        "description": "Proposed.",
        "stage": "growth",
    }


def test_a_stale_version_is_412_for_a_proposal_too(user, published):
    api = token_client(user)
    response = api.patch(
        f"/api/clusters/{published.slug}/",
        {"description": "Mine", "version": published.version - 1 or 99},
    )
    assert response.status_code == 412
    assert not ClusterRevision.objects.exists()


def test_figures_members_and_relationships_are_proposed(user, published):
    """Recording a figure, linking or removing a member, recording, changing or deleting a
    relationship in a published cluster: 202 each, all in one pending revision."""
    api = token_client(user)
    relationship = factories.RelationshipFactory(cluster=published)
    newcomer = factories.MembershipFactory(
        stakeholder=factories.StakeholderFactory(name="Newcomer", kind=Kind.SUPPLIER)
    ).stakeholder  # public through another published cluster
    membership = ClusterMembership.objects.get(cluster=published, stakeholder=relationship.target)
    answers = [
        api.post(
            "/api/figures/",
            {"cluster": published.slug, "measure": "employment", "value": 20, "year": "2020"},
        ),
        api.post("/api/memberships/", {"cluster": published.slug, "stakeholder": newcomer.slug}),
        api.patch(f"/api/relationships/{relationship.pk}/", {"kind": "finances"}),
        api.post(
            "/api/relationships/",
            {
                "cluster": published.slug,
                "source": relationship.target.slug,
                "target": relationship.source.slug,
                "kind": "buys_from",
            },
        ),
        api.delete(f"/api/relationships/{relationship.pk}/"),
        api.delete(f"/api/memberships/{membership.pk}/"),
    ]
    assert [a.status_code for a in answers] == [202] * 6, [a.content for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    changes = ClusterRevision.objects.get().changes
    assert changes["figures"][0]["value"] == 20
    assert changes["members_added"][0]["stakeholder"] == newcomer.pk
    assert Cluster.objects.get(pk=published.pk).employment == 10
    assert Relationship.objects.filter(pk=relationship.pk, kind="supplies").exists()
    assert not ClusterMembership.objects.filter(stakeholder=newcomer, cluster=published).exists()


def test_a_new_stakeholder_of_a_published_cluster_is_proposed(user, published):
    """POST /api/stakeholders/ naming a published cluster enters the stakeholder (not yet
    public) and proposes its membership: 202."""
    api = token_client(user)
    response = api.post(
        "/api/stakeholders/",
        {"name": "Knitwear Club", "kind": "association", "cluster": published.slug},
    )
    assert response.status_code == 202, response.content
    assert response.json()["changes"]["members_added"][0]["label"] == "Knitwear Club"
    assert not ClusterMembership.objects.filter(cluster=published).exists()
    anonymous = token_client(factories.UserFactory())
    assert anonymous.get("/api/stakeholders/", {"q": "Knitwear Club"}).json()["results"] == []


def test_a_curators_write_applies_at_once(curator, published):
    api = token_client(curator)
    response = api.patch(f"/api/clusters/{published.slug}/", {"description": "Curated."})
    assert response.status_code == 200
    figure = api.post(
        "/api/figures/", {"cluster": published.slug, "measure": "employment", "value": 30}
    )
    assert figure.status_code == 201
    assert Cluster.objects.get(pk=published.pk).description == "Curated."
    assert not ClusterRevision.objects.exists()


def test_another_agencys_editor_gets_404(published):
    api = token_client(editor())
    response = api.patch(f"/api/clusters/{published.slug}/", {"description": "x"})
    assert response.status_code == 404
    assert not ClusterRevision.objects.exists()


def test_the_schema_documents_the_202(client):
    """Each write that may be proposed documents 202 with the revision's schema."""
    schema = client.get("/api/schema/?format=json").json()
    accepted = "#/components/schemas/Revision"
    for path, method in [
        ("/api/clusters/{slug}/", "patch"),
        ("/api/clusters/{slug}/", "put"),
        ("/api/figures/", "post"),
        ("/api/stakeholders/", "post"),
        ("/api/memberships/", "post"),
        ("/api/memberships/{id}/", "delete"),
        ("/api/relationships/", "post"),
        ("/api/relationships/{id}/", "patch"),
        ("/api/relationships/{id}/", "delete"),
    ]:
        response = schema["paths"][path][method]["responses"]["202"]
        assert response["content"]["application/json"]["schema"]["$ref"] == accepted, path
    revision = schema["components"]["schemas"]["Revision"]["properties"]
    assert {"id", "state", "changes", "url"} <= set(revision)
