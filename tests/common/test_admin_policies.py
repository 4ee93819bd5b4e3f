"""The admin goes through the same permission policies as the site, on every path.

Agency A owns the records; an editor of agency B ("other_editor") must find none of them,
whatever admin page, choice field, autocomplete, inline, history or revert they try, and an
editor of agency A ("own_editor") may not use the admin to reach agency B's records,
publish, delete what the site refuses to delete, or overwrite a newer version.
"""

import json
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from clusters import workflow
from clusters.choices import PublicationStatus
from clusters.models import Agency, Benchmark, Cluster, ClusterFigure, Region, Sector
from stakeholders.models import ClusterMembership, Network, Relationship, Stakeholder
from tests import factories
from tests.accounts.people import ROLES, client_for, make_people

pytestmark = pytest.mark.django_db


class FormFields(HTMLParser):
    """The values a browser would send back for the admin's change form (id "<model>_form")."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea, self._inside = {}, None, None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._inside = (attrs.get("id") or "").endswith("_form")
        name = attrs.get("name")
        if not self._inside:
            return
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data[name] = attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._inside = False

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def form_data(client, url):
    """GET `url` and return what submitting its form unchanged would POST."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    parser = FormFields()
    parser.feed(response.content.decode())
    parser.data.pop("csrfmiddlewaretoken", None)
    parser.data.pop("_popup", None)
    return parser.data


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


class World:
    """Agency A's published cluster and draft, agency B's published cluster and its draft
    with a stakeholder nobody outside agency B may see."""

    def __init__(self):
        self.people = people = make_people()
        self.a_published = factories.ClusterFactory(
            product="Brassware", place="Moradabad", agency=people.agency_a
        )
        self.a_draft = factories.ClusterFactory(
            product="Glassware",
            place="Firozabad",
            agency=people.agency_a,
            status=PublicationStatus.DRAFT,
            figures={"enterprise_count": 80},
        )
        self.b_published = factories.ClusterFactory(
            product="Locks",
            place="Aligarh",
            agency=people.agency_b,
            figures={"enterprise_count": 60},
        )
        self.b_draft = factories.ClusterFactory(
            product="Carpets",
            place="Bhadohi",
            agency=people.agency_b,
            status=PublicationStatus.DRAFT,
        )
        self.a_member = factories.StakeholderFactory(name="Firozabad Glass Works")
        self.a_other_member = factories.StakeholderFactory(name="Firozabad Bangle Makers")
        self.a_relationship = factories.RelationshipFactory(
            cluster=self.a_draft, source=self.a_member, target=self.a_other_member
        )
        self.a_membership = ClusterMembership.objects.get(
            cluster=self.a_draft, stakeholder=self.a_member
        )
        self.a_figure = self.a_draft.figures.get()
        self.hidden = factories.StakeholderFactory(name="Bhadohi Hidden Weavers")
        factories.MembershipFactory(cluster=self.b_draft, stakeholder=self.hidden)
        self.b_public_member = factories.StakeholderFactory(name="Aligarh Lock Makers")
        self.b_public_other = factories.StakeholderFactory(name="Aligarh Brass Casters")
        self.b_relationship = factories.RelationshipFactory(
            cluster=self.b_published, source=self.b_public_member, target=self.b_public_other
        )
        self.network = Network.objects.create(
            cluster=self.a_draft, name="Firozabad export network", joint_action="marketing"
        )
        # Development programmes (issue 15): agency A's draft initiative in its published
        # cluster, with a study, a document, an activity, a target and a measurement.
        self.initiative = factories.InitiativeFactory(
            agency=people.agency_a, cluster=self.a_published, title="Moradabad brass CDP"
        )
        self.study = factories.DiagnosticStudyFactory(initiative=self.initiative)
        self.document = factories.StudyDocumentFactory(study=self.study)
        self.activity = factories.PlanActivityFactory(initiative=self.initiative)
        self.indicator_target = factories.IndicatorTargetFactory(initiative=self.initiative)
        self.measurement = factories.IndicatorMeasurementFactory(cluster=self.a_published)
        self.initiative_revision = factories.InitiativeRevisionFactory(
            initiative__agency=people.agency_a,
            initiative__cluster=self.a_published,
            author=people.own_editor,
        )

    def client(self, client, role):
        return client_for(client, self.people, role)


