"""The editor and curator pages of development initiatives under /manage/: enter an
initiative, its study (with documents), its plan, targets and measurements; submit; a
curator publishes or returns it; every path refuses another agency (404) and anonymous
users (sign in)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters.choices import PublicationStatus
from programmes import revisions
from programmes.models import (
    DiagnosticStudy,
    IndicatorMeasurement,
    IndicatorTarget,
    Initiative,
    PlanActivity,
    StudyDocument,
)
from tests import factories
from tests.accounts.people import make_people

pytestmark = pytest.mark.django_db

PUBLISHED = PublicationStatus.PUBLISHED


@pytest.fixture(autouse=True)
def _study_documents_in_tmp(settings, tmp_path):
    settings.REGISTRY_STUDY_DOCUMENT_DIR = str(tmp_path / "study-documents")


@pytest.fixture
def people(db):
    return make_people()


@pytest.fixture
def cluster(people):
    return factories.ClusterFactory(
        product="Knitwear",
        place="Ludhiana",
        region=factories.region("Punjab"),
        agency=people.agency_a,
        status=PUBLISHED,
    )


@pytest.fixture
def initiative(people, cluster):
    """A draft initiative of agency A with a study and one document."""
    initiative = factories.InitiativeFactory(
        cluster=cluster, agency=people.agency_a, title="Ludhiana knitwear development"
    )
    study = factories.DiagnosticStudyFactory(initiative=initiative)
    factories.StudyDocumentFactory(study=study, title="Diagnostic study report")
    return initiative


def url(name, initiative=None, **kwargs):
    if initiative is not None:
        kwargs["slug"] = initiative.slug
    return reverse(f"initiatives:{name}", kwargs=kwargs or None)


def signed_in(client, user):
    client.force_login(user)
    return client


# Permissions on every path ---------------------------------------------------------------


PAGES = [
    ("initiative_detail", {}),
    ("initiative_edit", {}),
    ("study_edit", {}),
    ("document_upload", {}),
    ("activity_create", {}),
    ("target_create", {}),
    ("measurement_create", {}),
]


@pytest.mark.parametrize(("name", "extra"), PAGES)
def test_anonymous_users_are_sent_to_sign_in(client, initiative, name, extra):
    response = client.get(url(name, initiative, **extra))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("name", "extra"), PAGES)
def test_another_agencys_initiative_is_not_found(client, people, initiative, name, extra):
    """An editor of agency B finds nothing of agency A's initiative, by any address."""
    signed_in(client, people.other_editor)
    assert client.get(url(name, initiative, **extra)).status_code == 404
    if name != "initiative_detail":
        assert client.post(url(name, initiative, **extra), {"title": "x"}).status_code == 404


@pytest.mark.parametrize(("name", "extra"), PAGES)
def test_the_own_agencys_editor_and_a_curator_open_every_page(
    client, people, initiative, name, extra
):
    for user in (people.own_editor, people.curator):
        signed_in(client, user)
        assert client.get(url(name, initiative, **extra)).status_code == 200, user


def test_submit_and_review_refuse_another_agency_and_an_editor_cannot_publish(
    client, people, initiative
):
    signed_in(client, people.other_editor)
    assert client.post(url("initiative_submit", initiative)).status_code == 404
    signed_in(client, people.own_editor)
    response = client.post(url("initiative_review", initiative), {"action": "publish"})
    assert response.status_code in (403, 404)
    initiative.refresh_from_db()
    assert initiative.status == PublicationStatus.DRAFT


def test_a_user_without_an_agency_or_role_is_refused(client, people, initiative):
    signed_in(client, people.nobody)
    assert client.get(url("initiative_list")).status_code == 403
    assert client.get(url("initiative_detail", initiative)).status_code == 403


# Study documents --------------------------------------------------------------------------


