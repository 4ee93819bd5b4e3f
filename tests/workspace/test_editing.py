"""The editor and curator pages under /manage/: entering clusters, their figures,
stakeholders and relationships, the workflow, history and merges."""

import pytest
from django.urls import reverse

from clusters import services, workflow
from clusters.choices import PublicationStatus
from clusters.imports import ClusterImporter
from clusters.models import Cluster, ClusterReview, MergeRecord
from common.partial_dates import parse_partial_date
from stakeholders import services as stakeholder_services
from stakeholders.models import ClusterMembership, Relationship, Stakeholder
from tests import factories
from tests.accounts.people import make_people
from workspace.forms import ClusterForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return make_people()


@pytest.fixture
def editor_client(client, people):
    client.force_login(people.own_editor)
    return client


@pytest.fixture
def curator_site(client, people):
    client.force_login(people.curator)
    return client


@pytest.fixture
def draft(people):
    """A draft of agency A with one figure."""
    return factories.ClusterFactory(
        product="Brass ware",
        place="Moradabad",
        region=factories.region("Uttar Pradesh"),
        agency=people.agency_a,
        status=PublicationStatus.DRAFT,
        figures={"enterprise_count": 80},
    )


def url(name, cluster=None, **kwargs):
    if cluster is not None:
        kwargs["slug"] = cluster.slug
    return reverse(f"editing:{name}", kwargs=kwargs or None)


def new_cluster_data(**overrides):
    """Return a complete POST of the new-cluster form."""
    data = {
        "product": "Knitwear",
        "place": "Ludhiana",
        "district": "Ludhiana",
        "state": "Punjab",
        "country": "IN",
        "cluster_type": "industrial",
        "sector": "Textiles",
        "enterprise_count": "12,000",
        "loom_count": "",
        "artisan_count": "",
        "employment": "2,00,000",
        "annual_turnover": "",
        "annual_exports": "",
        "currency": "INR",
        "figures_year": "2015-16",
        "source": "Diagnostic study 2016",
        "origin": "natural",
        "structure": "horizontal",
        "stage": "maturity",
        "exporting": "yes",
        "description": "",
        "latitude": "",
        "longitude": "",
    }
    data.update(overrides)
    return data


def edit_data(cluster, **overrides):
    """Return a POST of the edit form as it was shown for `cluster`, with `overrides`."""
    initial = ClusterForm.initial_for(cluster)
    initial.pop("agency")
    data = {name: "" if value is None else str(value) for name, value in initial.items()}
    for name in ("enterprise_count", "loom_count", "artisan_count", "employment"):
        data[name] = ""
    data.update(annual_turnover="", annual_exports="", figures_year="", source="")
    data.update(overrides)
    return data


def page(response):
    return response.content.decode()


# Entering a cluster -----------------------------------------------------------------------


def test_editor_enters_a_draft_of_their_agency_with_figures_and_provenance(editor_client, people):
    """A new cluster of an editor belongs to their agency, starts as a draft, and keeps the
    figures with their year and source; the history names the editor and the path."""
    response = editor_client.post(url("cluster_create"), new_cluster_data())
    cluster = Cluster.objects.get(product="Knitwear")
    assert response.status_code == 302
    assert response["Location"] == url("cluster_detail", cluster)
    assert cluster.agency == people.agency_a
    assert cluster.status == PublicationStatus.DRAFT
    assert cluster.region.name == "Punjab" and cluster.sector.name == "Textiles"
    assert cluster.enterprise_count == 12000 and cluster.employment == 200000
    assert cluster.exporting is True
    figure = cluster.figures.get(measure="enterprise_count")
    assert (figure.year, figure.source, figure.estimated) == (
        "2015-16",
        "Diagnostic study 2016",
        False,
    )
    record = cluster.history.earliest()
    assert record.history_user == people.own_editor
    assert record.history_change_reason.startswith("site: new cluster #")


