"""Who may do what with stakeholders, memberships and relationships, on every path: the
/manage/ pages, the admin, the importers, and the public stakeholder pages (which show no
one known only from an unpublished cluster).

Roles, as in tests/clusters/test_permissions.py: anonymous / signed in with no role /
editor of another agency / editor of the owning agency / curator.
"""

import pytest
from django.urls import reverse

from clusters.choices import PublicationStatus
from stakeholders.imports import RelationshipImporter, StakeholderImporter
from stakeholders.models import ClusterMembership, Relationship, Stakeholder
from tests import factories
from tests.accounts.people import ROLES, client_for, make_people

pytestmark = pytest.mark.django_db

LOGIN = "login"
SHOWN, HIDDEN = "shown", "hidden"


@pytest.fixture
def people(db):
    return make_people()


@pytest.fixture
def world(people):
    """Agency A's draft with two members linked by a relationship, and a third stakeholder
    waiting to be linked (it belongs to A's published cluster)."""
    draft = factories.ClusterFactory(
        product="Brass ware",
        place="Moradabad",
        region=factories.region("Uttar Pradesh"),
        agency=people.agency_a,
        status=PublicationStatus.DRAFT,
    )
    published = factories.ClusterFactory(
        product="Glassware", place="Firozabad", agency=people.agency_a, status="published"
    )
    maker = factories.StakeholderFactory(name="Hidden Brass Maker", kind="enterprise")
    bank = factories.StakeholderFactory(name="Hidden Cooperative Bank", kind="institution")
    spare = factories.StakeholderFactory(name="Glass Supplier", kind="supplier")
    relationship = factories.RelationshipFactory(
        cluster=draft, source=bank, target=maker, kind="finances"
    )
    factories.MembershipFactory(cluster=published, stakeholder=spare)
    return {
        "draft": draft,
        "published": published,
        "maker": maker,
        "bank": bank,
        "spare": spare,
        "membership": ClusterMembership.objects.get(cluster=draft, stakeholder=maker),
        "relationship": relationship,
    }


def manage(name, **kwargs):
    return reverse(f"editing:{name}", kwargs=kwargs)


def slug(world):
    return {"slug": world["draft"].slug}


# Site actions ------------------------------------------------------------------------------


def stakeholder_list(client, world):
    return client.get(manage("cluster_stakeholders", **slug(world)))


def stakeholder_detail(client, world):
    return client.get(manage("stakeholder_edit", slug=world["maker"].slug))


def stakeholder_create(client, world):
    data = {"name": "Entered Stakeholder", "kind": "association", "country": "IN"}
    return client.post(manage("stakeholder_create", **slug(world)), data)


def stakeholder_edit(client, world):
    maker = world["maker"]
    data = {"name": maker.name, "kind": maker.kind, "country": "IN", "phone": "12345"}
    data["version"] = maker.version
    return client.post(manage("stakeholder_edit", slug=maker.slug), data)


def membership_create(client, world):
    data = {"stakeholder": world["spare"].slug}
    return client.post(manage("stakeholder_link", **slug(world)), data)


def membership_delete(client, world):
    return client.post(manage("membership_remove", pk=world["membership"].pk, **slug(world)))


def relationship_list(client, world):
    return client.get(manage("cluster_relationships", **slug(world)))


def relationship_create(client, world):
    data = {"source": world["maker"].pk, "kind": "buys_from", "target": world["bank"].pk}
    return client.post(manage("cluster_relationships", **slug(world)), data)


def relationship_delete(client, world):
    return client.post(manage("relationship_remove", pk=world["relationship"].pk, **slug(world)))


def stakeholder_merge(client, world):
    return client.get(manage("stakeholder_merge"))


