"""Proposed revisions through the workspace pages: an editor's change to a published
cluster waits for a curator (fields, figures, members, relationships, networks), the
curators' queue and diff page, approve, return with a comment, withdraw and amend."""

import pytest
from django.urls import reverse

from clusters import revisions, services
from clusters.choices import ClassificationStatus, PublicationStatus
from clusters.models import Cluster, ClusterRevision
from common.page_cache import public_version
from stakeholders.choices import Kind
from stakeholders.models import ClusterMembership, Network, Relationship
from tests import factories
from tests.accounts.people import make_people
from tests.workspace.test_editing import edit_data, page

pytestmark = pytest.mark.django_db
State = ClusterRevision.State


@pytest.fixture
def people(db):
    return make_people()


@pytest.fixture
def published(people):
    """A published industrial cluster of agency A: 80 enterprises, a potential cluster."""
    return factories.ClusterFactory(
        product="Brass ware",
        place="Moradabad",
        region=factories.region("Uttar Pradesh"),
        agency=people.agency_a,
        status=PublicationStatus.PUBLISHED,
        description="Reviewed text.",
        figures={"enterprise_count": 80},
        provenance=services.Provenance(year="2010-11", source="DC-MSME profile"),
    )


def url(name, **kwargs):
    return reverse(f"editing:{name}", kwargs=kwargs or None)


def public_page(client, cluster):
    client.logout()
    return page(client.get(cluster.get_absolute_url()))


def propose_figure(client, people, cluster, value=150, **overrides):
    client.force_login(people.own_editor)
    data = edit_data(
        cluster,
        enterprise_count=str(value),
        figures_year="2019-20",
        source="Agency survey",
        **overrides,
    )
    return client.post(url("cluster_edit", slug=cluster.slug), data, follow=True)


def test_an_editors_edit_of_a_published_cluster_waits_and_the_public_page_is_unchanged(
    client, people, published, django_capture_on_commit_callbacks
):
    """Saving the edit form keeps a pending revision; the cluster, its figures, its
    version and the public page (and its cache version) stay as they were."""
    before = public_page(client, published)
    version = public_version()
    with django_capture_on_commit_callbacks(execute=True):
        response = propose_figure(client, people, published, description="Proposed text.")
    body = page(response)
    assert "Your change waits for a curator" in body
    assert "Proposed text." in body and "Agency survey" in body  # the pending change shown
    revision = ClusterRevision.objects.get(cluster=published)
    assert revision.state == State.PENDING and revision.author == people.own_editor
    assert revision.changes["fields"] == {"description": "Proposed text."}
    assert revision.changes["figures"][0]["value"] == 150
    assert revision.base_version == published.version
    stored = Cluster.objects.get(pk=published.pk)
    assert (stored.enterprise_count, stored.description) == (80, "Reviewed text.")
    assert stored.version == published.version and stored.figures.count() == 1
    assert public_version() == version
    after = public_page(client, published)
    assert "Proposed text." not in after and "Reviewed text." in after
    assert after == before


def test_the_editors_list_marks_a_cluster_with_a_change_waiting(client, people, published):
    propose_figure(client, people, published)
    body = page(client.get(url("cluster_list")))
    assert "change waiting for review" in body


def test_editing_again_amends_the_same_revision(client, people, published):
    """A second save by the same editor amends their pending revision; the latest value of a
    field wins and earlier parts stay."""
    propose_figure(client, people, published, description="First try.")
    propose_figure(client, people, published, value=160, description="Second try.")
    revision = ClusterRevision.objects.get(cluster=published)
    assert revision.changes["fields"]["description"] == "Second try."
    assert [f["value"] for f in revision.changes["figures"]] == [160]


def test_the_edit_form_shows_the_pending_change_and_reverting_it_drops_it(
    client, people, published
):
    """Editing again starts from the pending values; setting a field back to the reviewed
    value takes it out of the revision (and an empty revision is withdrawn)."""
    propose_figure(client, people, published, description="First try.")
    form = page(client.get(url("cluster_edit", slug=published.slug)))
    assert "First try." in form and "saving amends it" in form
    revision = ClusterRevision.objects.get(cluster=published)
    revisions.revision_propose(
        user=people.own_editor, cluster=published, changes={}, replace=("figures",)
    )
    response = client.post(
        url("cluster_edit", slug=published.slug),
        edit_data(published, description="Reviewed text."),
    )
    assert response.status_code == 302
    revision.refresh_from_db()
    assert "fields" not in revision.changes
    assert revision.state == State.WITHDRAWN


