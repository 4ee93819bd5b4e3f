"""The programmes app's migrations load the schemes and the indicator catalogue, and the
factories build every model."""

from programmes.models import Indicator, Scheme
from tests import factories


def test_migrations_load_the_schemes_and_the_faq_indicator_catalogue(db):
    assert set(Scheme.objects.values_list("short_name", flat=True)) >= {
        "MSE-CDP",
        "SFURTI",
        "CHCDS",
        "UNIDO CDP",
    }
    assert set(Scheme.objects.values_list("kind", flat=True)) == {
        "national_msme",
        "handloom",
        "state",
        "donor",
        "other",
    }
    levels = dict(Indicator.objects.values_list("slug", "level"))
    assert levels["new-markets"] == "enterprise"
    assert levels["bds-providers"] == "cluster"
    assert levels["networks-created"] == "sustainability"
    assert len(levels) == 14
    computed = set(Indicator.objects.exclude(computed_from="").values_list("slug", "computed_from"))
    assert computed == {
        ("networks-created", "networks"),
        ("support-institutions-linked", "support_institutions"),
        ("bds-providers", "bds_providers"),
    }


def test_factories_build_an_initiative_with_study_plan_targets_and_measurements(db):
    stakeholder = factories.StakeholderFactory()
    study = factories.DiagnosticStudyFactory(consulted=[stakeholder])
    initiative = study.initiative
    assert initiative.cluster.agency == initiative.agency
    assert list(study.consulted.all()) == [stakeholder]
    document = factories.StudyDocumentFactory(study=study)
    assert document.file.read().startswith(b"%PDF")
    activity = factories.PlanActivityFactory(initiative=initiative, responsible=[stakeholder])
    assert list(activity.responsible.all()) == [stakeholder]
    target = factories.IndicatorTargetFactory(initiative=initiative)
    measurement = factories.IndicatorMeasurementFactory(
        cluster=initiative.cluster, indicator=target.indicator, year=2023, fiscal=True
    )
    assert measurement.year_label == "2023-24"
    assert target.baseline_year_label == "2022"
    assert factories.InitiativeRevisionFactory().is_pending
    assert factories.SchemeFactory().kind == "state"
    assert factories.IndicatorFactory().unit == "markets"
    assert initiative.history.count() == 1
