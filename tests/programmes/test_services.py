"""Writes to initiatives, studies, plans, targets and measurements: the rules that hold
whoever writes, the workflow, and the history every write leaves."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from clusters.choices import PublicationStatus
from programmes import selectors, services
from programmes.models import IndicatorMeasurement, Initiative, StudyDocument
from tests import factories
from tests.accounts.people import make_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return make_people()


def test_an_editors_initiative_is_their_agencys_draft_whatever_they_name(people):
    cluster = factories.ClusterFactory(agency=people.agency_b)  # published, another agency's
    initiative = services.initiative_create(
        user=people.own_editor,
        cluster=cluster,
        scheme=factories.scheme("sfurti"),
        title="  SFURTI   cluster  ",
        agency=people.agency_b,
    )
    assert initiative.agency == people.agency_a
    assert initiative.status == PublicationStatus.DRAFT
    assert initiative.title == "SFURTI cluster"
    assert initiative.slug
    record = initiative.history.get()
    assert record.history_user == people.own_editor
    assert record.history_change_reason.startswith("initiative created")


def test_an_editor_cannot_start_an_initiative_in_another_agencys_draft_cluster(people):
    draft = factories.ClusterFactory(agency=people.agency_b, status=PublicationStatus.DRAFT)
    with pytest.raises(ValidationError) as error:
        services.initiative_create(
            user=people.own_editor, cluster=draft, scheme=factories.scheme(), title="Hidden"
        )
    assert "cluster" in error.value.message_dict
    assert not Initiative.objects.exists()


def test_released_cannot_exceed_sanctioned(people):
    cluster = factories.ClusterFactory(agency=people.agency_a)
    with pytest.raises(ValidationError) as error:
        services.initiative_create(
            cluster=cluster,
            scheme=factories.scheme(),
            title="MSE-CDP Moradabad",
            sanctioned_amount=10_00_000,
            released_amount=12_00_000,
        )
    assert "released_amount" in error.value.message_dict


def test_workflow_submit_publish_return_with_reviews_and_curator_only_steps(people):
    initiative = factories.InitiativeFactory(agency=people.agency_a)
    services.initiative_submit(initiative=initiative, user=people.own_editor)
    assert initiative.status == PublicationStatus.SUBMITTED
    assert list(selectors.initiative_review_queue()) == [initiative]
    with pytest.raises(PermissionDenied):
        services.initiative_publish(initiative=initiative, user=people.own_editor)
    services.initiative_publish(initiative=initiative, user=people.curator)
    assert Initiative.objects.get(pk=initiative.pk).status == PublicationStatus.PUBLISHED
    with pytest.raises(ValidationError):
        services.initiative_return(initiative=initiative, user=people.curator, comment=" ")
    services.initiative_return(initiative=initiative, user=people.curator, comment="Add dates")
    assert initiative.status == PublicationStatus.DRAFT
    assert [r.action for r in initiative.reviews.order_by("created", "id")] == [
        "submitted",
        "approved",
        "rejected",
    ]
    assert initiative.reviews.first().comment == "Add dates"
    assert selectors.initiative_reviews(initiative)[0].user == people.curator
    assert not selectors.initiative_review_queue().exists()
    # Once published, a draft is archived rather than deleted.
    with pytest.raises(ValidationError):
        services.initiative_delete(initiative=initiative)


def test_an_editor_cannot_write_a_published_initiative_directly(people):
    initiative = factories.InitiativeFactory(
        agency=people.agency_a, status=PublicationStatus.PUBLISHED
    )
    with pytest.raises(PermissionDenied):
        services.initiative_update(
            user=people.own_editor, initiative=initiative, data={"title": "Changed"}
        )
    with pytest.raises(PermissionDenied):
        services.study_save(user=people.own_editor, initiative=initiative, data={})
    assert services.initiative_update(
        user=people.curator, initiative=initiative, data={"title": "Changed"}
    )
    assert Initiative.objects.get(pk=initiative.pk).title == "Changed"


def test_a_stale_edit_is_refused(people):
    initiative = factories.InitiativeFactory(agency=people.agency_a)
    opened = initiative.version
    services.initiative_update(initiative=initiative, data={"title": "First"})
    with pytest.raises(services.StaleEdit):
        services.initiative_update(
            initiative=Initiative.objects.get(pk=initiative.pk),
            data={"title": "Second"},
            expected_version=opened,
        )


def test_study_consults_only_stakeholders_of_the_cluster(people):
    initiative = factories.InitiativeFactory(agency=people.agency_a)
    member = factories.MembershipFactory(cluster=initiative.cluster).stakeholder
    outsider = factories.StakeholderFactory(name="Somewhere else")
    study = services.study_save(
        initiative=initiative,
        data={"value_chain": " Yarn to cloth ", "challenges": "Power cuts"},
        consulted=[member],
    )
    assert study.value_chain == "Yarn to cloth"
    assert list(study.consulted.all()) == [member]
    with pytest.raises(ValidationError) as error:
        services.study_save(initiative=initiative, data={}, consulted=[outsider])
    assert "Somewhere else" in str(error.value)


def upload(name, data, content_type):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_documents_are_checked_by_extension_content_type_content_and_size(people, settings):
    study = factories.DiagnosticStudyFactory(initiative__agency=people.agency_a)
    document = services.study_document_add(
        user=people.own_editor,
        study=study,
        title="Diagnostic report",
        file=upload("report.pdf", b"%PDF-1.7 report", "application/pdf"),
    )
    assert document.size == 15
    assert document.uploaded_by == people.own_editor
    assert document.file.read() == b"%PDF-1.7 report"
    refused = [
        upload("report.exe", b"MZ...", "application/octet-stream"),
        upload("report.pdf", b"MZ not a pdf", "application/pdf"),
        upload("report.pdf", b"%PDF-1.7", "text/html"),
        upload("notes.txt", b"\x00\x01\x02binary", "text/plain"),
    ]
    for file in refused:
        with pytest.raises(ValidationError):
            services.study_document_add(study=study, title="Bad", file=file)
    settings.REGISTRY_STUDY_DOCUMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError) as error:
        services.study_document_add(
            study=study, title="Big", file=upload("big.csv", b"a,b\n" * 10, "text/csv")
        )
    assert "larger than" in str(error.value)
    assert StudyDocument.objects.count() == 1


def test_activities_keep_their_order_and_responsible_members(people):
    initiative = factories.InitiativeFactory(agency=people.agency_a)
    association = factories.MembershipFactory(
        cluster=initiative.cluster, stakeholder__kind="association"
    ).stakeholder
    first = services.activity_save(
        initiative=initiative,
        data={"title": "Trust building meetings", "activity_type": "trust_building"},
        responsible=[association],
    )
    second = services.activity_save(
        initiative=initiative,
        data={"title": "Common facility centre", "horizon": "long", "intervention": "hard"},
    )
    assert (first.position, second.position) == (1, 2)
    assert list(first.responsible.all()) == [association]
    services.activity_save(
        initiative=initiative, activity=first, data={"status": "done", "cost": "250000"}
    )
    first.refresh_from_db()
    assert (first.status, first.cost) == ("done", 250000)


def test_targets_take_fiscal_years_and_refuse_a_target_before_the_baseline(people):
    initiative = factories.InitiativeFactory(agency=people.agency_a)
    target = services.target_save(
        initiative=initiative,
        indicator=factories.indicator("new-markets"),
        data={
            "baseline_year": "2021-22",
            "baseline_value": "2",
            "target_year": "2025",
            "target_value": "8",
        },
    )
    assert (target.baseline_year, target.baseline_fiscal) == (2021, True)
    assert target.baseline_year_label == "2021-22"
    assert target.target_year_label == "2025"
    with pytest.raises(ValidationError):
        services.target_save(
            initiative=initiative,
            indicator=factories.indicator("new-markets"),
            data={"baseline_year": "2025", "target_year": "2020"},
        )


def test_measurements_one_per_year_with_the_catalogue_unit(people):
    cluster = factories.ClusterFactory(agency=people.agency_a)
    markets = factories.indicator("new-markets")
    measurement, outcome = services.measurement_record(
        cluster=cluster, indicator=markets, year="2023-24", value="3", source="Progress report"
    )
    assert outcome == services.CREATED
    assert measurement.year_label == "2023-24"
    assert (
        services.measurement_record(
            cluster=cluster, indicator=markets, year="2023-24", value="3", source="Progress report"
        )[1]
        == services.UNCHANGED
    )
    assert (
        services.measurement_record(
            cluster=cluster, indicator=markets, year=2023, value="4", unit="Markets"
        )[1]
        == services.UPDATED
    )
    assert IndicatorMeasurement.objects.get().value == 4
    with pytest.raises(ValidationError) as error:
        services.measurement_record(
            cluster=cluster, indicator=markets, year=2024, value=1, unit="INR"
        )
    assert "unit" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.measurement_record(cluster=cluster, indicator=markets, year="2023-25", value=1)
    assert "year" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.measurement_record(
            cluster=cluster, indicator=factories.indicator("networks-created"), year=2024, value=1
        )


@pytest.mark.django_db
def test_a_change_in_per_cent_may_be_negative_but_a_count_may_not():
    from django.core.exceptions import ValidationError

    from programmes.models import Indicator
    from programmes.services import measurement_values

    cost = Indicator.objects.get(slug="cost-reduction")
    assert cost.unit.lower() in {"per cent", "percent", "%"}
    assert measurement_values(indicator=cost, year="2023", value="-2.5")["value"] == Decimal("-2.5")
    markets = Indicator.objects.get(slug="new-markets")
    with pytest.raises(ValidationError):
        measurement_values(indicator=markets, year="2023", value="-1")