def test_withdraw(client, people, published):
    """The author withdraws their pending revision; nothing is applied."""
    propose_figure(client, people, published)
    revision = ClusterRevision.objects.get(cluster=published)
    response = client.post(url("revision_withdraw", pk=revision.pk), follow=True)
    assert "withdrawn" in page(response)
    revision.refresh_from_db()
    assert revision.state == State.WITHDRAWN
    assert Cluster.objects.get(pk=published.pk).enterprise_count == 80


def test_curator_sees_the_queue_and_the_field_by_field_diff(client, people, published):
    """The queue lists the pending revision; its page shows old -> new for each field and
    the figure with its year and source, with approve and return."""
    propose_figure(client, people, published, description="Proposed text.")
    revision = ClusterRevision.objects.get(cluster=published)
    client.force_login(people.curator)
    queue = page(client.get(url("revision_queue")))
    assert str(published) in queue and "editor-a" in queue
    assert "Proposed changes" in page(client.get(url("review_queue")))
    body = page(client.get(url("revision_detail", pk=revision.pk)))
    assert "Reviewed text." in body and "Proposed text." in body
    assert "2010-11" in body and "DC-MSME profile" in body  # the figure now
    assert "2019-20" in body and "Agency survey" in body  # the figure proposed
    assert "Approve" in body and "Return with comment" in body
    assert "Classification once approved" in body and "150 enterprises" in body


def test_approve_applies_reclassifies_and_names_proposer_and_approver(
    client, people, published, django_capture_on_commit_callbacks
):
    """Approval applies the revision in one change set: the values are public, the cluster
    is reclassified, and the history names who proposed and who approved."""
    propose_figure(client, people, published, description="Proposed text.")
    revision = ClusterRevision.objects.get(cluster=published)
    version = public_version()
    client.force_login(people.curator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("revision_approve", pk=revision.pk), {"comment": ""})
    assert response.status_code == 302
    revision.refresh_from_db()
    assert revision.state == State.APPROVED and revision.reviewer == people.curator
    cluster = Cluster.objects.get(pk=published.pk)
    assert (cluster.enterprise_count, cluster.description) == (150, "Proposed text.")
    assert cluster.classification_status == ClassificationStatus.QUALIFIES
    assert public_version() != version
    reasons = set(
        cluster.history.filter(history_date__gte=revision.created).values_list(
            "history_change_reason", flat=True
        )
    )
    assert len(reasons) == 1
    (reason,) = reasons
    assert "proposed by editor-a" in reason and "approved by curator" in reason
    assert {h.history_user for h in cluster.history.filter(history_change_reason=reason)} == {
        people.curator
    }
    assert "Proposed text." in public_page(client, cluster)


def test_return_with_comment_is_shown_to_the_editor(client, people, published):
    """A curator returns the revision with a comment (needed); the editor sees it."""
    propose_figure(client, people, published)
    revision = ClusterRevision.objects.get(cluster=published)
    client.force_login(people.curator)
    refused = client.post(url("revision_return", pk=revision.pk), {"comment": " "})
    assert refused.status_code == 400
    client.post(url("revision_return", pk=revision.pk), {"comment": "Which survey? Cite it."})
    revision.refresh_from_db()
    assert revision.state == State.RETURNED
    client.force_login(people.own_editor)
    body = page(client.get(url("cluster_detail", slug=published.slug)))
    assert "Which survey? Cite it." in body
    assert Cluster.objects.get(pk=published.pk).enterprise_count == 80


def test_a_stale_base_is_flagged_and_the_diff_is_against_the_current_values(
    client, people, published
):
    """A revision made on an older version says so; the diff compares with the values now."""
    propose_figure(client, people, published, description="Proposed text.")
    revision = ClusterRevision.objects.get(cluster=published)
    services.cluster_update(cluster=published, data={"description": "Curator's text."})
    client.force_login(people.curator)
    body = page(client.get(url("revision_detail", pk=revision.pk)))
    assert "data-stale" in body and "Curator&#x27;s text." in body
    assert "Reviewed text." not in body
    assert revisions.revision_diff(revision)["stale"]
    queue = page(client.get(url("revision_queue")))
    assert "older version" in queue