def test_the_document_is_downloaded_by_its_agency_and_curators_only(client, people, initiative):
    """The file goes to the owning agency's editors and to curators; another agency and
    the public get nothing, and the public page shows the title only."""
    document = StudyDocument.objects.get(study__initiative=initiative)
    address = url("document_download", initiative, pk=document.pk)
    for user in (people.own_editor, people.curator):
        signed_in(client, user)
        response = client.get(address)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert "attachment" in response["Content-Disposition"]
        assert "no-store" in response["Cache-Control"]
    client.logout()
    assert client.get(address).status_code == 302  # to sign in
    signed_in(client, people.other_editor)
    assert client.get(address).status_code == 404


def test_a_document_is_uploaded_and_a_forbidden_type_is_refused(client, people, initiative):
    signed_in(client, people.own_editor)
    response = client.post(
        url("document_upload", initiative),
        {
            "title": "Cluster map",
            "file": SimpleUploadedFile("map.pdf", b"%PDF-1.4 map", "application/pdf"),
        },
    )
    assert response.status_code == 302
    assert StudyDocument.objects.filter(title="Cluster map").exists()
    response = client.post(
        url("document_upload", initiative),
        {
            "title": "A script",
            "file": SimpleUploadedFile("run.exe", b"MZ\x90\x00", "application/octet-stream"),
        },
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not StudyDocument.objects.filter(title="A script").exists()


# Entering an initiative -------------------------------------------------------------------


def test_an_editor_records_an_initiative_as_a_draft_of_their_agency(client, people, cluster):
    signed_in(client, people.own_editor)
    response = client.get(url("initiative_create") + f"?cluster={cluster.slug}")
    assert response.status_code == 200
    assert 'name="agency"' not in response.content.decode()  # an editor's is their agency's
    response = client.post(
        url("initiative_create"),
        {
            "cluster": cluster.pk,
            "title": "Knitwear MSE-CDP",
            "scheme": factories.scheme("mse-cdp").pk,
            "development_agent_name": "R. Singh",
            "stage": "diagnostic_study",
            "sanctioned_amount": "135000000",
            "currency": "INR",
        },
    )
    initiative = Initiative.objects.get(title="Knitwear MSE-CDP")
    assert response.status_code == 302
    assert response["Location"] == url("initiative_detail", initiative)
    assert initiative.agency == people.agency_a
    assert initiative.status == PublicationStatus.DRAFT
    assert initiative.history.first().history_user == people.own_editor


def test_an_editor_cannot_start_an_initiative_in_another_agencys_draft_cluster(client, people):
    other = factories.ClusterFactory(agency=people.agency_b, status=PublicationStatus.DRAFT)
    signed_in(client, people.own_editor)
    response = client.post(
        url("initiative_create"),
        {
            "cluster": other.pk,
            "title": "Not ours",
            "scheme": factories.scheme("mse-cdp").pk,
            "stage": "diagnostic_study",
            "currency": "INR",
        },
    )
    assert response.status_code == 200
    assert not Initiative.objects.filter(title="Not ours").exists()


def test_the_study_plan_target_and_measurement_are_recorded(client, people, initiative):
    """Each part's form saves through the services; errors stay next to their field."""
    member = factories.StakeholderFactory(name="Knitwear Club", kind="association")
    factories.MembershipFactory(stakeholder=member, cluster=initiative.cluster)
    signed_in(client, people.own_editor)
    response = client.post(
        url("study_edit", initiative),
        {
            "industrial_scenario": "Ludhiana makes most of India's woollen knitwear.",
            "consulted": [member.pk],
        },
    )
    assert response.status_code == 302
    study = DiagnosticStudy.objects.get(initiative=initiative)
    assert list(study.consulted.all()) == [member]
    response = client.post(
        url("activity_create", initiative),
        {
            "title": "Exposure visit to Tirupur",
            "horizon": "short",
            "intervention": "soft",
            "activity_type": "exposure_visit",
            "status": "planned",
            "cost": "400000",
            "currency": "INR",
            "responsible": [member.pk],
        },
    )
    assert response.status_code == 302
    activity = PlanActivity.objects.get(title="Exposure visit to Tirupur")
    assert list(activity.responsible.all()) == [member]
    indicator = factories.indicator("new-markets")
    response = client.post(
        url("target_create", initiative),
        {
            "indicator": indicator.pk,
            "baseline_year": "2019-20",
            "baseline_value": "2",
            "target_year": "2025",
            "target_value": "8",
        },
    )
    assert response.status_code == 302
    target = IndicatorTarget.objects.get(initiative=initiative)
    assert (target.baseline_year, target.baseline_fiscal) == (2019, True)
    response = client.post(
        url("measurement_create", initiative),
        {"indicator": indicator.pk, "year": "2023-25", "value": "5"},
    )
    assert response.status_code == 200
    assert "not a fiscal year" in response.content.decode()
    response = client.post(
        url("measurement_create", initiative),
        {"indicator": indicator.pk, "year": "2023-24", "value": "5", "source": "Progress report"},
    )
    assert response.status_code == 302
    measurement = IndicatorMeasurement.objects.get(cluster=initiative.cluster)
    assert (measurement.year, measurement.fiscal, measurement.initiative) == (
        2023,
        True,
        initiative,
    )
    page = client.get(url("initiative_detail", initiative)).content.decode()
    assert "Exposure visit to Tirupur" in page and "<svg" in page and "Progress report" in page


# Workflow ---------------------------------------------------------------------------------


def test_submit_then_a_curator_publishes_from_the_review_queue(client, people, initiative):
    signed_in(client, people.own_editor)
    client.post(url("initiative_submit", initiative))
    initiative.refresh_from_db()
    assert initiative.status == PublicationStatus.SUBMITTED
    signed_in(client, people.curator)
    queue = client.get(reverse("editing:review_queue")).content.decode()
    assert "Submitted development initiatives" in queue and initiative.title in queue
    response = client.post(
        url("initiative_review", initiative), {"action": "publish", "return_to": "queue"}
    )
    assert response["Location"] == reverse("editing:review_queue")
    initiative.refresh_from_db()
    assert initiative.status == PUBLISHED
    assert client.get(initiative.get_absolute_url()).status_code == 200


def test_returning_needs_a_comment_which_the_editor_then_sees(client, people, initiative):
    signed_in(client, people.own_editor)
    client.post(url("initiative_submit", initiative))
    signed_in(client, people.curator)
    response = client.post(url("initiative_review", initiative), {"action": "return"})
    assert response.status_code == 200
    assert "Say what the agency should correct." in response.content.decode()
    client.post(
        url("initiative_review", initiative),
        {"action": "return", "comment": "Add the sanctioned amount."},
    )
    initiative.refresh_from_db()
    assert initiative.status == PublicationStatus.DRAFT
    signed_in(client, people.own_editor)
    page = client.get(url("initiative_detail", initiative)).content.decode()
    assert "Returned to draft by a curator" in page and "Add the sanctioned amount." in page


# Query counts ------------------------------------------------------------------------------


def test_the_workspace_pages_run_a_bounded_number_of_queries(
    client, people, initiative, django_assert_max_num_queries
):
    for number in range(8):
        factories.PlanActivityFactory(initiative=initiative, title=f"Training {number}")
    signed_in(client, people.own_editor)
    with django_assert_max_num_queries(22):
        assert client.get(url("initiative_detail", initiative)).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(url("initiative_list")).status_code == 200
    signed_in(client, people.curator)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("editing:review_queue")).status_code == 200


