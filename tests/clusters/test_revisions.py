"""clusters.revisions: propose (one pending revision per editor and cluster, amended),
withdraw, return, approve through the services in one change set; who may do what."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clusters import revisions, services
from clusters.choices import ClassificationStatus, PublicationStatus
from clusters.models import Cluster, ClusterRevision
from tests import factories
from tests.accounts.people import make_people

pytestmark = pytest.mark.django_db
State = ClusterRevision.State


@pytest.fixture
def people(db):
    return make_people()


@pytest.fixture
def published(people):
    return factories.ClusterFactory(
        agency=people.agency_a,
        figures={"enterprise_count": 80},
        provenance=services.Provenance(year="2010-11", source="Profile"),
    )


def figure(value, year="2020-21", source="Survey"):
    return {
        "measure": "enterprise_count",
        "value": value,
        "year": year,
        "source": source,
        "estimated": False,
        "currency": "",
    }


def test_review_is_needed_for_an_editor_on_a_published_cluster_only(people, published):
    draft = factories.ClusterFactory(agency=people.agency_a, status=PublicationStatus.DRAFT)
    assert revisions.review_needed(user=people.own_editor, cluster=published)
    assert not revisions.review_needed(user=people.own_editor, cluster=draft)
    assert not revisions.review_needed(user=people.curator, cluster=published)
    assert not revisions.review_needed(user=None, cluster=published)


def test_propose_amends_the_editors_pending_revision(people, published):
    """A second proposal by the same editor amends theirs; another editor's is separate;
    a later figure for the same measure, year and source replaces the earlier."""
    first = revisions.revision_propose(
        user=people.own_editor,
        cluster=published,
        changes={"fields": {"stage": "growth"}, "figures": [figure(100)]},
    )
    second = revisions.revision_propose(
        user=people.own_editor,
        cluster=published,
        changes={"fields": {"description": "New"}, "figures": [figure(120), figure(5, "2021")]},
    )
    assert first.pk == second.pk
    assert second.changes["fields"] == {"stage": "growth", "description": "New"}
    assert [f["value"] for f in second.changes["figures"]] == [120, 5]
    assert first.base_version == published.version
    nothing = revisions.revision_propose(user=people.curator, cluster=published, changes={})
    assert nothing is None
    assert ClusterRevision.objects.count() == 1


def test_withdraw_and_return(people, published):
    revision = revisions.revision_propose(
        user=people.own_editor, cluster=published, changes={"figures": [figure(100)]}
    )
    with pytest.raises(PermissionDenied):
        revisions.revision_withdraw(user=people.curator, revision=revision)
    with pytest.raises(PermissionDenied):
        revisions.revision_return(curator=people.own_editor, revision=revision, comment="no")
    with pytest.raises(ValidationError):
        revisions.revision_return(curator=people.curator, revision=revision, comment="")
    revisions.revision_return(curator=people.curator, revision=revision, comment="Cite it.")
    assert revision.state == State.RETURNED and revision.comment == "Cite it."
    with pytest.raises(ValidationError):
        revisions.revision_withdraw(user=people.own_editor, revision=revision)
    again = revisions.revision_propose(
        user=people.own_editor, cluster=published, changes={"figures": [figure(110)]}
    )
    assert again.pk != revision.pk  # a returned revision is closed; a new one starts
    revisions.revision_withdraw(user=people.own_editor, revision=again)
    assert again.state == State.WITHDRAWN


def test_approve_applies_through_the_services_in_one_change_set(people, published):
    revision = revisions.revision_propose(
        user=people.own_editor,
        cluster=published,
        changes={"fields": {"description": "Proposed"}, "figures": [figure(150)]},
    )
    with pytest.raises(PermissionDenied):
        revisions.revision_approve(curator=people.own_editor, revision=revision)
    revisions.revision_approve(curator=people.curator, revision=revision)
    cluster = Cluster.objects.get(pk=published.pk)
    assert cluster.enterprise_count == 150 and cluster.description == "Proposed"
    assert cluster.classification_status == ClassificationStatus.QUALIFIES
    assert cluster.figures.count() == 2  # the reviewed figure stays in the history
    rows = list(cluster.history.filter(history_date__gte=revision.updated))
    assert rows and {row.history_change_reason for row in rows} == {rows[0].history_change_reason}
    assert f"revision #{revision.pk} proposed by editor-a, approved by curator" in (
        rows[0].history_change_reason
    )
    figure_rows = cluster.figures.get(source="Survey").history.all()
    assert figure_rows[0].history_change_reason == rows[0].history_change_reason
    with pytest.raises(ValidationError):
        revisions.revision_approve(curator=people.curator, revision=revision)


def test_a_stale_revision_is_flagged_and_diffed_against_the_current_values(people, published):
    revision = revisions.revision_propose(
        user=people.own_editor,
        cluster=published,
        changes={"fields": {"description": "Proposed", "stage": "growth"}},
    )
    services.cluster_update(cluster=published, data={"stage": "growth"})
    diff = revisions.revision_diff(revision)
    assert diff["stale"]
    assert [label for label, _old, _new in diff["fields"]] == ["description"]
