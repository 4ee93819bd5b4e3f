"""The programmes admin is no path around the agency policy or the review workflow."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusters.choices import PublicationStatus
from programmes.models import Initiative, InitiativeRevision, PlanActivity, StudyDocument
from tests import factories
from tests.accounts.people import client_for, make_people

pytestmark = pytest.mark.django_db


def admin_url(model, view, *args):
    return reverse(f"admin:programmes_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def people():
    return make_people()


def test_an_editors_initiative_added_in_the_admin_is_their_agencys_draft(client, people):
    cluster = factories.ClusterFactory(agency=people.agency_a)
    editor = client_for(client, people, "own_editor")
    response = editor.post(
        admin_url(Initiative, "add"),
        {
            "title": "Admin-entered initiative",
            "cluster": cluster.pk,
            "scheme": factories.scheme().pk,
            "stage": "diagnostic_study",
            "currency": "INR",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    initiative = Initiative.objects.get(title="Admin-entered initiative")
    assert (initiative.agency, initiative.status) == (people.agency_a, PublicationStatus.DRAFT)
    assert initiative.history.get().history_user == people.own_editor


def test_an_editor_cannot_attach_an_initiative_to_another_agencys_cluster(client, people):
    foreign = factories.ClusterFactory(agency=people.agency_b, status=PublicationStatus.DRAFT)
    response = client_for(client, people, "own_editor").post(
        admin_url(Initiative, "add"),
        {
            "title": "Probe",
            "cluster": foreign.pk,
            "scheme": factories.scheme().pk,
            "stage": "diagnostic_study",
            "currency": "INR",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Initiative.objects.filter(title="Probe").exists()


def test_a_published_initiative_and_its_rows_are_read_only_to_its_editor(client, people):
    initiative = factories.InitiativeFactory(
        agency=people.agency_a, status=PublicationStatus.PUBLISHED, title="Published one"
    )
    activity = factories.PlanActivityFactory(initiative=initiative, title="Published activity")
    editor = client_for(client, people, "own_editor")
    page = editor.get(admin_url(Initiative, "change", initiative.pk))
    assert page.status_code == 200
    assert 'name="title"' not in page.content.decode()  # shown, not editable
    response = editor.post(
        admin_url(PlanActivity, "change", activity.pk),
        {
            "title": "Rewritten",
            "initiative": initiative.pk,
            "horizon": "short",
            "intervention": "soft",
            "activity_type": "training",
            "status": "done",
            "currency": "INR",
            "position": 1,
        },
    )
    assert response.status_code == 403
    assert PlanActivity.objects.get(pk=activity.pk).title == "Published activity"
    assert editor.get(admin_url(Initiative, "delete", initiative.pk)).status_code == 403
    # The curator may change it at once.
    assert (
        client_for(client, people, "curator")
        .get(admin_url(Initiative, "change", initiative.pk))
        .status_code
        == 200
    )


def test_the_admin_never_links_a_document_file_and_uploads_are_checked(client, people):
    study = factories.DiagnosticStudyFactory(initiative__agency=people.agency_a)
    document = factories.StudyDocumentFactory(study=study, title="Report")
    editor = client_for(client, people, "own_editor")
    page = editor.get(admin_url(StudyDocument, "change", document.pk)).content.decode()
    assert "report" in page and 'href="/' + document.file.name not in page
    response = editor.post(
        admin_url(StudyDocument, "add"),
        {
            "study": study.pk,
            "title": "Not a PDF",
            "file": SimpleUploadedFile("x.pdf", b"MZ binary", content_type="application/pdf"),
        },
    )
    assert response.status_code == 200
    assert "not a .pdf file" in response.content.decode()
    assert StudyDocument.objects.count() == 1


def test_proposed_revisions_are_for_curators_only_in_the_admin(client, people):
    revision = factories.InitiativeRevisionFactory(initiative__agency=people.agency_a)
    url = admin_url(InitiativeRevision, "change", revision.pk)
    assert client_for(client, people, "own_editor").get(url).status_code in (302, 403)
    assert client_for(client, people, "curator").get(url).status_code == 200


@pytest.mark.parametrize(
    "model_name",
    [
        "initiative",
        "diagnosticstudy",
        "studydocument",
        "planactivity",
        "indicatortarget",
        "indicatormeasurement",
        "scheme",
        "indicator",
        "initiativerevision",
    ],
)
def test_every_programmes_admin_list_renders_for_curators_and_editors(client, people, model_name):
    study = factories.DiagnosticStudyFactory(initiative__agency=people.agency_a)
    factories.StudyDocumentFactory(study=study)
    factories.PlanActivityFactory(initiative=study.initiative)
    factories.IndicatorTargetFactory(initiative=study.initiative)
    factories.IndicatorMeasurementFactory(cluster=study.initiative.cluster)
    factories.InitiativeRevisionFactory(initiative=study.initiative)
    url = reverse(f"admin:programmes_{model_name}_changelist")
    assert client_for(client, people, "curator").get(url).status_code == 200
    editor = client_for(client, people, "own_editor").get(url)
    assert editor.status_code == (403 if model_name == "initiativerevision" else 200)
