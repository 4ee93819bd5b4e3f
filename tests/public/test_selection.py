"""The selection of clusters for development (FAQ Q43) at /clusters/selection/ and its CSV."""

import csv
import io
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters.assessments import assessment_record
from clusters.choices import AssessmentParameter, ClusterType, PublicationStatus
from stakeholders.choices import Kind
from tests import factories

pytestmark = pytest.mark.django_db

SELECTION = "/clusters/selection/"
CSV_URL = "/clusters/selection.csv"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """No value kept for an earlier test's registry (their writes never commit)."""
    cache.clear()


@pytest.fixture
def three(curator):
    """Three published clusters with different economies, one draft, and a judgement."""
    big = factories.ClusterFactory(
        product="Knitwear",
        place="Tiruppur",
        region=factories.region("Tamil Nadu"),
        figures={"employment": 600_000, "annual_turnover": 300_000_000_000},
    )
    middle = factories.ClusterFactory(
        product="Brass ware",
        place="Moradabad",
        region=factories.region("Uttar Pradesh"),
        figures={"employment": 50_000},
    )
    small = factories.ClusterFactory(
        product="Bell metal",
        place="Khagra",
        cluster_type=ClusterType.HANDICRAFT,
        figures={"employment": 800},
    )
    draft = factories.ClusterFactory(
        product="Secret product",
        place="Hidden",
        status=PublicationStatus.DRAFT,
        figures={"employment": 9_000_000},
    )
    assessment_record(
        cluster=small,
        parameter=AssessmentParameter.SOCIO_ENVIRONMENTAL,
        rating=5,
        source="Diagnostic study 2019",
        assessed_on=date(2019, 4, 1),
        user=curator,
    )
    return big, middle, small, draft


def rows_of(response):
    return [row.candidate.slug for row in response.context["rows"]]


def test_page_ranks_published_clusters_and_explains_the_method(client, three):
    """The page ranks the published clusters (never a draft) and says how each parameter is
    computed, quoting Q43."""
    big, middle, small, draft = three
    response = client.get(SELECTION)
    assert response.status_code == 200
    text = response.content.decode()
    assert "FAQ Q43" in text
    assert "How the score is computed" in text
    assert "logarithmic scale" in text
    assert draft.slug not in text
    # Equal weights: socio-environmental (known only for the small cluster, rated 5)
    # counts for it; the economy puts the big cluster first.
    assert set(rows_of(response)) == {big.slug, middle.slug, small.slug}


def test_changed_weights_change_the_ranking(client, three):
    """Weighing only the economy ranks by size; weighing only the socio-environmental
    concerns ranks the cluster judged to have severe concerns alone."""
    big, middle, small, _draft = three
    economy_only = "?w_economy=5&w_replicability=0&w_socio_environmental=0&w_future_prospects=0"
    economy_only += "&w_likely_success=0&w_complementary_efforts=0"
    response = client.get(SELECTION + economy_only)
    assert rows_of(response) == [big.slug, middle.slug, small.slug]
    concerns_only = economy_only.replace("w_economy=5", "w_economy=0").replace(
        "w_socio_environmental=0", "w_socio_environmental=3"
    )
    response = client.get(SELECTION + concerns_only)
    assert rows_of(response) == [small.slug]
    assert response.context["unranked_count"] == 2
    assert "not ranked" in response.content.decode()


def test_a_missing_value_is_never_zero_it_lowers_the_coverage(client, three):
    """A cluster with no turnover is scored on what is known, and its coverage says so."""
    big, middle, small, _draft = three
    response = client.get(SELECTION + "?w_economy=1&w_socio_environmental=1")
    rows = {row.candidate.slug: row for row in response.context["selection"].ranked}
    # Middle: economy known, no judgement of concerns: the score is its economy value alone.
    values = {value.key: value for value in rows[middle.slug].values}
    assert values["socio_environmental"].value is None
    assert values["future_prospects"].value is None
    assert "socio-environmental" in [str(label) for label in rows[middle.slug].missing]
    assert rows[middle.slug].coverage < 1
    # The weighted mean of the known values only (economy and replicability here).
    known = [values[key].value for key in ("economy", "replicability")]
    assert all(value is not None for value in known)
    assert rows[middle.slug].score == pytest.approx(100 * sum(known) / 2)
    assert rows[middle.slug].coverage == pytest.approx(2 / 6)
    assert "33%" in response.content.decode()