@pytest.fixture
def world(db):
    return World()


# The matrix: every admin model x change / delete / history / revert x role ---------------

EDITOR_MODELS = (
    "cluster",
    "figure",
    "stakeholder",
    "membership",
    "relationship",
    "network",
    "initiative",
    "diagnosticstudy",
    "studydocument",
    "planactivity",
    "indicatortarget",
    "indicatormeasurement",
)


def target(world, name):
    """Agency A's record of each model (a reference record for the curated models)."""
    return {
        "cluster": world.a_draft,
        "figure": world.a_figure,
        "stakeholder": world.a_member,
        "membership": world.a_membership,
        "relationship": world.a_relationship,
        "network": world.network,
        "benchmark": factories.BenchmarkFactory(),
        "region": Region.objects.create(country="IT", name="Veneto", slug="veneto"),
        "sector": factories.SectorFactory(),
        "agency": world.people.agency_a,
        "agencyeditor": world.people.own_editor.agency_editor,
        "initiative": world.initiative,
        "diagnosticstudy": world.study,
        "studydocument": world.document,
        "planactivity": world.activity,
        "indicatortarget": world.indicator_target,
        "indicatormeasurement": world.measurement,
        "scheme": factories.SchemeFactory(),
        "indicator": factories.IndicatorFactory(),
    }[name]


# Editors may look them up, never change them.
REFERENCE_MODELS = ("region", "sector", "scheme", "indicator")
MODELS = (
    *EDITOR_MODELS,
    *REFERENCE_MODELS,
    "benchmark",
    "agency",
    "agencyeditor",
)


def expected(model, view, role):
    """What `role` gets from `view` of agency A's record of `model`."""
    if role in ("anonymous", "nobody"):
        return "admin-login"
    if role == "curator":
        return 200
    if model in REFERENCE_MODELS:
        return 403 if view in ("add", "delete", "revert") else 200
    if model not in EDITOR_MODELS:
        return 403  # the model is the curators' alone, for every editor
    if view == "add":
        return 200  # what an editor may then choose in the form is their agency's
    if role == "other_editor":
        return "missing" if view in ("change", "delete") else 404
    return 403 if view == "revert" else 200


def request(client, obj, view):
    model = type(obj)
    if view == "revert":
        version = model.history.filter(**{model._meta.pk.attname: obj.pk}).latest("history_id")
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_simple_history",
            args=(obj.pk, version.history_id),
        )
        # A revert is a POST of the old version's form; refused before the form is read.
        return client.post(url, {}) if client.session.get("_auth_user_id") else client.get(url)
    if view == "add":
        return client.get(admin_url(model, "add"))
    return client.get(admin_url(model, view, obj.pk))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", ("add", "change", "delete", "history", "revert"))
@pytest.mark.parametrize("model", MODELS)
def test_admin_matrix(client, world, model, view, role):
    """Each role gets exactly what the policy allows from each admin page of each model; a
    record of another agency is not found (no 403 that would tell it exists)."""
    obj = target(world, model)
    response = request(world.client(client, role), obj, view)
    want = expected(model, view, role)
    if want == "admin-login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    elif want == "missing":  # the admin's "does not exist" redirect, as for an unknown id
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index")
    elif want == 200 and view == "revert":
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == want


@pytest.mark.parametrize("role", ("other_editor", "own_editor"))
def test_history_of_a_hidden_record_answers_like_an_unknown_one(client, world, role):
    """Another agency's draft and an id that never existed give the same 404."""
    editor = world.client(client, role)
    hidden = world.b_draft if role == "own_editor" else world.a_draft
    assert editor.get(admin_url(Cluster, "history", hidden.pk)).status_code == 404
    assert editor.get(admin_url(Cluster, "history", 987654)).status_code == 404


# Choice fields and object checks on save: the holes found by probing -------------------


def editor(client, world):
    return world.client(client, "own_editor")


def figure_post(cluster):
    """The add form of a figure: 500 enterprises for `cluster`, enough to qualify."""
    return {
        "cluster": cluster.pk,
        "measure": "enterprise_count",
        "value": "500",
        "year": "2024",
        "source": "survey",
        "currency": "",
    }


