"""The public pages of development programmes: the list of initiatives, an initiative's
page, a cluster's development page and the profile's Development section."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters.choices import PublicationStatus
from programmes.indicator_charts import format_indicator_value
from tests import factories

PUBLISHED = PublicationStatus.PUBLISHED

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _study_documents_in_tmp(settings, tmp_path):
    settings.REGISTRY_STUDY_DOCUMENT_DIR = str(tmp_path / "study-documents")


def published_initiative(**kwargs):
    """Return a published initiative in a published cluster, with a study, a plan of two
    horizons, a target for new markets and two measurements of it."""
    agency = kwargs.pop("agency", None) or factories.AgencyFactory(
        name="Foundation for MSME Clusters"
    )
    cluster = kwargs.pop("cluster", None) or factories.ClusterFactory(
        product="Knitwear",
        place="Ludhiana",
        region=factories.region("Punjab"),
        agency=agency,
        status=PUBLISHED,
    )
    initiative = factories.InitiativeFactory(
        cluster=cluster,
        agency=agency,
        title=kwargs.pop("title", "Ludhiana knitwear cluster development"),
        status=kwargs.pop("status", PUBLISHED),
        stage=kwargs.pop("stage", "implementation"),
        sanctioned_amount=kwargs.pop("sanctioned_amount", 13_50_00_000),
        **kwargs,
    )
    exporter = factories.StakeholderFactory(name="Ludhiana Knitwear Exporters", kind="enterprise")
    factories.MembershipFactory(stakeholder=exporter, cluster=cluster)
    study = factories.DiagnosticStudyFactory(initiative=initiative, consulted=[exporter])
    factories.StudyDocumentFactory(study=study, title="Diagnostic study report 2019")
    factories.PlanActivityFactory(
        initiative=initiative,
        title="Exposure visit to Tirupur",
        horizon="short",
        activity_type="exposure_visit",
        responsible=[exporter],
        cost=4_00_000,
    )
    factories.PlanActivityFactory(
        initiative=initiative,
        title="Common facility centre for dyeing",
        horizon="long",
        intervention="hard",
        activity_type="common_facility_centre",
        cost=12_00_00_000,
        status="in_progress",
    )
    factories.IndicatorTargetFactory(
        initiative=initiative,
        indicator=factories.indicator("new-markets"),
        baseline_year=2019,
        baseline_fiscal=True,
        baseline_value=2,
        target_year=2025,
        target_value=8,
    )
    for year, value, estimated in ((2021, 3, False), (2023, 5, True)):
        factories.IndicatorMeasurementFactory(
            cluster=cluster,
            indicator=factories.indicator("new-markets"),
            year=year,
            value=value,
            estimated=estimated,
            source=f"Progress report {year}",
            initiative=initiative,
        )
    return initiative


def text(response):
    return response.content.decode()


# Formatting ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (Decimal("1200000"), "enterprises", "12,00,000"),
        (Decimal("12.50"), "per cent", "12.5"),
        (Decimal("135000000"), "INR", "₹13.5 crore"),
        (Decimal("3.00"), "markets", "3"),
    ],
)
def test_indicator_values_read_in_indian_conventions(value, unit, expected):
    """Indicator values are grouped the Indian way, rupee amounts in lakh and crore."""
    assert format_indicator_value(value, unit) == expected


# Initiative page -------------------------------------------------------------------------


def test_the_initiative_page_shows_the_study_plan_timeline_and_indicator_chart(client):
    """An initiative's page shows its facts, the study sections with those consulted, the
    plan grouped by horizon with costs in crore, the timeline and the indicator chart with
    its table (baseline, measurements with ≈ for estimates, target)."""
    initiative = published_initiative()
    response = client.get(initiative.get_absolute_url())
    assert response.status_code == 200
    body = text(response)
    assert "Ludhiana knitwear cluster development" in body
    assert "MSE-CDP" in body
    assert "₹13.5 crore" in body  # sanctioned
    # The study: sections, those consulted (linked), the document's title only.
    assert "Old technology, no common testing facility." in body
    assert "Ludhiana Knitwear Exporters" in body
    assert "Diagnostic study report 2019" in body
    assert "report.pdf" not in body and "/documents/" not in body
    # The plan, by horizon, with its costs.
    assert body.index("Short term") < body.index("Exposure visit to Tirupur")
    assert body.index("Long term") < body.index("Common facility centre for dyeing")
    assert "₹4 lakh" in body and "₹12 crore" in body
    # The timeline: the current stage is marked in words, not by colour alone.
    assert 'aria-current="step"' in body and "current stage" in body
    # The chart and its table.
    assert '<svg class="chart ichart" id="indicator-' in body
    assert "baseline 2 in 2019-20" in body and "target 8 by 2025" in body
    assert "latest 5 in 2023" in body
    assert "Progress report 2021" in body
    assert '<abbr title="estimated">≈</abbr>5' in body


def test_a_draft_initiative_or_one_in_an_unpublished_cluster_is_not_public(client):
    """Only a published initiative of a published cluster has a public page."""
    draft = published_initiative(status=PublicationStatus.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    hidden = factories.InitiativeFactory(
        status=PUBLISHED, cluster=factories.ClusterFactory(status=PublicationStatus.DRAFT)
    )
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_the_initiative_page_runs_a_bounded_number_of_queries(
    client, django_assert_max_num_queries
):
    """The page's queries do not grow with its activities, targets and measurements."""
    initiative = published_initiative()
    for number in range(10):
        factories.PlanActivityFactory(initiative=initiative, title=f"Training {number}")
    with django_assert_max_num_queries(14):
        response = client.get(initiative.get_absolute_url())
    assert response.status_code == 200


