"""Recording judgements of the selection parameters (FAQ Q43) under /manage/ and in the
admin: curators for any cluster, agency editors for their own agency's only (404 else)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from clusters.choices import PublicationStatus
from clusters.models import ClusterAssessment, ClusterRevision
from clusters.revisions import revision_approve
from tests import factories
from tests.accounts.people import client_for, make_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return make_people()


@pytest.fixture
def own_cluster(people):
    """A draft of agency A: its editor's judgements are recorded at once."""
    return factories.ClusterFactory(
        product="Brass ware",
        place="Moradabad",
        agency=people.agency_a,
        status=PublicationStatus.DRAFT,
    )


def page(cluster):
    return reverse("editing:cluster_assessments", kwargs={"slug": cluster.slug})


def judgement(**overrides):
    return {
        "parameter": "socio_environmental",
        "rating": "4",
        "source": "Pollution board survey 2022",
        "assessed_on": "2022-08-15",
        "note": "Effluent from electroplating units",
        **overrides,
    }


# role -> (GET status, POST records?)
MATRIX = {
    "anonymous": (302, False),
    "nobody": (403, False),
    "other_editor": (404, False),
    "own_editor": (200, True),
    "curator": (200, True),
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_who_may_record_a_judgement(client, people, own_cluster, role):
    status, records = MATRIX[role]
    client = client_for(client, people, role)
    assert client.get(page(own_cluster)).status_code == status
    response = client.post(page(own_cluster), judgement())
    assert ClusterAssessment.objects.exists() is records
    if records:
        assert response.status_code == 302


def test_a_recorded_judgement_is_listed_kept_in_history_and_counts_publicly(
    client, people, own_cluster
):
    client = client_for(client, people, "own_editor")
    response = client.post(page(own_cluster), judgement(), follow=True)
    text = response.content.decode()
    assert "Recorded: Socio-environmental concerns 4/5." in text
    assert "Pollution board survey 2022" in text and "serious concerns" in text
    record = ClusterAssessment.objects.get()
    assert record.recorded_by == people.own_editor
    assert record.history.get().history_user == people.own_editor
    # Once the cluster is published, the judgement counts on the public comparison.
    type(own_cluster).objects.filter(pk=own_cluster.pk).update(status=PublicationStatus.PUBLISHED)
    compare = client.get(
        f"/clusters/compare/?clusters={own_cluster.slug},{factories.ClusterFactory().slug}"
    )
    assert "Pollution board survey 2022" in compare.content.decode()


def test_invalid_judgements_are_refused_next_to_their_field(client, people, own_cluster):
    client = client_for(client, people, "curator")
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    response = client.post(
        page(own_cluster), judgement(rating="7", source="", assessed_on=tomorrow)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"rating", "source", "assessed_on"}
    assert "There is a problem" in response.content.decode()
    assert not ClusterAssessment.objects.exists()


def test_workspace_page_queries_are_bounded(
    client, people, own_cluster, django_assert_max_num_queries
):
    client = client_for(client, people, "curator")
    client.post(page(own_cluster), judgement())
    with django_assert_max_num_queries(12):
        client.get(page(own_cluster))
    for number in range(10):
        client.post(page(own_cluster), judgement(rating=str(1 + number % 5)))
    with django_assert_max_num_queries(12):
        response = client.get(page(own_cluster))
    assert len(response.context["assessments"]) == 11


@pytest.mark.parametrize("role", ["other_editor", "own_editor", "curator"])
def test_the_admin_keeps_agency_scope(client, people, own_cluster, role):
    other = factories.ClusterFactory(agency=people.agency_b)
    theirs = ClusterAssessment.objects.create(
        cluster=other,
        parameter="future_prospects",
        rating=3,
        source="x",
        assessed_on=date(2024, 1, 1),
    )
    client = client_for(client, people, role)
    listing = client.get(reverse("admin:clusters_clusterassessment_changelist"))
    change = client.get(reverse("admin:clusters_clusterassessment_change", args=[theirs.pk]))
    add = client.post(
        reverse("admin:clusters_clusterassessment_add"),
        {
            "cluster": other.pk,
            "parameter": "future_prospects",
            "rating": 5,
            "assessed_on": "2024-02-01",
            "source": "admin",
            "note": "",
        },
    )
    assert listing.status_code == 200
    created = ClusterAssessment.objects.filter(source="admin").first()
    if role == "own_editor":
        # Another agency's judgement is not found, and its cluster cannot be picked.
        assert change.status_code in (302, 404)
        assert str(other) not in listing.content.decode()
        assert add.status_code == 200 and created is None
    elif role == "other_editor":
        # Their own agency's published cluster: the judgement waits for a curator.
        assert change.status_code == 200
        assert add.status_code == 302
        assert created is None
        revision = ClusterRevision.objects.get(cluster=other, author=people.other_editor)
        assert revision.changes["assessments_added"][0]["source"] == "admin"
    else:
        assert change.status_code == 200
        assert add.status_code == 302
        assert created.recorded_by == people.user(role)
        assert created.history.get().history_user == people.user(role)


def test_an_editors_judgement_of_a_published_cluster_waits_for_a_curator(client, people):
    published = factories.ClusterFactory(product="Locks", place="Aligarh", agency=people.agency_a)
    editor = client_for(client, people, "own_editor")
    response = editor.post(page(published), judgement(), follow=True)
    assert "waits for a curator" in response.content.decode()
    assert not ClusterAssessment.objects.exists()
    revision = ClusterRevision.objects.get(cluster=published)
    revision_approve(curator=people.curator, revision=revision)
    record = ClusterAssessment.objects.get()
    assert (record.rating, record.recorded_by) == (4, people.own_editor)


def _submit_through(path, client, cluster):
    """Send the same judgement of `cluster` through the workspace page or the admin."""
    if path == "workspace":
        return client.post(page(cluster), judgement(), follow=True)
    return client.post(
        reverse("admin:clusters_clusterassessment_add"),
        {"cluster": cluster.pk, **judgement()},
        follow=True,
    )


@pytest.mark.parametrize("path", ["workspace", "admin"])
@pytest.mark.parametrize(
    ("role", "status", "proposed"),
    [
        ("own_editor", PublicationStatus.DRAFT, False),
        ("own_editor", PublicationStatus.PUBLISHED, True),
        ("curator", PublicationStatus.DRAFT, False),
        ("curator", PublicationStatus.PUBLISHED, False),
    ],
)
def test_the_workspace_and_the_admin_decide_a_judgement_alike(
    client, people, path, role, status, proposed
):
    """Only an agency editor's judgement of a published cluster waits for a curator, on
    either path; every other one is recorded at once, by its author."""
    cluster = factories.ClusterFactory(
        product="Locks", place="Aligarh", agency=people.agency_a, status=status
    )
    response = _submit_through(path, client_for(client, people, role), cluster)
    assert response.status_code == 200
    text = response.content.decode()
    if proposed:
        assert "waits for a curator" in text
        assert not ClusterAssessment.objects.exists()
        revision = ClusterRevision.objects.get(cluster=cluster, author=people.user(role))
        [entry] = revision.changes["assessments_added"]
        assert (entry["rating"], entry["source"]) == (4, "Pollution board survey 2022")
    else:
        assert "waits for a curator" not in text
        assert not ClusterRevision.objects.exists()
        record = ClusterAssessment.objects.get(cluster=cluster)
        assert (record.rating, record.recorded_by) == (4, people.user(role))
        assert record.history.get().history_user == people.user(role)


def test_an_editors_admin_correction_of_a_published_judgement_is_proposed(client, people):
    """Correcting a stored judgement in the admin is a change like any other: an editor's
    on a published cluster waits for a curator and leaves the stored record as it was."""
    cluster = factories.ClusterFactory(product="Locks", place="Aligarh", agency=people.agency_a)
    stored = ClusterAssessment.objects.create(
        cluster=cluster,
        parameter="socio_environmental",
        rating=2,
        source="Survey 2020",
        assessed_on=date(2020, 1, 1),
    )
    editor = client_for(client, people, "own_editor")
    response = editor.post(
        reverse("admin:clusters_clusterassessment_change", args=[stored.pk]),
        {"cluster": cluster.pk, **judgement()},
        follow=True,
    )
    assert "waits for a curator" in response.content.decode()
    stored.refresh_from_db()
    assert (stored.rating, stored.source) == (2, "Survey 2020")
    revision = ClusterRevision.objects.get(cluster=cluster)
    assert revision.changes["assessments_added"][0]["rating"] == 4