def test_editor_cannot_attach_a_figure_to_another_agencys_cluster(client, world):
    """POSTing a figure for agency B's cluster is a form error; B keeps its classification."""
    data = figure_post(world.b_published)
    before = ClusterFigure.objects.count()
    response = editor(client, world).post(admin_url(ClusterFigure, "add"), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert ClusterFigure.objects.count() == before
    world.b_published.refresh_from_db()
    assert world.b_published.classification_status == "potential"


def test_curator_may_attach_a_figure_to_any_cluster(client, world):
    """The same POST by a curator records the figure and reclassifies the cluster."""
    data = figure_post(world.b_published)
    response = world.client(client, "curator").post(admin_url(ClusterFigure, "add"), data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    world.b_published.refresh_from_db()
    assert world.b_published.classification_status == "qualifies"


@pytest.mark.parametrize(
    "cluster, stakeholder",
    [("b_draft", "a_member"), ("b_published", "a_member"), ("a_published", "hidden")],
)
def test_editor_cannot_add_a_membership_outside_their_agency(client, world, cluster, stakeholder):
    """A membership in another agency's cluster, or of a stakeholder the editor may not see,
    is refused; the hidden stakeholder stays hidden from the API."""
    before = ClusterMembership.objects.count()
    data = {"cluster": getattr(world, cluster).pk, "stakeholder": getattr(world, stakeholder).pk}
    response = editor(client, world).post(admin_url(ClusterMembership, "add"), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert ClusterMembership.objects.count() == before
    client.logout()
    assert client.get(f"/api/stakeholders/{world.hidden.slug}/").status_code == 404


def test_editor_may_link_a_visible_stakeholder_of_another_agency(client, world):
    """A stakeholder of another agency's published cluster may be linked to one's own."""
    data = {"cluster": world.a_draft.pk, "stakeholder": world.b_public_member.pk}
    response = editor(client, world).post(admin_url(ClusterMembership, "add"), data)
    assert response.status_code == 302
    assert world.a_draft.memberships.filter(stakeholder=world.b_public_member).exists()


def test_editor_cannot_move_their_membership_to_another_agencys_draft(client, world):
    """Changing an own membership's cluster to agency B's draft is refused."""
    url = admin_url(ClusterMembership, "change", world.a_membership.pk)
    data = form_data(editor(client, world), url)
    data["cluster"] = str(world.b_draft.pk)
    response = client.post(url, data)
    assert response.status_code == 200
    world.a_membership.refresh_from_db()
    assert world.a_membership.cluster == world.a_draft


def test_editor_cannot_record_a_relationship_in_another_agencys_cluster(client, world):
    """A relationship between agency B's public members in B's cluster is refused."""
    data = {
        "cluster": world.b_published.pk,
        "source": world.b_public_other.pk,
        "target": world.b_public_member.pk,
        "kind": "supplies",
    }
    before = Relationship.objects.count()
    response = editor(client, world).post(admin_url(Relationship, "add"), data)
    assert response.status_code == 200
    assert Relationship.objects.count() == before


def test_inline_cannot_pull_a_hidden_stakeholder_into_an_own_cluster(client, world):
    """The cluster page's membership inline refuses agency B's hidden stakeholder."""
    url = admin_url(Cluster, "change", world.a_published.pk)
    data = form_data(editor(client, world), url)
    total = int(data["memberships-TOTAL_FORMS"])
    data["memberships-TOTAL_FORMS"] = str(total + 1)
    data[f"memberships-{total}-stakeholder"] = str(world.hidden.pk)
    data[f"memberships-{total}-source"] = "probe"
    response = client.post(url, data)
    assert response.status_code == 200
    assert not world.a_published.memberships.filter(stakeholder=world.hidden).exists()


def test_inline_cannot_link_an_own_stakeholder_to_another_agencys_draft(client, world):
    """The stakeholder page's membership inline offers only the editor's own clusters."""
    url = admin_url(Stakeholder, "change", world.a_member.pk)
    data = form_data(editor(client, world), url)
    total = int(data["memberships-TOTAL_FORMS"])
    data["memberships-TOTAL_FORMS"] = str(total + 1)
    data[f"memberships-{total}-cluster"] = str(world.b_draft.pk)
    response = client.post(url, data)
    assert response.status_code == 200
    assert not world.b_draft.memberships.filter(stakeholder=world.a_member).exists()


def test_save_checks_links_even_when_the_form_would_not(world):
    """Behind the choice fields, a save whose foreign key points outside the editor's
    agency is refused (PermissionDenied), and a curator's is not."""
    from django.core.exceptions import PermissionDenied

    from common.admin import check_links

    figure = ClusterFigure(cluster=world.b_published, measure="enterprise_count", value=1)
    with pytest.raises(PermissionDenied):
        check_links(world.people.own_editor, figure)
    check_links(world.people.curator, figure)
    network = Network(cluster=world.a_draft, name="n", joint_action="marketing")
    with pytest.raises(PermissionDenied):
        check_links(world.people.own_editor, network, {"members": [world.hidden]})


# Autocompletes ---------------------------------------------------------------------------


def autocomplete(client, model_name, field_name, term=""):
    app = "clusters" if model_name in ("cluster", "clusterfigure") else "stakeholders"
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app, "model_name": model_name, "field_name": field_name, "term": term},
    )
    if response.status_code != 200:
        return response.status_code
    return {row["text"] for row in json.loads(response.content)["results"]}


@pytest.mark.parametrize(
    "model_name, field_name",
    [("clusterfigure", "cluster"), ("clustermembership", "cluster"), ("relationship", "cluster")],
)
def test_cluster_autocompletes_offer_only_own_clusters(client, world, model_name, field_name):
    """Every cluster autocomplete offers an editor only their agency's clusters."""
    found = autocomplete(editor(client, world), model_name, field_name)
    assert found == {str(world.a_published), str(world.a_draft)}


@pytest.mark.parametrize(
    "model_name, field_name",
    [
        ("clustermembership", "stakeholder"),
        ("relationship", "source"),
        ("relationship", "target"),
        ("network", "members"),
    ],
)
def test_stakeholder_autocompletes_never_offer_a_hidden_stakeholder(
    client, world, model_name, field_name
):
    """Stakeholder autocompletes offer what the editor may see, never agency B's hidden one."""
    found = autocomplete(editor(client, world), model_name, field_name, term="")
    assert str(world.hidden) not in found
    assert {str(world.a_member), str(world.b_public_member)} <= found


@pytest.mark.parametrize("role", ROLES)
def test_cluster_autocomplete_by_role(client, world, role):
    """Each role is offered exactly the clusters it may attach a figure to."""
    found = autocomplete(world.client(client, role), "clusterfigure", "cluster")
    clusters = {
        "anonymous": 302,
        "nobody": 302,
        "other_editor": {world.b_published, world.b_draft},
        "own_editor": {world.a_published, world.a_draft},
        "curator": {world.a_published, world.a_draft, world.b_published, world.b_draft},
    }[role]
    assert found == (clusters if isinstance(clusters, int) else {str(c) for c in clusters})


def test_curator_autocomplete_offers_everything(client, world):
    """A curator's autocompletes are not limited."""
    curator = world.client(client, "curator")
    assert str(world.hidden) in autocomplete(curator, "clustermembership", "stakeholder")
    assert str(world.b_draft) in autocomplete(curator, "clustermembership", "cluster")


def test_autocomplete_is_refused_to_people_without_admin_access(client, world):
    """Anonymous visitors are sent to sign in; nothing is listed."""
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "stakeholders",
            "model_name": "clustermembership",
            "field_name": "stakeholder",
        },
    )
    assert response.status_code == 302