# Cluster development page ----------------------------------------------------------------


def test_the_cluster_development_page_shows_each_public_initiative(client):
    """A cluster's development page lists its public initiatives with their parts, not the
    drafts."""
    initiative = published_initiative()
    factories.InitiativeFactory(
        cluster=initiative.cluster, agency=initiative.agency, title="A draft initiative"
    )
    url = reverse("clusters:cluster_development", kwargs={"slug": initiative.cluster.slug})
    response = client.get(url)
    assert response.status_code == 200
    body = text(response)
    assert "Development of the Knitwear cluster of Ludhiana" in body
    assert "Ludhiana knitwear cluster development" in body
    assert "A draft initiative" not in body
    assert "Exposure visit to Tirupur" in body
    assert "<svg" in body and "Progress report 2023" in body


def test_the_development_page_of_a_cluster_without_initiatives_shows_its_measurements(client):
    """With no initiative, the page says so and still charts the indicators measured."""
    cluster = factories.ClusterFactory(status=PUBLISHED, product="Brass ware", place="Moradabad")
    factories.IndicatorMeasurementFactory(
        cluster=cluster, indicator=factories.indicator("quality-certifications"), year=2022
    )
    response = client.get(reverse("clusters:cluster_development", kwargs={"slug": cluster.slug}))
    body = text(response)
    assert "No development initiative is published for this cluster yet" in body
    assert "Indicators measured in this cluster" in body and "<svg" in body


def test_the_development_page_of_an_unpublished_cluster_is_not_found(client):
    cluster = factories.ClusterFactory(status=PublicationStatus.DRAFT)
    url = reverse("clusters:cluster_development", kwargs={"slug": cluster.slug})
    assert client.get(url).status_code == 404


def test_the_development_page_runs_a_bounded_number_of_queries(
    client, django_assert_max_num_queries
):
    """Two initiatives cost no more queries than one."""
    initiative = published_initiative()
    url = reverse("clusters:cluster_development", kwargs={"slug": initiative.cluster.slug})
    factories.InitiativeFactory(
        cluster=initiative.cluster, agency=initiative.agency, status=PUBLISHED
    )
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


# The profile's Development section -------------------------------------------------------


def test_the_cluster_profile_has_a_development_section(client):
    """The profile names the cluster's public initiatives and links to its development."""
    initiative = published_initiative()
    response = client.get(initiative.cluster.get_absolute_url())
    body = text(response)
    assert 'id="development-heading"' in body
    assert initiative.get_absolute_url() in body
    assert reverse("clusters:cluster_development", kwargs={"slug": initiative.cluster.slug}) in body


# The list ---------------------------------------------------------------------------------


LIST_URL = reverse("programmes:initiative_list")


@pytest.fixture
def listed(db):
    """Three public initiatives that differ on every filter, and a draft."""
    punjab, up = factories.region("Punjab"), factories.region("Uttar Pradesh")
    fmc = factories.AgencyFactory(name="Foundation for MSME Clusters", slug="fmc")
    kvic = factories.AgencyFactory(name="KVIC", slug="kvic")
    knitwear = factories.ClusterFactory(
        product="Knitwear", place="Ludhiana", region=punjab, agency=fmc, status=PUBLISHED
    )
    carpets = factories.ClusterFactory(
        product="Carpets",
        place="Bhadohi",
        region=up,
        agency=kvic,
        status=PUBLISHED,
        cluster_type="handicraft",
    )
    factories.InitiativeFactory(
        cluster=knitwear,
        agency=fmc,
        title="Knitwear MSE-CDP",
        status=PUBLISHED,
        stage="implementation",
        sanctioned_amount=13_50_00_000,
    )
    factories.InitiativeFactory(
        cluster=carpets,
        agency=kvic,
        title="Carpet SFURTI",
        status=PUBLISHED,
        scheme=factories.scheme("sfurti"),
        stage="action_plan",
    )
    factories.InitiativeFactory(
        cluster=carpets,
        agency=kvic,
        title="Carpet UNIDO",
        status=PUBLISHED,
        scheme=factories.scheme("unido-cdp"),
        stage="completed",
    )
    factories.InitiativeFactory(cluster=knitwear, agency=fmc, title="A draft", stage="completed")