def test_another_agencys_editor_cannot_see_and_editors_cannot_approve(client, people, published):
    """Another agency's editor gets 404 on the revision; its author may not approve it."""
    propose_figure(client, people, published)
    revision = ClusterRevision.objects.get(cluster=published)
    client.force_login(people.other_editor)
    assert client.get(url("revision_detail", pk=revision.pk)).status_code == 404
    assert client.post(url("revision_withdraw", pk=revision.pk)).status_code == 404
    client.force_login(people.own_editor)
    assert client.get(url("revision_detail", pk=revision.pk)).status_code == 200
    assert client.post(url("revision_approve", pk=revision.pk)).status_code == 403
    assert client.get(url("revision_queue")).status_code == 403
    revision.refresh_from_db()
    assert revision.state == State.PENDING


def test_a_curators_edit_applies_at_once(client, people, published):
    """A curator's edit of a published cluster is saved, no revision."""
    client.force_login(people.curator)
    data = edit_data(published, description="Curator's text.")
    data["agency"] = str(people.agency_a.pk)
    client.post(url("cluster_edit", slug=published.slug), data)
    assert Cluster.objects.get(pk=published.pk).description == "Curator's text."
    assert not ClusterRevision.objects.exists()


def test_members_and_relationships_are_proposed_then_applied(client, people, published):
    """Linking, removing a member and recording or removing a relationship on a published
    cluster are proposed; approval applies them through the services."""
    bank = factories.StakeholderFactory(name="Bank of Moradabad", kind=Kind.INSTITUTION)
    old = factories.RelationshipFactory(cluster=published)
    leaving = ClusterMembership.objects.get(cluster=published, stakeholder=old.target)
    third = factories.MembershipFactory(cluster=published).stakeholder
    client.force_login(people.own_editor)
    client.post(url("stakeholder_link", slug=published.slug), {"stakeholder": bank.slug})
    client.post(url("relationship_remove", slug=published.slug, pk=old.pk))
    client.post(url("membership_remove", slug=published.slug, pk=leaving.pk))
    client.post(
        url("cluster_relationships", slug=published.slug),
        {"source": old.source.pk, "target": third.pk, "kind": "buys_from"},
    )
    assert ClusterRevision.objects.count() == 1
    revision = ClusterRevision.objects.get()
    assert not ClusterMembership.objects.filter(stakeholder=bank).exists()
    assert Relationship.objects.filter(pk=old.pk).exists()
    assert ClusterMembership.objects.filter(pk=leaving.pk).exists()
    client.force_login(people.curator)
    body = page(client.get(url("revision_detail", pk=revision.pk)))
    assert "Bank of Moradabad" in body and "Members removed" in body
    client.post(url("revision_approve", pk=revision.pk))
    assert ClusterMembership.objects.filter(stakeholder=bank, cluster=published).exists()
    assert not Relationship.objects.filter(pk=old.pk).exists()
    assert not ClusterMembership.objects.filter(pk=leaving.pk).exists()
    assert Relationship.objects.filter(source=old.source, target=third, kind="buys_from").exists()


def test_networks_are_proposed_then_applied(client, people, published):
    """A new network of a published cluster waits for review, then is created."""
    firms = [factories.StakeholderFactory(kind=Kind.ENTERPRISE) for _ in range(3)]
    for firm in firms:
        factories.MembershipFactory(cluster=published, stakeholder=firm)
    client.force_login(people.own_editor)
    response = client.post(
        reverse("networks:network_create", kwargs={"slug": published.slug}),
        {
            "name": "Joint buying",
            "joint_action": "joint_purchase",
            "status": "active",
            "members": [firm.pk for firm in firms],
        },
    )
    assert response.status_code == 302, page(response)
    assert not Network.objects.exists()
    revision = ClusterRevision.objects.get()
    revisions.revision_approve(curator=people.curator, revision=revision)
    network = Network.objects.get(cluster=published)
    assert set(network.members.all()) == set(firms)


def test_the_queue_and_diff_pages_ask_a_bounded_number_of_queries(
    client, people, django_assert_max_num_queries
):
    """The queue asks as many queries for 1 revision as for 20; the diff page is bounded."""
    client.force_login(people.curator)

    def make(n):
        made = []
        for _ in range(n):
            cluster = factories.ClusterFactory(agency=people.agency_a, figures={"employment": 5})
            made.append(
                revisions.revision_propose(
                    user=people.own_editor,
                    cluster=cluster,
                    changes={"fields": {"description": "x"}},
                )
            )
        return made

    make(1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url("revision_queue"))
    make(19)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url("revision_queue")).status_code == 200
    assert len(many) == len(one)
    revision = ClusterRevision.objects.first()
    with django_assert_max_num_queries(20):
        assert client.get(url("revision_detail", pk=revision.pk)).status_code == 200