SITE_ACTIONS = {
    "stakeholder list": (stakeholder_list, "maker"),
    "stakeholder detail": (stakeholder_detail, None),
    "stakeholder create": (stakeholder_create, None),
    "stakeholder edit": (stakeholder_edit, None),
    "stakeholder merge": (stakeholder_merge, None),
    "membership create": (membership_create, None),
    "membership delete": (membership_delete, None),
    "relationship list": (relationship_list, "bank"),
    "relationship create": (relationship_create, None),
    "relationship delete": (relationship_delete, None),
}
#: action: (anonymous, nobody, other_editor, own_editor, curator)
SITE_MATRIX = {
    "stakeholder list": (LOGIN, 403, 404, SHOWN, SHOWN),
    "stakeholder detail": (LOGIN, 403, 404, 200, 200),
    "stakeholder create": (LOGIN, 403, 404, 302, 302),
    "stakeholder edit": (LOGIN, 403, 404, 302, 302),
    "stakeholder merge": (LOGIN, 403, 403, 403, 200),
    "membership create": (LOGIN, 403, 404, 302, 302),
    "membership delete": (LOGIN, 403, 404, 302, 302),
    "relationship list": (LOGIN, 403, 404, SHOWN, SHOWN),
    "relationship create": (LOGIN, 403, 404, 302, 302),
    "relationship delete": (LOGIN, 403, 404, 302, 302),
}


def took_effect(action, world):
    """Return whether the write `action` changed the database (None for reads)."""
    draft = world["draft"]
    return {
        "stakeholder create": Stakeholder.objects.filter(name="Entered Stakeholder").exists(),
        "stakeholder edit": Stakeholder.objects.filter(
            pk=world["maker"].pk, phone="12345"
        ).exists(),
        "membership create": ClusterMembership.objects.filter(
            cluster=draft, stakeholder=world["spare"]
        ).exists(),
        "membership delete": not ClusterMembership.objects.filter(
            pk=world["membership"].pk
        ).exists(),
        "relationship create": Relationship.objects.filter(
            cluster=draft, kind="buys_from"
        ).exists(),
        "relationship delete": not Relationship.objects.filter(
            pk=world["relationship"].pk
        ).exists(),
    }.get(action)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", SITE_MATRIX)
def test_site_stakeholder_permissions(client, people, world, action, role):
    """Each page answers each role as the policies say; a refused write changes nothing."""
    expected = SITE_MATRIX[action][ROLES.index(role)]
    run, shown_key = SITE_ACTIONS[action]
    response = run(client_for(client, people, role), world)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    elif expected in (SHOWN, HIDDEN):
        assert response.status_code == 200
        assert (world[shown_key].name in response.content.decode()) == (expected == SHOWN)
    else:
        assert response.status_code == expected
    effect = took_effect(action, world)
    if effect is not None:
        assert effect == (expected == 302), f"{action} by {role}"


def test_a_stakeholder_shared_with_another_agency_is_the_curators_to_edit(client, people, world):
    """An editor edits a stakeholder only while every cluster it serves is their agency's."""
    theirs = factories.ClusterFactory(agency=people.agency_b, status="published")
    factories.MembershipFactory(cluster=theirs, stakeholder=world["maker"])
    client.force_login(people.own_editor)
    assert client.get(manage("stakeholder_edit", slug=world["maker"].slug)).status_code == 404
    body = client.get(manage("cluster_stakeholders", **slug(world))).content.decode()
    assert manage("stakeholder_edit", slug=world["maker"].slug) not in body
    client.force_login(people.curator)
    assert client.get(manage("stakeholder_edit", slug=world["maker"].slug)).status_code == 200


def test_a_membership_of_another_cluster_cannot_be_removed_through_this_one(client, people, world):
    """The membership id must belong to the cluster in the address."""
    other = ClusterMembership.objects.get(cluster=world["published"])
    client.force_login(people.own_editor)
    response = client.post(manage("membership_remove", pk=other.pk, **slug(world)))
    assert response.status_code == 404
    assert ClusterMembership.objects.filter(pk=other.pk).exists()


# The admin ----------------------------------------------------------------------------------