def _propose_a_change_to_a_new_initiative(people, number):
    """Propose fields, study, plan and target changes to a new published initiative."""
    initiative = factories.InitiativeFactory(
        agency=people.agency_a, status=PUBLISHED, title=f"Initiative {number}"
    )
    factories.DiagnosticStudyFactory(initiative=initiative, challenges="Old looms")
    activity = factories.PlanActivityFactory(initiative=initiative, title=f"Training {number}")
    member = factories.MembershipFactory(cluster=initiative.cluster).stakeholder
    changes = {
        "fields": revisions.field_changes(
            initiative=initiative,
            data={"title": f"Proposed title {number}", "scheme": factories.SchemeFactory()},
        ),
        "study": revisions.study_changes(
            initiative=initiative, data={"challenges": "No testing lab"}, consulted=[member]
        ),
        "activities": [
            revisions.activity_change(activity=activity, data={"status": "done"}),
            revisions.activity_change(data={"title": f"Exposure visit {number}"}),
        ],
        "targets": [
            revisions.target_change(
                indicator=factories.indicator("new-markets"),
                data={"baseline_value": "1", "target_value": "5"},
            )
        ],
    }
    return revisions.revision_propose(
        user=people.own_editor, initiative=initiative, changes=changes
    )


def _queue_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("editing:review_queue"))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_review_queue_reads_as_many_queries_for_ten_proposed_changes_as_for_two(client, people):
    """Each proposed change shows its diff, yet the queue's queries do not grow with them."""
    for number in range(2):
        _propose_a_change_to_a_new_initiative(people, number)
    signed_in(client, people.curator)
    _queue_queries(client)  # warm what is kept between requests
    with_two, _ = _queue_queries(client)
    for number in range(2, 10):
        _propose_a_change_to_a_new_initiative(people, number)
    with_ten, queue = _queue_queries(client)
    assert with_ten == with_two
    assert queue.count('class="review-item" id="initiative-change-') == 10
    for text in ("Proposed title 9", "Exposure visit 9", "Training 9", "No testing lab"):
        assert text in queue


