"""The comparison of two to four published clusters at /clusters/compare/."""

from datetime import date

import pytest
from django.core.cache import cache

from clusters.assessments import assessment_record
from clusters.choices import AssessmentParameter, PublicationStatus
from clusters.services import Provenance
from stakeholders.choices import Kind
from tests import factories

pytestmark = pytest.mark.django_db

COMPARE = "/clusters/compare/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def pair(curator):
    tiruppur = factories.ClusterFactory(
        product="Knitwear",
        place="Tiruppur",
        region=factories.region("Tamil Nadu"),
        figures={"enterprise_count": 9000, "employment": 600_000},
        provenance=Provenance(year="2015-16", source="FAQ Q3", estimated=True),
    )
    ludhiana = factories.ClusterFactory(
        product="Hosiery",
        place="Ludhiana",
        region=factories.region("Punjab"),
        figures={"enterprise_count": 12_000},
        provenance=Provenance(year="2016", source="Diagnostic study 2016"),
    )
    association = factories.StakeholderFactory(name="Knitters' Association", kind=Kind.ASSOCIATION)
    factories.MembershipFactory(cluster=tiruppur, stakeholder=association)
    factories.RelationshipFactory(cluster=tiruppur)
    assessment_record(
        cluster=ludhiana,
        parameter=AssessmentParameter.FUTURE_PROSPECTS,
        rating=4,
        source="Export council outlook 2023",
        assessed_on=date(2023, 6, 30),
        user=curator,
    )
    return tiruppur, ludhiana


def test_two_clusters_side_by_side_with_provenance(client, pair):
    """Figures carry year, source and ≈ for estimates; stakeholders by kind, the network,
    the selection parameters and the judgement with its source and date are shown."""
    tiruppur, ludhiana = pair
    response = client.get(f"{COMPARE}?clusters={tiruppur.slug},{ludhiana.slug}")
    assert response.status_code == 200
    text = response.content.decode()
    assert [cluster.slug for cluster, _remove in response.context["columns"]] == [
        tiruppur.slug,
        ludhiana.slug,
    ]
    assert "≈" in text and "2015-16" in text and "FAQ Q3" in text
    assert "Diagnostic study 2016" in text
    assert "6,00,000" in text  # Indian digit grouping
    sections = {section.key: section for section in response.context["sections"]}
    kinds = {row.label: row.cells for row in sections["stakeholders"].rows}
    assert kinds["Association"] == [1, 0]
    assert kinds["Enterprise"] == [2, 0]
    network = {row.label: row.cells for row in sections["network"].rows}
    assert network["Stakeholders"] == [3, 0]
    assert network["Relationships"] == [1, 0]
    judged = {row.label: row.cells for row in sections["judgements"].rows}
    prospects = judged[AssessmentParameter.FUTURE_PROSPECTS.label]
    assert prospects[0] is None and prospects[1].rating == 4
    assert "Export council outlook 2023" in text and "30 June 2023" in text
    assert "computed among all published clusters" in text


def test_repeated_parameters_are_accepted_too(client, pair):
    tiruppur, ludhiana = pair
    response = client.get(f"{COMPARE}?clusters={ludhiana.slug}&clusters={tiruppur.slug}")
    assert [cluster.slug for cluster, _remove in response.context["columns"]] == [
        ludhiana.slug,
        tiruppur.slug,
    ]


def test_too_few_too_many_unknown_and_drafts_get_a_message_not_an_error(client, pair):
    tiruppur, ludhiana = pair
    draft = factories.ClusterFactory(
        product="Hidden", place="Nowhere", status=PublicationStatus.DRAFT
    )
    response = client.get(f"{COMPARE}?clusters={tiruppur.slug}")
    assert response.status_code == 200 and not response.context["columns"]
    assert "Choose at least 2 clusters" in response.content.decode()

    response = client.get(f"{COMPARE}?clusters=a,b,c,d,e")
    assert response.status_code == 200 and not response.context["columns"]
    assert "at most 4 clusters" in response.content.decode()

    response = client.get(f"{COMPARE}?clusters={tiruppur.slug},{draft.slug},no-such-cluster")
    text = response.content.decode()
    assert response.status_code == 200
    # A draft reads exactly as an address that does not exist, and shows nothing of it.
    assert f"No published cluster has the address “{draft.slug}”" in text
    assert "No published cluster has the address “no-such-cluster”" in text
    assert "Nowhere" not in text.replace(draft.slug, "")


def test_a_search_offers_clusters_to_add(client, pair):
    tiruppur, ludhiana = pair
    response = client.get(f"{COMPARE}?clusters={tiruppur.slug}&add=hosiery")
    additions = response.context["additions"]
    assert [cluster.slug for cluster, _url in additions] == [ludhiana.slug]
    assert additions[0][1] == f"?clusters={tiruppur.slug},{ludhiana.slug}"


def test_profile_and_list_link_to_the_comparison(client, pair):
    tiruppur, _ludhiana = pair
    profile = client.get(tiruppur.get_absolute_url()).content.decode()
    assert f"/clusters/compare/?clusters={tiruppur.slug}" in profile
    listing = client.get("/clusters/").content.decode()
    assert 'action="/clusters/compare/"' in listing
    assert f'name="clusters" value="{tiruppur.slug}"' in listing


def test_comparison_queries_are_bounded(client, pair, django_assert_max_num_queries):
    """Four clusters cost no more queries than two."""
    tiruppur, ludhiana = pair
    others = [factories.ClusterFactory(figures={"employment": 10 + n}) for n in range(2)]
    client.get(f"{COMPARE}?clusters={tiruppur.slug},{ludhiana.slug}")  # kept values
    with django_assert_max_num_queries(10):
        client.get(f"{COMPARE}?clusters={tiruppur.slug},{ludhiana.slug}")
    slugs = ",".join([tiruppur.slug, ludhiana.slug, *(cluster.slug for cluster in others)])
    with django_assert_max_num_queries(10):
        response = client.get(f"{COMPARE}?clusters={slugs}")
    assert len(response.context["columns"]) == 4


def test_selection_and_comparison_are_cached_for_anonymous_readers_until_a_write(
    client, pair, settings, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """A repeated anonymous read costs no query; a new judgement shows at once."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    tiruppur, ludhiana = pair
    compare = f"{COMPARE}?clusters={tiruppur.slug},{ludhiana.slug}"
    for url in ("/clusters/selection/?w_economy=2", compare):
        assert client.get(url)["X-Page-Cache"] == "miss"
        with django_assert_num_queries(0):
            assert client.get(url)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        assessment_record(
            cluster=tiruppur,
            parameter=AssessmentParameter.SOCIO_ENVIRONMENTAL,
            rating=2,
            source="Effluent survey 2024",
            assessed_on=date(2024, 5, 1),
        )
    response = client.get(compare)
    assert response["X-Page-Cache"] == "miss"
    assert "Effluent survey 2024" in response.content.decode()