def test_min_coverage_leaves_out_clusters_with_too_little_known(client, three):
    big, middle, small, _draft = three
    response = client.get(SELECTION + "?min_coverage=50")
    ranked = rows_of(response)
    # Economy, replicability, likely success?: only the small cluster also has a judgement.
    for row in response.context["selection"].ranked:
        if row.rank is not None:
            assert row.coverage >= 0.5
    assert small.slug in ranked


def test_list_filters_narrow_the_candidates_and_show_as_chips(client, three):
    big, middle, small, _draft = three
    response = client.get(SELECTION + "?cluster_type=handicraft&w_economy=2")
    assert rows_of(response) == [small.slug]
    chips = response.context["chips"]
    assert [(chip.label, chip.value) for chip in chips] == [("Type", "Handicraft")]
    # Removing the chip keeps the weights: the shortlist's address stays shareable.
    assert "w_economy=2" in chips[0].remove_url


def test_invalid_weight_or_filter_is_reported_not_ignored(client, three):
    response = client.get(SELECTION + "?w_economy=9")
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "A filter value is not valid" in response.content.decode()
    response = client.get(SELECTION + "?enterprise_count_min=many")
    assert response.context["rows"] == []
    zero = "&".join(
        f"w_{key}=0"
        for key in (
            "economy",
            "replicability",
            "socio_environmental",
            "future_prospects",
            "likely_success",
            "complementary_efforts",
        )
    )
    response = client.get(SELECTION + "?" + zero)
    assert "at least one parameter a weight above 0" in response.content.decode()


def test_csv_holds_every_candidate_with_values_contributions_and_rank(client, three):
    big, middle, small, _draft = three
    response = client.get(CSV_URL + "?w_economy=5&w_socio_environmental=0")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["slug"] for row in rows] == [big.slug, middle.slug, small.slug]
    assert [row["rank"] for row in rows] == ["1", "2", "3"]
    first = rows[0]
    assert first["economy_weight"] == "5"
    assert float(first["economy_contribution"]) == pytest.approx(5 * float(first["economy_value"]))
    assert first["socio_environmental_weight"] == "0"
    assert "prospects" in first["missing"].split("; ")
    assert "employment" in first["economy_inputs"]
    assert client.get(CSV_URL + "?w_economy=x").status_code == 400


def test_likely_success_counts_associations_networks_and_links(client, three):
    """Parameter (v) is computed for a cluster with stakeholders, unknown for one without."""
    big, middle, _small, _draft = three
    association = factories.StakeholderFactory(name="Knitwear Club", kind=Kind.ASSOCIATION)
    factories.MembershipFactory(cluster=big, stakeholder=association)
    factories.RelationshipFactory(cluster=big)
    response = client.get(SELECTION + "?w_likely_success=1")
    rows = {row.candidate.slug: row for row in response.context["selection"].ranked}
    big_success = next(v for v in rows[big.slug].values if v.key == "likely_success")
    middle_success = next(v for v in rows[middle.slug].values if v.key == "likely_success")
    assert big_success.value is not None and "1 associations" in big_success.detail
    assert middle_success.value is None


