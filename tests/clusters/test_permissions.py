"""Who may do what with clusters, on every path: the site's /manage/ pages, the admin, the
importer, and the public pages (which never show an unpublished record).

Each matrix is anonymous / a signed-in user with no role / an editor of another agency /
an editor of the owning agency / a curator, against the same records: a missing
permission is 403, a record outside the user's permitted set is 404 (the admin's
equivalent is its "does not exist" redirect), an anonymous visitor is sent to sign in.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from clusters import workflow
from clusters.choices import PublicationStatus
from clusters.imports import ClusterImporter
from clusters.models import Cluster
from tests import factories
from tests.accounts.people import ROLES, client_for, make_people
from workspace.forms import ClusterForm

pytestmark = pytest.mark.django_db

LOGIN = "login"  # expected: redirected to /accounts/login/
SHOWN, HIDDEN = "shown", "hidden"  # expected: 200, with or without agency A's draft


@pytest.fixture
def people(db):
    return make_people()


@pytest.fixture
def draft(people):
    """Agency A's draft: the record every matrix acts on."""
    return factories.ClusterFactory(
        product="Secret draft product",
        place="Moradabad",
        region=factories.region("Uttar Pradesh"),
        agency=people.agency_a,
        status=PublicationStatus.DRAFT,
        figures={"enterprise_count": 80},
    )


def manage(name, cluster=None):
    return reverse(f"editing:{name}", kwargs={"slug": cluster.slug} if cluster else None)


def edit_post(cluster, **changes):
    initial = ClusterForm.initial_for(cluster)
    initial.pop("agency")
    data = {name: "" if value is None else str(value) for name, value in initial.items()}
    data.update(changes)
    return data


def new_post():
    return {
        "product": "Entered product",
        "place": "Khurja",
        "state": "UP",
        "cluster_type": "industrial",
    }


# What each site action does, and how to tell whether it took effect -------------------------


def _list(client, draft):
    return client.get(manage("cluster_list"))


def _detail(client, draft):
    return client.get(manage("cluster_detail", draft))


def _history(client, draft):
    return client.get(manage("cluster_history", draft))


def _create(client, draft):
    return client.post(manage("cluster_create"), new_post())


def _edit(client, draft):
    return client.post(manage("cluster_edit", draft), edit_post(draft, district="Changed"))


def _delete(client, draft):
    return client.post(manage("cluster_delete", draft))


def _submit(client, draft):
    return client.post(manage("cluster_submit", draft))


def _publish(client, draft):
    workflow.cluster_transition(cluster=draft, action="submitted", user=None)
    return client.post(manage("cluster_review", draft), {"action": "approved"})


def _review_queue(client, draft):
    return client.get(manage("review_queue"))


def _merge(client, draft):
    return client.get(manage("cluster_merge"))


def _quality(client, draft):
    return client.get(manage("quality"), {"list": "missing-figure"})


def _quality_export(client, draft):
    return client.get(manage("quality"), {"export": "missing-figure"})


SITE_ACTIONS = {
    "list": _list,
    "detail": _detail,
    "history": _history,
    "create": _create,
    "edit": _edit,
    "delete": _delete,
    "submit": _submit,
    "publish": _publish,
    "review_queue": _review_queue,
    "merge": _merge,
    "quality": _quality,
    "quality_export": _quality_export,
}


def _took_effect(action, draft):
    """Return whether the write `action` changed the database (None for reads)."""
    stored = Cluster.objects.filter(pk=draft.pk).first()
    return {
        "create": Cluster.objects.filter(product="Entered product").exists(),
        "edit": stored is not None and stored.district == "Changed",
        "delete": stored is None,
        "submit": stored is not None and stored.status == PublicationStatus.SUBMITTED,
        "publish": stored is not None and stored.status == PublicationStatus.PUBLISHED,
    }.get(action)