# Proposed changes to a published initiative ------------------------------------------------


def test_an_editors_change_to_a_published_initiative_waits_for_a_curator(
    client, people, initiative
):
    """The public keeps the reviewed values; the curator approves from the review queue."""
    initiative.status = PUBLISHED
    initiative.save()
    signed_in(client, people.own_editor)
    response = client.post(
        url("activity_create", initiative),
        {
            "title": "Joint stall at a trade fair",
            "horizon": "medium",
            "intervention": "soft",
            "activity_type": "joint_marketing",
            "status": "planned",
            "currency": "INR",
        },
    )
    assert response.status_code == 302
    assert not PlanActivity.objects.filter(title="Joint stall at a trade fair").exists()
    page = client.get(url("initiative_detail", initiative)).content.decode()
    assert "Your change waits for a curator" in page and "Joint stall at a trade fair" in page
    client.logout()
    assert "Joint stall" not in client.get(initiative.get_absolute_url()).content.decode()

    signed_in(client, people.curator)
    queue = client.get(reverse("editing:review_queue")).content.decode()
    assert "Proposed changes to published initiatives" in queue
    assert "Joint stall at a trade fair" in queue
    revision = initiative.revisions.get()
    response = client.post(url("revision_approve", pk=revision.pk))
    assert response["Location"] == reverse("editing:review_queue")
    assert PlanActivity.objects.filter(title="Joint stall at a trade fair").exists()
    client.logout()
    assert (
        "Joint stall at a trade fair" in client.get(initiative.get_absolute_url()).content.decode()
    )


def test_only_a_curator_decides_on_a_proposed_change(client, people, initiative):
    initiative.status = PUBLISHED
    initiative.save()
    revision = factories.InitiativeRevisionFactory(initiative=initiative, author=people.own_editor)
    signed_in(client, people.own_editor)
    assert client.post(url("revision_approve", pk=revision.pk)).status_code == 403
    signed_in(client, people.other_editor)
    assert client.post(url("revision_withdraw", pk=revision.pk)).status_code == 404
    revision.refresh_from_db()
    assert revision.is_pending