ADMIN_MODELS = {
    "stakeholder": ("stakeholders_stakeholder", "maker", lambda w: w["maker"]),
    "membership": ("stakeholders_clustermembership", "maker", lambda w: w["membership"]),
    "relationship": ("stakeholders_relationship", "bank", lambda w: w["relationship"]),
}
#: view: (anonymous, nobody, other_editor, own_editor, curator)
ADMIN_MATRIX = {
    "changelist": ("admin-login", "admin-login", HIDDEN, SHOWN, SHOWN),
    "add": ("admin-login", "admin-login", 200, 200, 200),
    "change": ("admin-login", "admin-login", "missing", 200, 200),
    "delete": ("admin-login", "admin-login", "missing", 200, 200),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", ADMIN_MATRIX)
@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_admin_stakeholder_permissions(client, people, world, model, view, role):
    """An editor with admin access sees and opens only the rows of their agency's clusters."""
    expected = ADMIN_MATRIX[view][ROLES.index(role)]
    prefix, shown_key, record = ADMIN_MODELS[model]
    args = [record(world).pk] if view in ("change", "delete") else []
    response = client_for(client, people, role).get(reverse(f"admin:{prefix}_{view}", args=args))
    if expected == "admin-login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    elif expected == "missing":
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index")
    elif expected in (SHOWN, HIDDEN):
        assert response.status_code == 200
        assert (world[shown_key].name in response.content.decode()) == (expected == SHOWN)
    else:
        assert response.status_code == expected


# The importers ------------------------------------------------------------------------------

STAKEHOLDER_ROW = (
    "name,kind,cluster_product,cluster_place,cluster_state\n"
    "Imported Polishers,enterprise,Brass ware,Moradabad,Uttar Pradesh\n"
)
RELATIONSHIP_ROW = (
    "source_name,source_kind,target_name,target_kind,relationship,cluster_product,"
    "cluster_place,cluster_state\n"
    "Hidden Brass Maker,enterprise,Hidden Cooperative Bank,institution,buys_from,"
    "Brass ware,Moradabad,Uttar Pradesh\n"
)
#: (anonymous, nobody, other_editor, own_editor, curator): a user without the right to
#: change the cluster gets a row error naming it, and nothing is written.
IMPORT_MATRIX = ("row-error", "row-error", "row-error", "written", "written")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("importer", "csv", "written"),
    [
        (
            StakeholderImporter,
            STAKEHOLDER_ROW,
            lambda: ClusterMembership.objects.filter(stakeholder__name="Imported Polishers"),
        ),
        (
            RelationshipImporter,
            RELATIONSHIP_ROW,
            lambda: Relationship.objects.filter(kind="buys_from"),
        ),
    ],
    ids=["stakeholders", "relationships"],
)
def test_import_permissions(people, world, importer, csv, written, role):
    """Stakeholders and relationships are imported only into clusters the user may change."""
    expected = IMPORT_MATRIX[ROLES.index(role)]
    user = people.user(role)
    result = importer(user=user).run(csv.encode(), user=user, reason="import")
    if expected == "row-error":
        assert [(e.row, e.column) for e in result.errors] == [(2, "cluster_product")]
        assert not written().exists()
    else:
        assert result.ok, result.errors
        assert written().exists()


# The public stakeholder pages ---------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "own_editor", "curator"])
@pytest.mark.parametrize(
    "address",
    [
        "/stakeholders/",
        "/stakeholders/?q=hidden",
        "/stakeholders/?kind=institution",
        "/stakeholders/?kind=enterprise&state=uttar-pradesh",
    ],
)
def test_public_stakeholder_lists_show_no_one_known_only_from_unpublished_clusters(
    client, people, world, role, address
):
    """The members of a draft are on no public list or search, whoever is signed in."""
    response = client_for(client, people, role).get(address)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Hidden Brass Maker" not in body and "Hidden Cooperative Bank" not in body
    if address == "/stakeholders/":
        assert "Glass Supplier" in body


@pytest.mark.parametrize("role", ["anonymous", "own_editor", "curator"])
def test_public_profile_of_a_stakeholder_of_unpublished_clusters_is_not_found(
    client, people, world, role
):
    """A stakeholder with no published cluster has no public page."""
    client = client_for(client, people, role)
    assert client.get(world["maker"].get_absolute_url()).status_code == 404
    assert client.get(world["spare"].get_absolute_url()).status_code == 200


def test_a_shared_stakeholder_shows_only_its_published_clusters_and_links(client, people, world):
    """A stakeholder of a draft and a published cluster shows only the published one, and
    no relationship recorded in the draft."""
    factories.MembershipFactory(cluster=world["published"], stakeholder=world["maker"])
    body = client.get(world["maker"].get_absolute_url()).content.decode()
    assert "Glassware" in body
    assert "Brass ware" not in body
    assert "Hidden Cooperative Bank" not in body
