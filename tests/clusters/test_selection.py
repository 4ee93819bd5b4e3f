"""The selection rules of FAQ Q43 (clusters.selection): pure functions over plain inputs."""

from datetime import date

import pytest

from clusters import selection
from clusters.assessments import Judgement, assessment_record, newest_judgements
from clusters.choices import AssessmentParameter
from clusters.selection import Candidate, SuccessInputs, rank_clusters, similar_counts
from common.history import change_set
from tests import factories


def candidate(pk, **values):
    defaults = {
        "slug": f"c{pk}",
        "product": f"Product {pk}",
        "place": "Place",
        "state": "",
        "cluster_type": "industrial",
        "sector_id": None,
        "employment": None,
        "annual_turnover": None,
        "annual_exports": None,
        "currency": "INR",
    }
    return Candidate(id=pk, **{**defaults, **values})


def judged(parameter, rating):
    return Judgement(
        parameter=parameter,
        parameter_label=parameter,
        rating=rating,
        rating_label="",
        source="s",
        assessed_on=date(2024, 1, 1),
        note="",
    )


def only(**weights):
    return {key: weights.get(key, 0) for key in selection.PARAMETER_KEYS}


def rank(candidates, weights, *, similar=None, success=None, judgements=None, **kwargs):
    return rank_clusters(
        candidates=candidates,
        weights=weights,
        similar=similar or {c.id: 0 for c in candidates},
        success_inputs=success or {},
        judgements=judgements or {},
        **kwargs,
    )


def test_score_is_the_weighted_mean_of_known_values_never_zero_for_missing():
    """Two clusters equal in what is known score the same, whatever the other lacks."""
    a = candidate(1, employment=1000)
    b = candidate(2, employment=1000)
    judgements = {1: {"future_prospects": judged("future_prospects", 5)}}
    rows = {
        row.candidate.id: row
        for row in rank([a, b], only(economy=1, future_prospects=1), judgements=judgements)
    }
    # a: economy 1.0 (all equal), prospects 1.0 -> 100; b: economy alone -> 100, coverage 1/2.
    assert rows[1].score == pytest.approx(100)
    assert rows[2].score == pytest.approx(100)
    assert rows[1].coverage == pytest.approx(1)
    assert rows[2].coverage == pytest.approx(0.5)
    assert [str(label) for label in rows[2].missing] == ["prospects"]
    # Equal scores: the better covered first.
    assert [
        row.candidate.id
        for row in rank([b, a], only(economy=1, future_prospects=1), judgements=judgements)
    ] == [1, 2]


def test_economy_is_log_scaled_among_candidates_and_averages_known_measures():
    small = candidate(1, employment=100, annual_turnover=10**6)
    big = candidate(2, employment=100_000)
    foreign = candidate(3, employment=10_000, annual_turnover=10**9, currency="EUR")
    rows = {row.candidate.id: row for row in rank([small, big, foreign], only(economy=1))}
    economy = {pk: row.values[0] for pk, row in rows.items()}
    assert economy[1].value == pytest.approx((0 + 1) / 2)  # smallest staff, only rupee turnover
    assert economy[2].value == pytest.approx(1.0)
    # Middle on a log scale; the euro turnover is left out (unknown), not converted.
    assert economy[3].value == pytest.approx((4.0 - 2.0) / (5.0 - 2.0), abs=0.01)
    assert "turnover ?" in economy[3].detail


def test_a_cluster_with_nothing_known_is_not_ranked():
    rows = rank([candidate(1), candidate(2, employment=5)], only(economy=1))
    assert rows[0].candidate.id == 2 and rows[0].rank == 1
    assert rows[1].score is None and rows[1].rank is None and rows[1].coverage == 0


def test_min_coverage_keeps_out_clusters_below_it():
    a = candidate(1, employment=5)
    judgements = {1: {"socio_environmental": judged("socio_environmental", 2)}}
    b = candidate(2, employment=50)
    rows = rank(
        [a, b], only(economy=1, socio_environmental=1), judgements=judgements, min_coverage=0.75
    )
    assert [(row.candidate.id, row.rank) for row in rows] == [(1, 1), (2, None)]