def titles(response):
    return [initiative.title for initiative in response.context["results"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Knitwear MSE-CDP", "Carpet SFURTI", "Carpet UNIDO"}),
        ("scheme=sfurti", {"Carpet SFURTI"}),
        ("state=punjab", {"Knitwear MSE-CDP"}),
        ("stage=completed", {"Carpet UNIDO"}),
        ("agency=kvic", {"Carpet SFURTI", "Carpet UNIDO"}),
        ("cluster_type=handicraft", {"Carpet SFURTI", "Carpet UNIDO"}),
        ("q=knitwear", {"Knitwear MSE-CDP"}),
        ("agency=kvic&stage=action_plan", {"Carpet SFURTI"}),
    ],
)
def test_the_list_filters_public_initiatives(client, listed, query, expected):
    """Each filter narrows the public initiatives; drafts are never listed."""
    response = client.get(f"{LIST_URL}?{query}")
    assert response.status_code == 200
    assert set(titles(response)) == expected


def test_active_filters_are_chips_and_an_empty_result_says_what_to_relax(client, listed):
    response = client.get(f"{LIST_URL}?agency=fmc&stage=completed")
    body = text(response)
    assert titles(response) == []
    assert "Implementing agency: <strong>Foundation for MSME Clusters</strong>" in body
    assert "Remove “Stage: Completed” to see 1 result" in body


def test_an_invalid_filter_is_reported_not_ignored(client, listed):
    response = client.get(f"{LIST_URL}?scheme=no-such-scheme")
    assert response.status_code == 200
    assert titles(response) == []
    assert "A filter value is not valid" in text(response)


def test_the_list_shows_amounts_in_crore_and_paginates(client, listed, settings):
    from public.views import programmes as views

    body = text(client.get(LIST_URL))
    assert "₹13.5 crore" in body
    original = views.InitiativeListView.paginate_by
    views.InitiativeListView.paginate_by = 2
    try:
        response = client.get(f"{LIST_URL}?page=2")
    finally:
        views.InitiativeListView.paginate_by = original
    assert len(titles(response)) == 1
    assert 'rel="prev"' in text(response)


def count_queries(client, address):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


def test_the_list_runs_as_many_queries_for_one_row_as_for_fifty(client, listed):
    """The list's queries do not grow with its rows (and stay few)."""
    address = f"{LIST_URL}?scheme=sfurti"
    client.get(address)  # what is kept until the registry changes (the filters' options)
    one = count_queries(client, address)
    agency = factories.AgencyFactory()
    cluster = factories.ClusterFactory(status=PUBLISHED, agency=agency)
    for number in range(50):
        factories.InitiativeFactory(
            cluster=cluster,
            agency=agency,
            status=PUBLISHED,
            scheme=factories.scheme("sfurti"),
            title=f"SFURTI {number}",
        )
    assert count_queries(client, address) == one <= 8
    assert len(titles(client.get(address))) == 50


def csv_rows(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_download_is_the_filtered_list(client, listed):
    """/programmes/export.csv writes the initiatives the list shows with the same filters;
    the list links to it with its filters."""
    body = text(client.get(f"{LIST_URL}?agency=kvic"))
    assert 'href="/programmes/export.csv?agency=kvic"' in body
    rows = csv_rows(client.get(reverse("programmes:initiative_export_csv") + "?agency=kvic"))
    assert {row["title"] for row in rows} == {"Carpet SFURTI", "Carpet UNIDO"}
    response = client.get(reverse("programmes:initiative_export_csv") + "?scheme=nothing")
    assert response.status_code == 400


def test_the_indicator_download_has_the_public_measurements_in_the_import_columns(client):
    initiative = published_initiative()
    hidden = factories.ClusterFactory(status=PublicationStatus.DRAFT)
    factories.IndicatorMeasurementFactory(cluster=hidden, source="Not public")
    rows = csv_rows(client.get(reverse("programmes:indicator_export_csv")))
    assert {(row["cluster_place"], row["indicator"], row["year"]) for row in rows} == {
        ("Ludhiana", "new-markets", "2021"),
        ("Ludhiana", "new-markets", "2023"),
    }
    assert list(rows[0])[:5] == [
        "cluster_product",
        "cluster_place",
        "cluster_state",
        "cluster_country",
        "indicator",
    ]
    assert initiative.cluster.place == "Ludhiana"


def test_the_header_links_to_the_programmes(client):
    response = client.get(reverse("programmes:initiative_list"))
    assert 'href="/programmes/" aria-current="page"' in text(response)


def test_a_cached_development_page_shows_a_publication_at_once(
    client, settings, django_capture_on_commit_callbacks
):
    """Anonymous readers get the page from the cache until a write commits: publishing an
    initiative (through the services) makes the cached page stale."""
    from programmes import services

    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    initiative = published_initiative(status=PublicationStatus.SUBMITTED)
    url = reverse("clusters:cluster_development", kwargs={"slug": initiative.cluster.slug})
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    curator = factories.UserFactory(is_staff=True, is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.initiative_publish(initiative=initiative, user=curator)
    fresh = client.get(url)
    assert fresh["X-Page-Cache"] == "miss"
    assert initiative.title in fresh.content.decode()