# Status, deletion and reverting: only the workflow changes a status --------------------


def test_editor_cannot_revert_an_archived_cluster_to_its_published_version(client, world):
    """Reverting is a curator's: an editor's POST is refused and the cluster stays archived."""
    cluster = world.a_published
    workflow.cluster_transition(
        cluster=cluster, action=workflow.Action.ARCHIVED, user=world.people.curator
    )
    published = cluster.history.filter(status=PublicationStatus.PUBLISHED).latest("history_id")
    url = reverse("admin:clusters_cluster_simple_history", args=(cluster.pk, published.history_id))
    data = form_data(world.client(client, "curator"), url)
    client.logout()
    response = editor(client, world).post(url, data)
    assert response.status_code == 403
    cluster.refresh_from_db()
    assert cluster.status == PublicationStatus.ARCHIVED


def test_curator_revert_keeps_the_workflow_status(client, world):
    """A curator's revert restores the old fields, not the status, and raises the version."""
    cluster = world.a_published
    old = cluster.history.latest("history_id")
    cluster.description = "A later description"
    cluster.version += 1
    cluster.save()
    workflow.cluster_transition(
        cluster=cluster, action=workflow.Action.ARCHIVED, user=world.people.curator
    )
    version_before = Cluster.objects.get(pk=cluster.pk).version
    url = reverse("admin:clusters_cluster_simple_history", args=(cluster.pk, old.history_id))
    curator = world.client(client, "curator")
    response = curator.post(url, form_data(curator, url))
    assert response.status_code == 302, response.content.decode()[-3000:]
    cluster.refresh_from_db()
    assert cluster.status == PublicationStatus.ARCHIVED
    assert cluster.description == old.description
    assert cluster.version == version_before + 1