def test_invalid_cluster_is_refused_with_errors_at_the_fields_and_a_summary(editor_client):
    """Errors appear next to their fields and in a summary linking to them, and what was
    typed stays in the form."""
    data = new_cluster_data(
        cluster_type="",
        enterprise_count="-5",
        employment="lots",
        figures_year="1850",
        state="Atlantis",
        latitude="123",
    )
    response = editor_client.post(url("cluster_create"), data)
    body = page(response)
    assert response.status_code == 200
    assert not Cluster.objects.filter(product="Knitwear").exists()
    assert "There is a problem" in body
    for field_id in ("id_cluster_type", "id_enterprise_count", "id_employment", "id_state"):
        assert f'href="#{field_id}"' in body
        assert f'id="{field_id}_error"' in body
    assert "-5 is negative: a count is 0 or more." in body
    assert "1850 is not a plausible year." in body
    assert "is not a state or union territory of India" in body
    assert "outside -90 to 90 degrees" in body
    # What was typed is kept.
    assert 'value="Knitwear"' in body and 'value="lots"' in body and 'value="Atlantis"' in body
    assert 'aria-invalid="true"' in body


def test_a_product_and_place_that_exist_already_point_at_the_existing_record(editor_client, draft):
    """The same product and place (any case, extra spaces) is refused, naming the record and
    linking to it."""
    data = new_cluster_data(
        product="  brass   WARE ", place="moradabad", state="UP", district="", sector=""
    )
    response = editor_client.post(url("cluster_create"), data)
    body = page(response)
    assert response.status_code == 200
    assert Cluster.objects.count() == 1
    assert "The registry has this cluster already" in body
    assert str(draft) in body
    assert f'href="{url("cluster_detail", draft)}"' in body


def test_a_duplicate_of_another_agencys_draft_is_refused_without_naming_it(editor_client, people):
    """Another agency's draft is still a duplicate, but the editor is told only that one
    exists and a curator can help: not its name, address or agency."""
    theirs = factories.ClusterFactory(
        product="Locks", place="Aligarh", agency=people.agency_b, status="draft"
    )
    response = editor_client.post(
        url("cluster_create"),
        new_cluster_data(product="locks", place="aligarh", state="West Bengal"),
    )
    body = page(response)
    assert response.status_code == 200 and Cluster.objects.count() == 1
    assert (
        "A cluster with this product and place already exists and is maintained by another "
        "agency; a curator can help."
    ) in body
    assert "The registry has this cluster already" not in body
    for revealing in (theirs.slug, theirs.get_absolute_url(), str(theirs), "Agency B"):
        assert revealing not in body, revealing


def test_a_duplicate_of_another_agencys_published_cluster_is_named(editor_client, people):
    """A published cluster is public: the editor is told which it is and where it is."""
    theirs = factories.ClusterFactory(
        product="Locks", place="Aligarh", agency=people.agency_b, status="published"
    )
    body = page(
        editor_client.post(
            url("cluster_create"),
            new_cluster_data(product="Locks", place="Aligarh", state="West Bengal"),
        )
    )
    assert "The registry has this cluster already" in body
    assert f'href="{theirs.get_absolute_url()}"' in body


def test_a_curator_chooses_the_agency_of_a_new_cluster(curator_site, people):
    """Curators have no agency of their own: they pick the owner."""
    data = new_cluster_data(agency=str(people.agency_b.pk))
    assert curator_site.post(url("cluster_create"), data).status_code == 302
    cluster = Cluster.objects.get(product="Knitwear")
    assert cluster.agency == people.agency_b and cluster.status == PublicationStatus.DRAFT


def test_an_editor_cannot_choose_another_agency(editor_client, people):
    """An `agency` sent by an editor is ignored: the cluster is their agency's."""
    data = new_cluster_data(agency=str(people.agency_b.pk))
    editor_client.post(url("cluster_create"), data)
    assert Cluster.objects.get(product="Knitwear").agency == people.agency_a


# Editing ------------------------------------------------------------------------------------


def test_the_edit_form_shows_the_record_and_its_version(editor_client, draft):
    """The form opens with the stored values and the version it shows, hidden."""
    body = page(editor_client.get(url("cluster_edit", draft)))
    assert 'value="Brass ware"' in body
    assert f'name="version" value="{draft.version}"' in body
    assert "1 figure recorded so far" in body


