"""`manage.py load_demo` (make run's data) loads the real profiles with the FAQ's stakeholder
groups, the illustrative BDS providers and a probable duplicate, honestly marked, once."""

from io import StringIO

import pytest
from django.core.management import call_command

from clusters.models import Cluster
from stakeholders.models import Relationship, Stakeholder


def load():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db):
    return load()


def test_every_kind_of_stakeholder_is_in_the_demo(demo):
    kinds = set(Stakeholder.objects.values_list("kind", flat=True))
    assert kinds == {"enterprise", "supplier", "institution", "association", "bds_provider"}


def test_the_bds_providers_are_marked_illustrative_and_linked(demo):
    providers = Stakeholder.objects.filter(kind="bds_provider")
    assert providers.count() == 7
    for provider in providers:
        sources = set(provider.memberships.values_list("source", flat=True))
        assert sources and all(source.startswith("Illustrative") for source in sources)
    ludhiana = Relationship.objects.filter(cluster__product="Hosiery", source__kind="bds_provider")
    assert set(ludhiana.values_list("kind", flat=True)) == {"trains", "serves"}
    assert Relationship.objects.filter(
        cluster__product="Hosiery", target__kind="bds_provider", kind="collaborates"
    ).exists()


def test_the_probable_duplicate_is_a_draft_and_says_so(demo):
    duplicate = Cluster.objects.get(product="Knitted-garments", place="Tirupur")
    assert duplicate.status == "draft"
    assert "probable duplicate" in duplicate.description
    assert Cluster.objects.get(product="Knitted garments", place="Tirupur").status == "published"


def test_loading_twice_loads_once(demo):
    clusters = Cluster.objects.count()
    assert "already" in load()
    assert Cluster.objects.count() == clusters


def test_the_demo_has_a_change_waiting_for_review(demo):
    """The demo editor's upload of two Ludhiana relationships is a pending revision; the
    relationships are not written until a curator approves them."""
    from clusters.models import ClusterRevision

    revision = ClusterRevision.objects.get()
    assert revision.state == "pending" and revision.author.username == "editor"
    assert (revision.cluster.product, revision.cluster.place) == ("Hosiery", "Ludhiana")
    assert len(revision.changes["relationships_added"]) == 2
    assert not Relationship.objects.filter(provenance__contains="demo proposal").exists()
    assert "proposed 2" in demo
