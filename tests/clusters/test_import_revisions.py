"""Imports by an agency editor (an upload, `user=`) that would change published clusters
propose a revision per cluster instead ("proposed N"); an operator's command-line import
(no user) and a curator's write at once, as before."""

import pytest

from clusters.choices import PublicationStatus
from clusters.imports import ClusterImporter
from clusters.models import Cluster, ClusterRevision
from stakeholders.imports import RelationshipImporter, StakeholderImporter
from stakeholders.models import ClusterMembership, Relationship, Stakeholder
from tests import factories
from tests.accounts.people import make_people

pytestmark = pytest.mark.django_db

HEADER = "product,place,state,cluster_type,enterprise_count,figures_year,source,description\n"


@pytest.fixture
def people(db):
    return make_people()


@pytest.fixture
def published(people):
    return factories.ClusterFactory(
        product="Brass ware",
        place="Moradabad",
        region=factories.region("Uttar Pradesh"),
        agency=people.agency_a,
        description="Reviewed.",
        figures={"enterprise_count": 80},
    )


def cluster_file(*rows):
    return (HEADER + "".join(f"{row}\n" for row in rows)).encode()


ROW = "Brass ware,Moradabad,Uttar Pradesh,industrial,150,2020-21,Agency survey,Proposed."


def test_an_editors_import_proposes_changes_to_published_clusters(people, published):
    """The row makes a pending revision (fields and figures); the cluster is unchanged; the
    summary says "proposed 1"; importing again amends the same revision."""
    result = ClusterImporter(user=people.own_editor).run(cluster_file(ROW), user=people.own_editor)
    assert result.ok, result.errors
    assert result.summary() == "created 0, updated 0, unchanged 0, proposed 1"
    revision = ClusterRevision.objects.get(cluster=published)
    assert revision.changes["fields"] == {"description": "Proposed."}
    assert revision.changes["figures"][0]["value"] == 150
    stored = Cluster.objects.get(pk=published.pk)
    assert (stored.enterprise_count, stored.description) == (80, "Reviewed.")
    again = ClusterImporter(user=people.own_editor).run(cluster_file(ROW), user=people.own_editor)
    assert again.proposed == 1 and ClusterRevision.objects.count() == 1


def test_a_dry_run_proposes_nothing(people, published):
    result = ClusterImporter(user=people.own_editor).run(
        cluster_file(ROW), user=people.own_editor, dry_run=True
    )
    assert result.proposed == 1
    assert not ClusterRevision.objects.exists()


def test_an_operators_and_a_curators_import_write_at_once(people, published):
    """No user (the command line): updated, the summary as the contract says."""
    result = ClusterImporter().run(cluster_file(ROW))
    assert result.summary() == "created 0, updated 1, unchanged 0"
    assert Cluster.objects.get(pk=published.pk).enterprise_count == 150
    row = ROW.replace("150", "170")
    curator = ClusterImporter(user=people.curator).run(cluster_file(row), user=people.curator)
    assert curator.updated == 1
    assert not ClusterRevision.objects.exists()


def test_an_editors_import_updates_their_drafts_at_once(people, published):
    services_draft = factories.ClusterFactory(
        product="Glass ware",
        place="Firozabad",
        region=factories.region("Uttar Pradesh"),
        agency=people.agency_a,
        status=PublicationStatus.DRAFT,
    )
    row = "Glass ware,Firozabad,Uttar Pradesh,industrial,120,2020-21,Survey,Draft text."
    result = ClusterImporter(user=people.own_editor).run(cluster_file(row), user=people.own_editor)
    assert result.summary() == "created 0, updated 1, unchanged 0"
    assert Cluster.objects.get(pk=services_draft.pk).enterprise_count == 120


def test_stakeholder_and_relationship_imports_propose_for_published_clusters(people, published):
    """New members and relationships of a published cluster wait for review."""
    member = factories.StakeholderFactory(name="Moradabad Brass Works")
    factories.MembershipFactory(cluster=published, stakeholder=member)
    stakeholders = (
        b"name,kind,cluster_product,cluster_place,cluster_state\n"
        b"Moradabad Exporters,enterprise,Brass ware,Moradabad,Uttar Pradesh\n"
    )
    result = StakeholderImporter(user=people.own_editor).run(stakeholders, user=people.own_editor)
    assert result.ok, result.errors
    assert result.proposed == 1
    newcomer = Stakeholder.objects.get(name="Moradabad Exporters")
    assert not ClusterMembership.objects.filter(stakeholder=newcomer).exists()
    relationships = (
        b"source_name,source_kind,target_name,target_kind,relationship,cluster_product,"
        b"cluster_place,cluster_state\n"
        b"Moradabad Brass Works,enterprise,Moradabad Brass Works,enterprise,supplies,"
        b"Brass ware,Moradabad,Uttar Pradesh\n"
    )
    refused = RelationshipImporter(user=people.own_editor).run(
        relationships, user=people.own_editor
    )
    assert not refused.ok  # a self-link, as before
    other = factories.StakeholderFactory(name="Moradabad Polishers")
    factories.MembershipFactory(cluster=published, stakeholder=other)
    relationships = relationships.replace(
        b"Moradabad Brass Works,enterprise,supplies", b"Moradabad Polishers,enterprise,supplies"
    )
    result = RelationshipImporter(user=people.own_editor).run(relationships, user=people.own_editor)
    assert result.ok, result.errors
    assert result.proposed == 1
    assert not Relationship.objects.filter(cluster=published).exists()
    revision = ClusterRevision.objects.get(cluster=published)
    assert set(revision.changes) == {"members_added", "relationships_added"}