def test_editing_saves_through_the_services_and_records_new_figures(editor_client, draft):
    """A change and new figures are saved; the version rises; the classification follows."""
    version = draft.version
    data = edit_data(
        draft,
        district="Moradabad",
        enterprise_count="120",
        figures_year="2019",
        source="Survey 2019",
        estimated="on",
    )
    response = editor_client.post(url("cluster_edit", draft), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.district == "Moradabad"
    assert draft.enterprise_count == 120
    assert draft.classification_status == "qualifies"
    assert draft.version > version
    assert draft.figures.count() == 2
    assert draft.figures.get(year="2019").estimated is True


def test_saving_an_unchanged_form_says_nothing_changed(editor_client, draft):
    """An unchanged form writes nothing."""
    version = draft.version
    response = editor_client.post(url("cluster_edit", draft), edit_data(draft), follow=True)
    assert "Nothing changed" in page(response)
    draft.refresh_from_db()
    assert draft.version == version


def test_a_stale_form_is_refused_and_keeps_what_was_typed(editor_client, draft, people):
    """When someone saved after the form was opened, the save is refused with a clear
    message, nothing is written, and the user's typing stays in the form."""
    opened = edit_data(draft, district="Typed by me", enterprise_count="99")
    services.cluster_update(cluster=draft, data={"description": "Someone else's change"})
    response = editor_client.post(url("cluster_edit", draft), opened)
    body = page(response)
    assert response.status_code == 200
    assert "Someone else saved this cluster after you opened it" in body
    assert 'value="Typed by me"' in body and 'value="99"' in body
    draft.refresh_from_db()
    assert draft.district == "" and draft.description == "Someone else's change"
    assert draft.figures.count() == 1


def test_renaming_onto_an_existing_cluster_is_refused(editor_client, draft, people):
    """Editing can no more create a duplicate than entering can."""
    other = factories.ClusterFactory(
        product="Glassware", place="Firozabad", agency=people.agency_a, status="draft"
    )
    data = edit_data(other, product="Brass ware", place="Moradabad", state="Uttar Pradesh")
    body = page(editor_client.post(url("cluster_edit", other), data))
    assert "The registry has this cluster already" in body
    other.refresh_from_db()
    assert other.product == "Glassware"


# Stakeholders of a cluster --------------------------------------------------------------------


@pytest.fixture
def shared_bank(people):
    """A bank that belongs to another agency's published cluster."""
    bank = factories.StakeholderFactory(name="State Bank of India", kind="institution")
    theirs = factories.ClusterFactory(
        product="Locks", place="Aligarh", agency=people.agency_b, status="published"
    )
    factories.MembershipFactory(cluster=theirs, stakeholder=bank)
    return bank


def test_search_finds_an_existing_stakeholder_to_link(editor_client, draft, shared_bank):
    """Searching by a word of the name finds the bank another cluster already has."""
    body = page(editor_client.get(url("cluster_stakeholders", draft) + "?q=bank"))
    assert "State Bank of India" in body
    assert "Link to this cluster" in body


def test_search_does_not_show_what_the_editor_may_not_see(editor_client, draft, people):
    """A stakeholder known only from another agency's draft does not turn up."""
    hidden = factories.StakeholderFactory(name="Secret Supplier", kind="supplier")
    theirs = factories.ClusterFactory(
        product="Locks", place="Aligarh", agency=people.agency_b, status="draft"
    )
    factories.MembershipFactory(cluster=theirs, stakeholder=hidden)
    body = page(editor_client.get(url("cluster_stakeholders", draft) + "?q=secret"))
    assert "Secret Supplier" not in body


def test_linking_an_existing_stakeholder_adds_a_membership_not_a_record(
    editor_client, draft, shared_bank
):
    """Linking makes the same record a member; no second bank is created."""
    response = editor_client.post(
        url("stakeholder_link", draft), {"stakeholder": shared_bank.slug, "source": "Visit"}
    )
    assert response.status_code == 302
    assert Stakeholder.objects.filter(name="State Bank of India").count() == 1
    membership = ClusterMembership.objects.get(cluster=draft, stakeholder=shared_bank)
    assert membership.source == "Visit"


def test_linking_a_stakeholder_the_editor_may_not_see_is_refused(editor_client, draft, people):
    """A crafted link to a hidden stakeholder is an error, not a membership."""
    hidden = factories.StakeholderFactory(name="Secret Supplier", kind="supplier")
    theirs = factories.ClusterFactory(
        product="Locks", place="Aligarh", agency=people.agency_b, status="draft"
    )
    factories.MembershipFactory(cluster=theirs, stakeholder=hidden)
    response = editor_client.post(url("stakeholder_link", draft), {"stakeholder": hidden.slug})
    assert response.status_code == 200
    assert "not one you can link" in page(response)
    assert not ClusterMembership.objects.filter(cluster=draft, stakeholder=hidden).exists()


def test_entering_a_new_stakeholder_creates_and_links_it(editor_client, draft, people):
    """A new stakeholder is created with its role and linked; the history names the editor."""
    data = {
        "name": "Moradabad Brass Exporters",
        "kind": "enterprise",
        "role": "exporter",
        "state": "Uttar Pradesh",
        "country": "IN",
        "source": "Diagnostic study",
    }
    response = editor_client.post(url("stakeholder_create", draft), data)
    assert response.status_code == 302
    stakeholder = Stakeholder.objects.get(name="Moradabad Brass Exporters")
    assert stakeholder.role == "exporter" and stakeholder.region.name == "Uttar Pradesh"
    assert ClusterMembership.objects.filter(cluster=draft, stakeholder=stakeholder).exists()
    assert stakeholder.history.earliest().history_user == people.own_editor


def test_a_role_of_another_kind_and_a_duplicate_name_are_refused(editor_client, draft, shared_bank):
    """Role must fit the kind; a name + kind that exists offers the existing record."""
    response = editor_client.post(
        url("stakeholder_create", draft),
        {"name": "Brass Maker", "kind": "supplier", "role": "exporter", "country": "IN"},
    )
    assert "is not a role of a supplier" in page(response)
    response = editor_client.post(
        url("stakeholder_create", draft),
        {"name": "state bank of  india", "kind": "institution", "country": "IN"},
    )
    body = page(response)
    assert "The registry has this stakeholder already" in body
    assert "Link the existing record instead" in body
    assert 'value="state bank of  india"' in body
    assert Stakeholder.objects.filter(kind="institution").count() == 1


def test_removing_a_member_removes_its_relationships_in_the_cluster(editor_client, draft):
    """A relationship needs both ends in the cluster, so removing a member removes them."""
    relationship = factories.RelationshipFactory(cluster=draft)
    membership = ClusterMembership.objects.get(cluster=draft, stakeholder=relationship.source)
    body = page(editor_client.get(url("cluster_stakeholders", draft)))
    assert "(and its 1 relationship)" in body
    response = editor_client.post(url("membership_remove", draft, pk=membership.pk))
    assert response.status_code == 302
    assert not ClusterMembership.objects.filter(pk=membership.pk).exists()
    assert not Relationship.objects.filter(pk=relationship.pk).exists()
    assert Stakeholder.objects.filter(pk=relationship.source.pk).exists()


def test_editing_a_stakeholder_refuses_a_stale_form(editor_client, draft):
    """The stakeholder edit page saves through stakeholder_update with the version shown."""
    stakeholder = factories.StakeholderFactory(name="Local Dyers", kind="supplier")
    factories.MembershipFactory(cluster=draft, stakeholder=stakeholder)
    edit_url = url("stakeholder_edit", slug=stakeholder.slug)
    base = {"name": "Local Dyers", "kind": "supplier", "country": "IN"}
    body = page(editor_client.get(edit_url))
    assert f'name="version" value="{stakeholder.version}"' in body
    response = editor_client.post(edit_url, {**base, "phone": "0591 1", "version": 1})
    assert response.status_code == 302
    response = editor_client.post(edit_url, {**base, "phone": "0591 2", "version": 1})
    assert "Someone else saved this stakeholder" in page(response)
    stakeholder.refresh_from_db()
    assert stakeholder.phone == "0591 1"


# Relationships ------------------------------------------------------------------------------


@pytest.fixture
def members(draft):
    bank = factories.StakeholderFactory(name="Bank", kind="institution")
    maker = factories.StakeholderFactory(name="Maker", kind="enterprise")
    for stakeholder in (bank, maker):
        factories.MembershipFactory(cluster=draft, stakeholder=stakeholder)
    return bank, maker


def test_recording_and_removing_a_relationship(editor_client, draft, members):
    """A relationship between two members is recorded, listed, and removed."""
    bank, maker = members
    data = {"source": bank.pk, "kind": "finances", "target": maker.pk, "since": "2015"}
    response = editor_client.post(url("cluster_relationships", draft), data)
    assert response.status_code == 302
    relationship = Relationship.objects.get(cluster=draft)
    assert (relationship.source, relationship.kind, relationship.target) == (
        bank,
        "finances",
        maker,
    )
    assert (relationship.since_partial.iso(), relationship.since_precision) == ("2015", "year")
    assert "Bank" in page(editor_client.get(url("cluster_relationships", draft)))
    editor_client.post(url("relationship_remove", draft, pk=relationship.pk))
    assert not Relationship.objects.filter(cluster=draft).exists()


def test_relationship_rules_are_the_services(editor_client, draft, members):
    """Self-links, duplicates, dates out of order and non-members are refused, and what
    was typed stays."""
    bank, maker = members
    post = url("cluster_relationships", draft)
    body = page(editor_client.post(post, {"source": bank.pk, "kind": "trains", "target": bank.pk}))
    assert "cannot have a relationship with itself" in body
    editor_client.post(post, {"source": bank.pk, "kind": "trains", "target": maker.pk})
    body = page(editor_client.post(post, {"source": bank.pk, "kind": "trains", "target": maker.pk}))
    assert "This relationship is recorded already." in body
    body = page(
        editor_client.post(
            post,
            {
                "source": maker.pk,
                "kind": "supplies",
                "target": bank.pk,
                "since": "2020",
                "until": "2010",
                "provenance": "my note",
            },
        )
    )
    assert "must not be before" in body and 'value="my note"' in body
    outsider = factories.StakeholderFactory(name="Outsider")
    body = page(
        editor_client.post(post, {"source": outsider.pk, "kind": "trains", "target": bank.pk})
    )
    assert "Select a valid choice" in body
    assert Relationship.objects.filter(cluster=draft).count() == 1


# Workflow -----------------------------------------------------------------------------------


def test_submit_approve_and_publish(editor_client, client, draft, people):
    """An editor submits; the cluster waits in the curator's queue; approval publishes it."""
    response = editor_client.post(url("cluster_submit", draft))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.SUBMITTED
    client.force_login(people.curator)
    queue = page(client.get(url("review_queue")))
    assert str(draft) in queue and "Approve and publish" in queue
    response = client.post(
        url("cluster_review", draft), {"action": "approved", "return_to": "queue"}
    )
    assert response["Location"] == url("review_queue")
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.PUBLISHED
    assert list(draft.reviews.values_list("action", flat=True)) == ["approved", "submitted"]


def test_submitting_twice_says_why_not(editor_client, draft):
    """A submitted cluster cannot be submitted again: the message says so."""
    editor_client.post(url("cluster_submit", draft))
    response = editor_client.post(url("cluster_submit", draft), follow=True)
    assert "A submitted cluster cannot be submitted for review" in page(response)


def test_rejecting_needs_a_comment_and_the_editor_sees_it(editor_client, client, draft, people):
    """A rejection without a comment is refused next to the comment field; with one, the
    cluster returns to draft and the editor reads the comment on their list and page."""
    workflow.cluster_transition(cluster=draft, action="submitted", user=people.own_editor)
    client.force_login(people.curator)
    response = client.post(
        url("cluster_review", draft), {"action": "rejected", "comment": "  ", "return_to": "queue"}
    )
    body = page(response)
    assert response.status_code == 200
    assert "Say why the cluster is returned to draft." in body
    assert f'id="id_comment_{draft.pk}_error"' in body
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.SUBMITTED
    client.post(
        url("cluster_review", draft),
        {"action": "rejected", "comment": "Give the source of the enterprise count."},
    )
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.DRAFT
    for address in (url("cluster_list"), url("cluster_detail", draft)):
        body = page(editor_client.get(address))
        assert "Give the source of the enterprise count." in body
        assert "Returned to draft" in body


def test_archive_and_restore(curator_site, draft):
    """A curator archives a cluster (hidden from the public) and restores it to draft."""
    curator_site.post(url("cluster_review", draft), {"action": "archived"})
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.ARCHIVED
    curator_site.post(url("cluster_review", draft), {"action": "restored"})
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.DRAFT


def test_a_draft_can_be_deleted_but_a_published_cluster_cannot(editor_client, draft, people):
    """Deleting is for mistakes: a draft goes; a cluster once published must be archived."""
    assert "Delete this draft" in page(editor_client.get(url("cluster_detail", draft)))
    assert editor_client.post(url("cluster_delete", draft)).status_code == 302
    assert not Cluster.objects.filter(pk=draft.pk).exists()
    published = factories.ClusterFactory(agency=people.agency_a, status="published")
    response = editor_client.post(url("cluster_delete", published), follow=True)
    assert "ask a curator to archive" in page(response)
    assert Cluster.objects.filter(pk=published.pk).exists()


def test_cluster_delete_refuses_a_draft_that_was_published_before(draft, people):
    """A cluster returned to draft after publication is not deletable either."""
    from django.core.exceptions import ValidationError

    workflow.cluster_transition(cluster=draft, action="approved", user=people.curator)
    workflow.cluster_transition(cluster=draft, action="rejected", user=people.curator, comment="x")
    with pytest.raises(ValidationError):
        services.cluster_delete(cluster=draft)


# History -------------------------------------------------------------------------------------


def test_history_shows_who_when_why_and_the_differences(editor_client, draft, people):
    """Each record of the cluster and of its figures, members and relationships is listed
    with its author, reason and changed fields as old → new."""
    editor_client.post(url("cluster_edit", draft), edit_data(draft, product="Brass artware"))
    factories.RelationshipFactory(cluster=draft)
    workflow.cluster_transition(cluster=draft, action="submitted", user=people.own_editor)
    body = page(editor_client.get(url("cluster_history", draft)))
    assert "site: edit #" in body
    assert "Product:</span> <del>Brass ware</del>" in body and "<ins>Brass artware</ins>" in body
    assert "Publication status:</span> <del>Draft</del>" in body and "<ins>Submitted</ins>" in body
    assert "workflow: Submitted for review" in body
    assert "Member: Stakeholder" in body and "Relationship: Stakeholder" in body
    assert "Figure: enterprises 80" in body
    assert people.own_editor.username in body


def test_history_shows_a_relationship_date_as_typed(editor_client, draft):
    """A date retyped from 2018 to March 2018 is one change, "Since: 2018 → March 2018",
    not a first day and a precision apart."""
    relationship = factories.RelationshipFactory(cluster=draft, since="2018")
    stakeholder_services.relationship_update(
        relationship=relationship, data={"since": parse_partial_date("2018-03")}
    )
    body = page(editor_client.get(url("cluster_history", draft)))
    assert "Since:</span> <del>2018</del>" in body and "<ins>March 2018</ins>" in body
    assert "precision" not in body and "2018-01-01" not in body


def test_history_shows_an_import_change_set(editor_client, draft):
    """An import's rows carry its change set: file name and id."""
    csv = (
        "product,place,state,cluster_type,enterprise_count,figures_year,source\n"
        "Brass ware,Moradabad,Uttar Pradesh,handicraft,150,2020,Census\n"
    )
    result = ClusterImporter().run(csv.encode(), reason="import_clusters brass.csv")
    assert result.ok, result.errors
    body = page(editor_client.get(url("cluster_history", draft)))
    assert f"import_clusters brass.csv #{result.change_set_id}" in body
    assert "Cluster type:</span> <del>Industrial</del>" in body


# Merges -------------------------------------------------------------------------------------


def test_curator_merges_two_duplicate_clusters(curator_site, draft, people):
    """Pick two clusters by slug, compare, keep one: the other's figures move to it."""
    duplicate = factories.ClusterFactory(
        product="Brass wares",
        place="Moradabad",
        agency=people.agency_a,
        status="draft",
        figures={"employment": 5000},
    )
    address = url("cluster_merge")
    body = page(curator_site.get(address, {"first": draft.slug, "second": duplicate.slug}))
    assert "Choose the record that survives" in body and str(duplicate) in body
    response = curator_site.post(
        address, {"first": draft.slug, "second": duplicate.slug, "survivor": "first"}
    )
    assert response.status_code == 302
    assert not Cluster.objects.filter(pk=duplicate.pk).exists()
    draft.refresh_from_db()
    assert draft.employment == 5000
    assert MergeRecord.objects.get().user == people.curator


def test_merge_form_reports_unknown_and_identical_records(curator_site, draft):
    """A slug that names nothing, or the same record twice, is an error at the field."""
    body = page(curator_site.get(url("cluster_merge"), {"first": draft.slug, "second": "nope"}))
    assert "No cluster has the slug “nope”." in body
    body = page(curator_site.get(url("cluster_merge"), {"first": draft.slug, "second": draft.slug}))
    assert "cannot merge into itself" in body


def test_curator_merges_two_duplicate_stakeholders(curator_site, draft):
    """The duplicate's memberships move to the survivor."""
    kept = factories.StakeholderFactory(name="SIDBI", kind="institution")
    dupe = factories.StakeholderFactory(name="S.I.D.B.I.", kind="institution")
    factories.MembershipFactory(cluster=draft, stakeholder=dupe)
    response = curator_site.post(
        url("stakeholder_merge"), {"first": kept.slug, "second": dupe.slug, "survivor": "first"}
    )
    assert response.status_code == 302
    assert not Stakeholder.objects.filter(pk=dupe.pk).exists()
    assert ClusterMembership.objects.filter(cluster=draft, stakeholder=kept).exists()


# Lists stay fast -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["cluster_list", "review_queue"])
def test_list_query_count_is_the_same_for_1_and_20_clusters(curator_site, people, name):
    """The lists join what they show: the query count does not grow with the rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def make(n):
        for _ in range(n):
            cluster = factories.ClusterFactory(agency=people.agency_a, status="draft")
            workflow.cluster_transition(cluster=cluster, action="submitted", user=people.curator)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert curator_site.get(url(name)).status_code == 200
        return len(queries)

    make(1)
    one = count()
    make(19)
    assert count() == one


def test_stakeholder_and_history_pages_query_count_does_not_grow(editor_client, draft):
    """The stakeholders, relationships and history pages cost the same for 2 or 12 members."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(name):
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(url(name, draft)).status_code == 200
        return len(queries)

    factories.RelationshipFactory(cluster=draft)
    before = {name: count(name) for name in ("cluster_stakeholders", "cluster_relationships")}
    for _ in range(5):
        factories.RelationshipFactory(cluster=draft)
    after = {name: count(name) for name in ("cluster_stakeholders", "cluster_relationships")}
    assert before == after


def test_every_editor_page_renders_for_a_curator(curator_site, draft):
    """Each page of a cluster renders (no template or query errors)."""
    factories.RelationshipFactory(cluster=draft)
    for name in (
        "cluster_detail",
        "cluster_edit",
        "cluster_stakeholders",
        "cluster_relationships",
        "cluster_history",
        "cluster_delete",
    ):
        assert curator_site.get(url(name, draft)).status_code == 200, name
    for name in ("cluster_list", "cluster_create", "review_queue", "cluster_merge"):
        assert curator_site.get(url(name)).status_code == 200, name
    assert curator_site.get(url("stakeholder_merge")).status_code == 200
    assert curator_site.get(reverse("editing:home")).status_code == 302


def test_review_records_are_kept(draft, people):
    """Each workflow step is a ClusterReview with its user."""
    workflow.cluster_transition(cluster=draft, action="submitted", user=people.own_editor)
    assert ClusterReview.objects.get(cluster=draft).user == people.own_editor


def test_a_relationship_date_is_taken_and_shown_as_typed(editor_client, draft, members):
    """ "2018-03" is recorded as March 2018 and listed so; a form sent back keeps what was
    typed, and until=2018-02 before since=2018-03 is refused on the until field."""
    bank, maker = members
    post = url("cluster_relationships", draft)
    data = {"source": bank.pk, "kind": "finances", "target": maker.pk, "since": "2018-03"}

    assert editor_client.post(post, data).status_code == 302
    relationship = Relationship.objects.get(cluster=draft)
    assert (relationship.since_partial.iso(), relationship.since_precision) == (
        "2018-03",
        "month",
    )
    listed = page(editor_client.get(post))
    assert "March 2018" in listed and "2018-03-01" not in listed

    refused = page(editor_client.post(post, {**data, "kind": "trains", "until": "2018-02"}))
    assert "must not be before" in refused
    assert 'value="2018-03"' in refused and 'value="2018-02"' in refused
    bad = page(editor_client.post(post, {**data, "kind": "trains", "since": "2018-13"}))
    assert "has no month 13" in bad and 'value="2018-13"' in bad
    assert Relationship.objects.filter(cluster=draft).count() == 1