#: action: (anonymous, nobody, other_editor, own_editor, curator)
SITE_MATRIX = {
    "list": (LOGIN, 403, HIDDEN, SHOWN, SHOWN),
    "detail": (LOGIN, 403, 404, 200, 200),
    "history": (LOGIN, 403, 404, 200, 200),
    "create": (LOGIN, 403, 302, 302, 302),
    "edit": (LOGIN, 403, 404, 302, 302),
    "delete": (LOGIN, 403, 404, 302, 302),
    "submit": (LOGIN, 403, 404, 302, 302),
    "publish": (LOGIN, 403, 403, 403, 302),
    "review_queue": (LOGIN, 403, 403, 403, 200),
    "merge": (LOGIN, 403, 403, 403, 200),
    "quality": (LOGIN, 403, 403, 403, 200),
    "quality_export": (LOGIN, 403, 403, 403, 200),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", SITE_MATRIX)
def test_site_cluster_permissions(client, people, draft, action, role):
    """Each /manage/ action answers each role as the policy says, and a refused write
    changes nothing."""
    expected = SITE_MATRIX[action][ROLES.index(role)]
    response = SITE_ACTIONS[action](client_for(client, people, role), draft)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    elif expected in (SHOWN, HIDDEN):
        assert response.status_code == 200
        assert (draft.product in response.content.decode()) == (expected == SHOWN)
    else:
        assert response.status_code == expected
    effect = _took_effect(action, draft)
    if effect is not None:
        assert effect == (expected == 302), f"{action} by {role}"


def test_a_new_cluster_belongs_to_the_editors_own_agency(client, people):
    """The other agency's editor may create, but only for their own agency, as a draft."""
    client.force_login(people.other_editor)
    client.post(manage("cluster_create"), new_post())
    cluster = Cluster.objects.get(product="Entered product")
    assert cluster.agency == people.agency_b
    assert cluster.status == PublicationStatus.DRAFT


def test_another_agencys_published_cluster_is_not_editable_by_url(client, people):
    """Published is public to read, never to edit: /manage/ pages of it are 404."""
    published = factories.ClusterFactory(agency=people.agency_a, status="published")
    client.force_login(people.other_editor)
    for name in ("cluster_detail", "cluster_edit", "cluster_stakeholders", "cluster_history"):
        assert client.get(manage(name, published)).status_code == 404, name
    assert client.get(published.get_absolute_url()).status_code == 200


# The admin ----------------------------------------------------------------------------------


def admin_url(view, cluster=None):
    args = [cluster.pk] if cluster else []
    return reverse(f"admin:clusters_cluster_{view}", args=args)


#: view: (anonymous, nobody, other_editor, own_editor, curator); "admin-login" means the
#: admin's sign-in page, "missing" its "does not exist" redirect (the admin's 404).
ADMIN_MATRIX = {
    "changelist": ("admin-login", "admin-login", HIDDEN, SHOWN, SHOWN),
    "add": ("admin-login", "admin-login", 200, 200, 200),
    "change": ("admin-login", "admin-login", "missing", 200, 200),
    "delete": ("admin-login", "admin-login", "missing", 200, 200),
    # 404 as for a record that does not exist: a 403 would tell that the draft exists.
    "history": ("admin-login", "admin-login", 404, 200, 200),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", ADMIN_MATRIX)
def test_admin_cluster_permissions(client, people, draft, view, role):
    """An editor with admin access sees and opens only their agency's clusters."""
    expected = ADMIN_MATRIX[view][ROLES.index(role)]
    target = draft if view in ("change", "delete", "history") else None
    response = client_for(client, people, role).get(admin_url(view, target))
    if expected == "admin-login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    elif expected == "missing":
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index")
    elif expected in (SHOWN, HIDDEN):
        assert response.status_code == 200
        assert (draft.product in response.content.decode()) == (expected == SHOWN)
    else:
        assert response.status_code == expected
        if expected == 403:
            assert draft.product not in response.content.decode()


def test_admin_editor_cannot_publish_or_move_a_cluster_to_another_agency(client, people, draft):
    """In the admin an editor's status and agency are read-only, and publish is no action."""
    client.force_login(people.own_editor)
    body = client.get(admin_url("change", draft)).content.decode()
    assert 'name="status"' not in body and 'name="agency"' not in body
    changelist = client.get(admin_url("changelist")).content.decode()
    assert 'value="publish"' not in changelist and 'value="merge"' not in changelist


# The importer -------------------------------------------------------------------------------

IMPORT_ROW = (
    "product,place,state,cluster_type,enterprise_count,figures_year,source\n"
    "Secret draft product,Moradabad,Uttar Pradesh,industrial,150,2020,Survey\n"
)
#: (anonymous, nobody, other_editor, own_editor, curator)
IMPORT_MATRIX = ("denied", "denied", "row-error", "updated", "updated")


@pytest.mark.parametrize("role", ROLES)
def test_import_cluster_permissions(people, draft, role):
    """Importing as a user: no role is refused outright; another agency's record is a row
    error (and nothing is written); the owning agency and curators update it."""
    expected = IMPORT_MATRIX[ROLES.index(role)]
    user = people.user(role)
    if expected == "denied":
        with pytest.raises(PermissionDenied):
            ClusterImporter(user=user)
        return
    result = ClusterImporter(user=user).run(IMPORT_ROW.encode(), user=user, reason="import")
    draft.refresh_from_db()
    if expected == "row-error":
        assert [(e.row, e.column) for e in result.errors] == [(2, "product")]
        assert "another agency" in result.errors[0].message
        assert draft.enterprise_count == 80
    else:
        assert result.ok and result.updated == 1
        assert draft.enterprise_count == 150


def test_an_editors_import_creates_drafts_of_their_agency(people):
    """New clusters imported by an editor are their agency's drafts, whatever is asked."""
    importer = ClusterImporter(user=people.other_editor, status=PublicationStatus.PUBLISHED)
    result = importer.run(
        b"product,place,cluster_type\nNew import,Agra,industrial\n", user=people.other_editor
    )
    assert result.ok
    cluster = Cluster.objects.get(product="New import")
    assert (cluster.agency, cluster.status) == (people.agency_b, PublicationStatus.DRAFT)


# Unpublished records never leak through the public pages ------------------------------------


@pytest.fixture
def unpublished(people):
    """One cluster of agency A in each status that is not public."""
    return [
        factories.ClusterFactory(
            product=f"Hidden {status} ware", place="Khurja", agency=people.agency_a, status=status
        )
        for status in (
            PublicationStatus.DRAFT,
            PublicationStatus.SUBMITTED,
            PublicationStatus.ARCHIVED,
        )
    ]


@pytest.mark.parametrize("role", ["anonymous", "own_editor", "curator"])
@pytest.mark.parametrize(
    "address",
    [
        "/clusters/",
        "/clusters/?q=hidden",
        "/clusters/?q=Khurja",
        "/clusters/?agency=agency-a",
        "/clusters/export.csv",
        "/clusters/export.csv?q=hidden",
        "/",
        "/stats/",
    ],
)
def test_public_lists_and_exports_show_published_clusters_only(
    client, people, unpublished, role, address
):
    """Drafts, submitted and archived clusters are on no public list, search or export,
    whoever is signed in; a published one is."""
    factories.ClusterFactory(
        product="Public hidden-free ware", place="Khurja", agency=people.agency_a
    )
    response = client_for(client, people, role).get(address)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode()
    for cluster in unpublished:
        assert cluster.product not in text, (address, cluster.status)
    if address.startswith("/clusters/") and "hidden" not in address:
        assert "Public hidden-free ware" in text


@pytest.mark.parametrize("role", ["anonymous", "own_editor", "curator"])
def test_public_profile_of_an_unpublished_cluster_is_not_found(client, people, unpublished, role):
    """The public profile is for published clusters; others have their /manage/ page."""
    client = client_for(client, people, role)
    for cluster in unpublished:
        assert client.get(cluster.get_absolute_url()).status_code == 404


#: The network files follow the cluster policy's "view": published clusters for everyone,
#: unpublished ones for their agency and the curators only.
NETWORK_FILES = ("graph.json", "graph.graphml", "map/")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 404),
        ("nobody", 404),
        ("other_editor", 404),
        ("own_editor", 200),
        ("curator", 200),
    ],
)
def test_network_files_of_an_unpublished_cluster_follow_the_policy(
    client, people, unpublished, role, expected
):
    """Nobody outside the owning agency and the curators gets an unpublished network."""
    client = client_for(client, people, role)
    for cluster in unpublished:
        for name in NETWORK_FILES:
            response = client.get(f"/clusters/{cluster.slug}/{name}")
            assert response.status_code == expected, (cluster.status, name)


def test_approval_makes_a_cluster_public(client, people, draft):
    """The same record appears on the public list once a curator approves it."""
    assert draft.product not in client.get("/clusters/").content.decode()
    workflow.cluster_transition(cluster=draft, action="approved", user=people.curator)
    assert draft.product in client.get("/clusters/").content.decode()
    assert client.get(draft.get_absolute_url()).status_code == 200