def test_socio_environmental_concern_raises_the_priority():
    """More concern (a higher rating) is more in favour of selection (FAQ Q43 iii)."""
    judgements = {
        1: {"socio_environmental": judged("socio_environmental", 5)},
        2: {"socio_environmental": judged("socio_environmental", 1)},
    }
    rows = rank([candidate(1), candidate(2)], only(socio_environmental=1), judgements=judgements)
    assert [(row.candidate.id, row.score) for row in rows] == [(1, 100), (2, 0)]


def test_likely_success_needs_stakeholders_and_blends_a_judgement():
    success = {
        1: SuccessInputs(actors=10, associations=2, networks=1, links=30),
        2: SuccessInputs(actors=4, associations=0, networks=0, links=0),
        3: SuccessInputs(actors=0, associations=0, networks=0, links=0),
    }
    judgements = {2: {"likely_success": judged("likely_success", 5)}}
    rows = {
        row.candidate.id: row.values[4]
        for row in rank(
            [candidate(1), candidate(2), candidate(3)],
            only(likely_success=1),
            success=success,
            judgements=judgements,
        )
    }
    assert rows[1].value == pytest.approx(1.0)
    assert rows[2].value == pytest.approx((0 + 1) / 2)
    assert rows[3].value is None  # no stakeholders recorded: unknown, not zero


def test_complementary_efforts_take_initiative_counts_when_given():
    rows = {
        row.candidate.id: row.values[5]
        for row in rank(
            [candidate(1), candidate(2), candidate(3)],
            only(complementary_efforts=1),
            judgements={3: {"complementary_efforts": judged("complementary_efforts", 3)}},
            initiative_counts={1: 0, 2: 6},
        )
    }
    assert rows[1].value == 0 and rows[2].value == 1 and rows[3].value == 0.5


def test_similar_counts_by_product_or_sector_and_type():
    rows = [
        (1, "Brass ware", 7, "handicraft"),
        (2, "brass  WARE", None, "industrial"),
        (3, "Bell metal", 7, "handicraft"),
        (4, "Brass ware", 7, "handicraft"),
        (5, "Leather", 8, "industrial"),
    ]
    assert similar_counts(rows) == {1: 3, 2: 2, 3: 2, 4: 3, 5: 0}


def test_contribution_is_weight_times_value():
    rows = rank([candidate(1, employment=3), candidate(2, employment=300)], only(economy=4))
    top = rows[0].values[0]
    assert top.contribution == pytest.approx(4.0) and top.bar_percent == 80


@pytest.mark.django_db
def test_the_newest_judgement_counts_and_drafts_stay_out(curator):
    cluster = factories.ClusterFactory()
    draft = factories.ClusterFactory(status="draft")
    for rating, day in ((2, date(2020, 1, 1)), (4, date(2023, 1, 1)), (3, date(2021, 1, 1))):
        with change_set(user=curator, reason="test"):
            assessment_record(
                cluster=cluster,
                parameter=AssessmentParameter.FUTURE_PROSPECTS,
                rating=rating,
                source="Study",
                assessed_on=day,
                user=curator,
            )
    assessment_record(
        cluster=draft,
        parameter="future_prospects",
        rating=5,
        source="x",
        assessed_on=date(2024, 1, 1),
    )
    newest = newest_judgements()
    assert newest[cluster.pk]["future_prospects"].rating == 4
    assert draft.pk not in newest
    assert cluster.assessments.first().history.first().history_user == curator


@pytest.mark.django_db
def test_a_judgement_needs_a_source_and_a_rating_from_1_to_5():
    from django.core.exceptions import ValidationError

    cluster = factories.ClusterFactory()
    with pytest.raises(ValidationError):
        assessment_record(
            cluster=cluster,
            parameter="future_prospects",
            rating=6,
            source="x",
            assessed_on=date(2024, 1, 1),
        )
    with pytest.raises(ValidationError):
        assessment_record(
            cluster=cluster,
            parameter="future_prospects",
            rating=3,
            source=" ",
            assessed_on=date(2024, 1, 1),
        )
