"""Reads for the public pages: only published initiatives of published clusters, the
development page's data as plain chart data, and computed indicators that say so."""

import pytest
from django.http import QueryDict

from clusters.choices import PublicationStatus
from programmes import selectors, services
from programmes.filtersets import InitiativeFilterSet
from programmes.indicators import COMPUTED_NOTE
from tests import factories

pytestmark = pytest.mark.django_db
PUBLISHED, DRAFT = PublicationStatus.PUBLISHED, PublicationStatus.DRAFT


@pytest.fixture
def developed():
    """A published cluster with a published initiative (study, plan, two targets, three
    measurements), a draft initiative, and a network and a BDS provider in the registry."""
    cluster = factories.ClusterFactory(product="Brassware", place="Moradabad")
    initiative = factories.InitiativeFactory(
        cluster=cluster,
        agency=cluster.agency or factories.AgencyFactory(),
        title="MSE-CDP Moradabad brassware",
        status=PUBLISHED,
        started_on="2021-04-01",
    )
    factories.DiagnosticStudyFactory(initiative=initiative, completed_on="2021-09-30")
    factories.StudyDocumentFactory(study=initiative.study, title="Diagnostic report")
    factories.PlanActivityFactory(initiative=initiative, title="Exposure visit", horizon="short")
    factories.PlanActivityFactory(
        initiative=initiative, title="Common facility centre", horizon="long", due_on="2024-03-31"
    )
    markets = factories.indicator("new-markets")
    factories.IndicatorTargetFactory(
        initiative=initiative,
        indicator=markets,
        baseline_year=2021,
        baseline_value=2,
        target_year=2025,
        target_value=10,
    )
    factories.IndicatorTargetFactory(
        initiative=initiative,
        indicator=factories.indicator("networks-created"),
        baseline_year=2021,
        baseline_value=0,
        target_year=2025,
        target_value=4,
    )
    for year, value in ((2020, 1), (2022, 4), (2023, 6)):
        services.measurement_record(cluster=cluster, indicator=markets, year=year, value=value)
    services.measurement_record(
        cluster=cluster, indicator=factories.indicator("cost-reduction"), year=2023, value=12
    )
    factories.InitiativeFactory(cluster=cluster, agency=initiative.agency, title="Hidden draft")
    members = factories.stakeholder_network(
        cluster,
        {
            "a": ("Moradabad Brass One", "enterprise", "manufacturer"),
            "b": ("Moradabad Brass Two", "enterprise", "manufacturer"),
            "c": ("Moradabad Brass Three", "enterprise", "manufacturer"),
            "bds": ("Design Studio", "bds_provider", "consultancy"),
            "bank": ("Moradabad Bank", "institution", "financial"),
            "idle": ("Idle Institute", "institution", "training"),
        },
        [("bank", "finances", "a")],
    )
    network = cluster.networks.create(name="Export group", joint_action="joint_marketing")
    network.members.set([members["a"], members["b"], members["c"]])
    return initiative


def test_development_page_gives_charts_timeline_and_plan_of_published_initiatives(
    developed, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        page = selectors.cluster_development(slug=developed.cluster.slug)
        detail = page.initiatives[0]
        charts = {chart.indicator.slug: chart for chart in detail.charts}
    assert [d.initiative.title for d in page.initiatives] == ["MSE-CDP Moradabad brassware"]
    markets = charts["new-markets"]
    # The measurement before the baseline year is not part of the initiative's chart.
    assert [(p.kind, p.year_label, int(p.value)) for p in markets.points] == [
        ("baseline", "2021", 2),
        ("measurement", "2022", 4),
        ("measurement", "2023", 6),
        ("target", "2025", 10),
    ]
    assert markets.progress == 50
    assert markets.target_met is False
    assert markets.share_of_scale(5) == 50.0
    networks = charts["networks-created"]
    assert networks.computed.value == 1
    assert networks.computed.note == COMPUTED_NOTE
    computed = {value.indicator.slug: value.value for value in page.computed}
    assert computed == {"networks-created": 1, "support-institutions-linked": 1, "bds-providers": 1}
    assert [chart.indicator.slug for chart in page.other_charts] == ["cost-reduction"]
    assert [(g.horizon, [a.title for a in g.activities]) for g in detail.plan] == [
        ("short", ["Exposure visit"]),
        ("long", ["Common facility centre"]),
    ]
    assert [event.kind for event in detail.timeline] == ["start", "study", "activity"]
    assert [(doc.title, may) for doc, may in detail.documents] == [("Diagnostic report", False)]
    assert [state for _v, _l, state in detail.stage_steps] == ["current", "ahead", "ahead", "ahead"]


def test_nothing_of_an_unpublished_cluster_or_initiative_is_public(developed):
    assert selectors.initiative_detail(slug=developed.slug) is not None
    hidden = developed.cluster.initiatives.get(title="Hidden draft")
    assert selectors.initiative_detail(slug=hidden.slug) is None
    developed.cluster.status = DRAFT
    developed.cluster.save()
    assert selectors.cluster_development(slug=developed.cluster.slug) is None
    assert selectors.initiative_detail(slug=developed.slug) is None
    assert not selectors.initiative_list().exists()
    assert not selectors.measurement_list().exists()


def test_the_agency_editor_sees_drafts_and_may_download_documents(developed):
    editor = factories.AgencyEditorFactory(agency=developed.agency).user
    page = selectors.cluster_development(slug=developed.cluster.slug, user=editor)
    assert {d.initiative.title for d in page.initiatives} == {
        "MSE-CDP Moradabad brassware",
        "Hidden draft",
    }
    published = next(d for d in page.initiatives if d.initiative == developed)
    assert [may for _doc, may in published.documents] == [True]


def test_the_list_filters_by_scheme_state_stage_agency_type_and_words(developed):
    other = factories.InitiativeFactory(
        cluster=factories.ClusterFactory(
            product="Handloom sarees",
            place="Chanderi",
            region=factories.region("Madhya Pradesh"),
            cluster_type="handloom",
        ),
        scheme=factories.scheme("chcds"),
        title="Chanderi handloom cluster",
        stage="implementation",
        status=PUBLISHED,
    )

    def titles(**params):
        query = QueryDict(mutable=True)
        query.update(params)
        filterset = InitiativeFilterSet(query, queryset=selectors.initiative_list())
        assert filterset.is_valid(), filterset.errors
        return [initiative.title for initiative in filterset.qs]

    assert titles() == ["MSE-CDP Moradabad brassware", "Chanderi handloom cluster"]
    assert titles(scheme="chcds") == ["Chanderi handloom cluster"]
    assert titles(state="madhya-pradesh") == ["Chanderi handloom cluster"]
    assert titles(stage="diagnostic_study") == ["MSE-CDP Moradabad brassware"]
    assert titles(agency=other.agency.slug) == ["Chanderi handloom cluster"]
    assert titles(cluster_type="handloom") == ["Chanderi handloom cluster"]
    assert titles(q="brass") == ["MSE-CDP Moradabad brassware"]
    assert titles(ordering="-title") == ["MSE-CDP Moradabad brassware", "Chanderi handloom cluster"]
    assert not InitiativeFilterSet(
        {"stage": "nonsense"}, queryset=selectors.initiative_list()
    ).is_valid()