def test_status_is_read_only_in_the_admin_for_everyone(client, world):
    """Posting a status with the change form does not change it, even for a curator."""
    url = admin_url(Cluster, "change", world.a_draft.pk)
    curator = world.client(client, "curator")
    data = form_data(curator, url)
    data["status"] = PublicationStatus.PUBLISHED
    assert curator.post(url, data).status_code == 302
    world.a_draft.refresh_from_db()
    assert world.a_draft.status == PublicationStatus.DRAFT


@pytest.mark.parametrize("role", ("own_editor", "curator"))
def test_a_published_cluster_cannot_be_deleted_through_the_admin(client, world, role):
    """As on the site, a cluster that has been public is archived, never deleted."""
    cluster = world.a_published
    user = world.client(client, role)
    assert user.get(admin_url(Cluster, "delete", cluster.pk)).status_code == 403
    assert user.post(admin_url(Cluster, "delete", cluster.pk), {"post": "yes"}).status_code == 403
    response = user.post(
        admin_url(Cluster, "changelist"),
        {"action": "delete_selected", "_selected_action": [cluster.pk], "post": "yes"},
    )
    assert response.status_code in (200, 403)
    assert Cluster.objects.filter(pk=cluster.pk).exists()


def test_an_own_draft_can_be_deleted_through_the_admin(client, world):
    """An editor's draft that was never published may be deleted, as on the site."""
    cluster = world.a_draft
    response = editor(client, world).post(admin_url(Cluster, "delete", cluster.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Cluster.objects.filter(pk=cluster.pk).exists()


# Stale saves -----------------------------------------------------------------------------


def test_stale_cluster_save_in_the_admin_is_refused(client, world):
    """A change form opened before another write cannot overwrite it."""
    from clusters import services

    url = admin_url(Cluster, "change", world.a_published.pk)
    data = form_data(editor(client, world), url)
    services.cluster_update(cluster=world.a_published, data={"description": "Written by the API"})
    data["description"] = "Written in the admin"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Someone else saved this cluster" in response.content.decode()
    world.a_published.refresh_from_db()
    assert world.a_published.description == "Written by the API"
    data = form_data(client, url)
    data["description"] = "Written in the admin"
    assert client.post(url, data).status_code == 302


def test_stale_stakeholder_save_in_the_admin_is_refused(client, world):
    """The stakeholder change form refuses a save over a newer version too."""
    from stakeholders import services

    url = admin_url(Stakeholder, "change", world.a_member.pk)
    data = form_data(world.client(client, "curator"), url)
    services.stakeholder_update(stakeholder=world.a_member, data={"place": "Tundla"})
    data["place"] = "Agra"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Someone else saved this stakeholder" in response.content.decode()
    world.a_member.refresh_from_db()
    assert world.a_member.place == "Tundla"


def test_admin_pages_of_reference_models_render_for_curators(client, world):
    """Each reference model's list renders for a curator (the models have no policy)."""
    curator = world.client(client, "curator")
    for model in (Benchmark, Region, Sector, Agency):
        assert curator.get(admin_url(model, "changelist")).status_code == 200
