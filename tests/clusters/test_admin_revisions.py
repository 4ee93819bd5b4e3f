"""The admin, reached by agency editors with their agency's scope: saving a published
cluster (its fields, figures inline, members inline), a figure, a membership, a
relationship or a network of it makes a pending revision ("Your change waits for review");
curators' saves apply at once."""

import pytest

from clusters.models import Cluster, ClusterFigure, ClusterRevision
from stakeholders.models import ClusterMembership, Network, Relationship
from tests import factories
from tests.common.test_admin_policies import World, admin_url, editor, figure_post, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return World()


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_an_editors_admin_save_of_a_published_cluster_is_a_revision(client, world):
    """Fields changed and a figure added in the inline wait for review; the cluster is
    unchanged and the editor is told so."""
    cluster = world.a_published
    url = admin_url(Cluster, "change", cluster.pk)
    data = form_data(editor(client, world), url)
    data["description"] = "Proposed in the admin."
    total = int(data["figures-TOTAL_FORMS"])
    data["figures-TOTAL_FORMS"] = str(total + 1)
    data.update(
        {
            f"figures-{total}-measure": "enterprise_count",
            f"figures-{total}-value": "450",
            f"figures-{total}-year": "2021",
            f"figures-{total}-source": "Admin survey",
        }
    )
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert any("Your change waits for review" in m for m in messages_of(response))
    revision = ClusterRevision.objects.get(cluster=cluster)
    assert revision.changes["fields"] == {"description": "Proposed in the admin."}
    assert revision.changes["figures"][0]["value"] == 450
    stored = Cluster.objects.get(pk=cluster.pk)
    assert stored.description == cluster.description and stored.version == cluster.version
    assert not stored.figures.filter(source="Admin survey").exists()


def test_a_curators_admin_save_applies_at_once(client, world):
    cluster = world.a_published
    url = admin_url(Cluster, "change", cluster.pk)
    curator = world.client(client, "curator")
    data = form_data(curator, url)
    data["description"] = "Curated in the admin."
    assert curator.post(url, data).status_code == 302
    assert Cluster.objects.get(pk=cluster.pk).description == "Curated in the admin."
    assert not ClusterRevision.objects.exists()


def test_figure_membership_relationship_and_network_admins_propose(client, world):
    """The figure, membership, relationship and network admin pages propose for a
    published cluster of the editor's agency."""
    cluster = world.a_published
    first, second, third = (factories.StakeholderFactory() for _ in range(3))
    for firm in (first, second, third):
        factories.MembershipFactory(cluster=cluster, stakeholder=firm)
    site = editor(client, world)
    answers = [
        site.post(admin_url(ClusterFigure, "add"), figure_post(cluster)),
        site.post(
            admin_url(ClusterMembership, "add"),
            {"cluster": cluster.pk, "stakeholder": world.b_public_member.pk},
        ),
        site.post(
            admin_url(Relationship, "add"),
            {"cluster": cluster.pk, "source": first.pk, "target": second.pk, "kind": "supplies"},
        ),
        site.post(
            admin_url(Network, "add"),
            {
                "cluster": cluster.pk,
                "name": "Brass buyers",
                "joint_action": "joint_purchase",
                "status": "active",
                "members": [first.pk, second.pk, third.pk],
            },
        ),
    ]
    assert [a.status_code for a in answers] == [302] * 4, [
        a.content.decode()[-1500:] for a in answers if a.status_code != 302
    ]
    revision = ClusterRevision.objects.get(cluster=cluster)
    assert set(revision.changes) == {
        "figures",
        "members_added",
        "relationships_added",
        "networks_saved",
    }
    assert not cluster.figures.filter(source="survey").exists()
    assert not Relationship.objects.filter(cluster=cluster, source=first).exists()
    assert not Network.objects.filter(cluster=cluster).exists()
    membership = ClusterMembership.objects.get(cluster=cluster, stakeholder=first)
    deleted = site.post(admin_url(ClusterMembership, "delete", membership.pk), {"post": "yes"})
    assert deleted.status_code == 302
    assert ClusterMembership.objects.filter(pk=membership.pk).exists()
    revision.refresh_from_db()
    assert revision.changes["members_removed"][0]["stakeholder"] == first.pk


def test_a_stakeholders_inline_refuses_changes_to_a_published_cluster(client, world):
    """On a stakeholder's page an editor cannot link it to a published cluster directly."""
    stakeholder = world.a_member
    url = admin_url(type(stakeholder), "change", stakeholder.pk)
    data = form_data(editor(client, world), url)
    total = int(data["memberships-TOTAL_FORMS"])
    data["memberships-TOTAL_FORMS"] = str(total + 1)
    data[f"memberships-{total}-cluster"] = str(world.a_published.pk)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "is published: propose this change" in response.content.decode()
    assert not world.a_published.memberships.filter(stakeholder=stakeholder).exists()


def test_the_revision_admin_is_the_curators_and_read_only(client, world):
    """Curators list and read proposed changes in the admin (linking to the diff page);
    editors do not see them there."""
    from clusters import revisions

    revision = revisions.revision_propose(
        user=world.people.own_editor,
        cluster=world.a_published,
        changes={"fields": {"description": "x"}},
    )
    curator = world.client(client, "curator")
    listed = curator.get(admin_url(ClusterRevision, "changelist"))
    assert listed.status_code == 200 and revision.get_absolute_url() in listed.content.decode()
    assert curator.get(admin_url(ClusterRevision, "change", revision.pk)).status_code == 200
    site = editor(client, world)
    assert site.get(admin_url(ClusterRevision, "changelist")).status_code == 403