def test_page_and_csv_queries_are_bounded(
    client, three, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """The page reads the same few queries for 3 candidates as for 40."""
    client.get(SELECTION)  # the kept filter options and similar counts
    with django_assert_max_num_queries(12):
        client.get(SELECTION + "?w_economy=2")
    # The writes "commit": the kept values are renewed, as after a real write.
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(40):
            cluster = factories.ClusterFactory(figures={"employment": 100 + number})
            if number % 5 == 0:
                assessment_record(
                    cluster=cluster,
                    parameter=AssessmentParameter.FUTURE_PROSPECTS,
                    rating=4,
                    source="Survey",
                    assessed_on=date(2024, 1, 1),
                )
    client.get(SELECTION)
    with django_assert_max_num_queries(12):
        response = client.get(SELECTION + "?w_economy=3")
    assert len(response.context["rows"]) == 43
    with django_assert_max_num_queries(12):
        assert client.get(CSV_URL + "?w_economy=3").status_code == 200


def test_reserved_words_are_never_cluster_slugs():
    """A cluster whose product and place would make the slug of a page gets another."""
    for word in ("selection", "compare"):
        cluster = factories.ClusterFactory(product="-", place=word)
        assert cluster.slug != word
        assert (
            reverse("clusters:cluster_detail", kwargs={"slug": cluster.slug})
            != f"/clusters/{word}/"
        )


def test_bulk_slugs_avoid_the_reserved_words_too():
    """The bulk path (imports, scale data) reserves the same words."""
    from types import SimpleNamespace

    from clusters.models import Cluster
    from clusters.services import assign_unique_slugs

    objects = [SimpleNamespace(slug=""), SimpleNamespace(slug="")]
    assign_unique_slugs(Cluster, objects, ["Selection", "compare"])
    assert [obj.slug for obj in objects] == ["selection-2", "compare-2"]


@pytest.mark.django_db
def test_recorded_initiatives_count_as_complementary_efforts(client):
    """(vi) comes from the published initiatives of each cluster; none is missing, not 0."""
    from clusters.choices import PublicationStatus
    from tests.factories import ClusterFactory, InitiativeFactory

    helped = ClusterFactory(product="Brassware", place="Moradabad")
    ClusterFactory(product="Locks", place="Aligarh")
    InitiativeFactory(cluster=helped, status=PublicationStatus.PUBLISHED)
    InitiativeFactory(cluster=helped, status=PublicationStatus.PUBLISHED)
    InitiativeFactory(cluster=helped, status=PublicationStatus.DRAFT)
    response = client.get("/clusters/selection.csv?w_complementary_efforts=1")
    rows = {row["product"]: row for row in csv.DictReader(io.StringIO(response.content.decode()))}
    assert "2 other initiatives" in response.content.decode()
    assert "complementary" in rows["Locks"]["missing"].lower()
    assert "complementary" not in rows["Brassware"]["missing"].lower()


# The tables the ranking's inputs are read from (judgements, stakeholder counts, initiatives).
INPUT_TABLES = (
    "clusters_clusterassessment",
    "stakeholders_networksummary",
    "stakeholders_clustermembership",
    "stakeholders_network",
    "programmes_initiative",
)


def _queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, [query["sql"] for query in captured.captured_queries]


def test_a_second_render_reads_no_ranking_input_again(client, three):
    """The ranking's inputs are kept per public version: another render, with other
    weights and filters, reads only its candidates, never the judgements, stakeholders
    or initiatives again."""
    _, first = _queries_of(client, SELECTION)
    assert any(table in sql for sql in first for table in INPUT_TABLES)
    for url in (SELECTION + "?w_economy=3", SELECTION + "?cluster_type=handicraft"):
        response, again = _queries_of(client, url)
        assert len(again) < len(first)
        assert not [sql for sql in again if any(table in sql for table in INPUT_TABLES)]
        assert response.context["rows"]
    # The CSV ranks on the same kept inputs.
    response, csv_queries = _queries_of(client, CSV_URL + "?w_economy=3")
    assert not [sql for sql in csv_queries if any(table in sql for table in INPUT_TABLES)]


def test_a_published_change_shows_in_the_next_ranking(
    client, three, django_capture_on_commit_callbacks
):
    """A judgement or an initiative that the public sees renews the kept inputs."""
    big, *_ = three

    def value_of(key):
        response = client.get(SELECTION)
        row = next(row for row in response.context["rows"] if row.candidate.id == big.pk)
        return next(value for value in row.values if value.key == key)

    assert value_of("future_prospects").value is None
    assert value_of("complementary_efforts").value is None
    with django_capture_on_commit_callbacks(execute=True):
        assessment_record(
            cluster=big,
            parameter=AssessmentParameter.FUTURE_PROSPECTS,
            rating=4,
            source="Export council outlook 2025",
            assessed_on=date(2025, 1, 10),
        )
        factories.InitiativeFactory(cluster=big, status=PublicationStatus.PUBLISHED)
    assert value_of("future_prospects").detail.startswith("4/5")
    assert "1 other initiatives" in value_of("complementary_efforts").detail
