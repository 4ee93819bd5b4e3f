"""Classification by the benchmarks: UNIDO India by default (FAQ Q7-8), potential clusters
below them (Q20), blank as unknown, curators' extra and country-scoped benchmarks."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from clusters import services
from clusters.choices import ClassificationStatus, ClusterType, Measure
from clusters.classification import BenchmarkRule, classify
from clusters.models import Benchmark, Cluster
from common.history import change_set
from tests.factories import BenchmarkFactory, ClusterFactory, foreign_region

QUALIFIES = ClassificationStatus.QUALIFIES
POTENTIAL = ClassificationStatus.POTENTIAL
INSUFFICIENT = ClassificationStatus.INSUFFICIENT_DATA
NO_BENCHMARK = ClassificationStatus.NO_BENCHMARK

UNIDO = [
    BenchmarkRule(ClusterType.INDUSTRIAL, Measure.ENTERPRISES, 100),
    BenchmarkRule(ClusterType.HANDICRAFT, Measure.ENTERPRISES, 50),
    BenchmarkRule(ClusterType.HANDLOOM, Measure.LOOMS, 500),
]
TURNOVER = BenchmarkRule(
    ClusterType.INDUSTRIAL, Measure.TURNOVER, 100_000_000, authority="Cluster Observatory India"
)
ITALY = BenchmarkRule(
    ClusterType.INDUSTRIAL, Measure.ENTERPRISES, 20, authority="Italian district law", country="IT"
)

# (cluster type, figures, expected status): the UNIDO table of the FAQ, at its boundaries.
UNIDO_TABLE = [
    pytest.param("industrial", {"enterprise_count": 99}, POTENTIAL, id="industrial-99"),
    pytest.param("industrial", {"enterprise_count": 100}, QUALIFIES, id="industrial-100"),
    pytest.param("industrial", {"enterprise_count": 9000}, QUALIFIES, id="industrial-9000"),
    pytest.param("handicraft", {"enterprise_count": 49}, POTENTIAL, id="handicraft-49"),
    pytest.param("handicraft", {"enterprise_count": 50}, QUALIFIES, id="handicraft-50"),
    pytest.param("handloom", {"loom_count": 499}, POTENTIAL, id="handloom-499-looms"),
    pytest.param("handloom", {"loom_count": 500}, QUALIFIES, id="handloom-500-looms"),
    pytest.param(
        "handloom",
        {"enterprise_count": 5000, "artisan_count": 7000},
        INSUFFICIENT,
        id="handloom-without-looms",
    ),
    pytest.param(
        "handicraft", {"artisan_count": 5000}, INSUFFICIENT, id="handicraft-counts-enterprises"
    ),
    pytest.param("industrial", {"enterprise_count": 0}, POTENTIAL, id="zero-is-a-count"),
    pytest.param("industrial", {"enterprise_count": None}, INSUFFICIENT, id="blank-is-unknown"),
    pytest.param("handloom", {"loom_count": 0}, POTENTIAL, id="zero-looms"),
    pytest.param("industrial", {}, INSUFFICIENT, id="no-figures"),
    pytest.param("service", {"enterprise_count": 5000}, NO_BENCHMARK, id="service"),
    pytest.param("service", {}, NO_BENCHMARK, id="service-no-figures"),
]


@pytest.mark.parametrize(("cluster_type", "figures", "expected"), UNIDO_TABLE)
def test_classify_by_the_unido_benchmarks(cluster_type, figures, expected):
    """The pure function applies the UNIDO India benchmarks of FAQ Q7 to the current figures."""
    assert classify(cluster_type, figures, UNIDO).status == expected


@pytest.mark.parametrize(("cluster_type", "figures", "expected"), UNIDO_TABLE)
def test_stored_cluster_is_classified_by_the_migrated_benchmarks(
    db, cluster_type, figures, expected
):
    """A cluster saved through the services carries the same status, stored for filtering."""
    cluster = ClusterFactory(cluster_type=cluster_type, figures=figures)
    assert Cluster.objects.get(pk=cluster.pk).classification_status == expected
    assert Cluster.objects.filter(classification_status=expected).count() == 1


@pytest.mark.parametrize(
    ("figures", "expected", "measure"),
    [
        pytest.param(
            {"enterprise_count": 60, "annual_turnover": 4_000_000_000},
            QUALIFIES,
            Measure.TURNOVER,
            id="turnover-met",
        ),
        pytest.param(
            {"enterprise_count": 120, "annual_turnover": 50_000_000},
            QUALIFIES,
            Measure.ENTERPRISES,
            id="enterprises-met",
        ),
        pytest.param(
            {"enterprise_count": 120}, QUALIFIES, Measure.ENTERPRISES, id="only-one-known"
        ),
        pytest.param(
            {"enterprise_count": 60, "annual_turnover": 50_000_000},
            POTENTIAL,
            Measure.ENTERPRISES,
            id="neither-met",
        ),
        pytest.param(
            {"annual_turnover": 50_000_000}, POTENTIAL, Measure.TURNOVER, id="known-one-below"
        ),
        pytest.param(
            {"annual_turnover": 100_000_000}, QUALIFIES, Measure.TURNOVER, id="turnover-boundary"
        ),
        pytest.param({}, INSUFFICIENT, Measure.ENTERPRISES, id="neither-known"),
    ],
)
def test_two_benchmarks_for_one_type_mean_either(figures, expected, measure):
    """With enterprises >= 100 OR turnover >= Rs 10 crore, meeting either one qualifies."""
    result = classify("industrial", figures, [*UNIDO, TURNOVER])
    assert (result.status, result.measure) == (expected, measure)


def test_benchmark_met_by_turnover_names_it_in_the_reason():
    """Rajkot aluminium (60 units, Rs 400 crore) qualifies on turnover, and the reason says so."""
    result = classify(
        "industrial", {"enterprise_count": 60, "annual_turnover": 4_000_000_000}, [*UNIDO, TURNOVER]
    )
    assert result.value == 4_000_000_000
    assert result.threshold == 100_000_000
    assert result.reason == (
        "annual turnover of ₹400 crore ≥ ₹10 crore: "
        "an industrial cluster by the Cluster Observatory India benchmark."
    )


def test_potential_cluster_reason_lists_the_measures_not_recorded():
    """A potential cluster tested on one benchmark says which other measure was missing."""
    result = classify("industrial", {"annual_turnover": 50_000_000}, [*UNIDO, TURNOVER])
    assert result.reason.startswith("annual turnover of ₹5 crore < ₹10 crore")
    assert "Not recorded, so not tested: enterprises." in result.reason


def test_insufficient_data_reason_names_every_measure_needed():
    """Without any of the measures, the reason names each one and its threshold."""
    result = classify("industrial", {}, [*UNIDO, TURNOVER])
    assert "the number of enterprises (≥ 100)" in result.reason
    assert "the annual turnover (≥ ₹10 crore)" in result.reason
    assert "blank is unknown, not zero" in result.reason


@pytest.mark.parametrize(
    ("cluster_type", "figures", "country", "expected", "threshold"),
    [
        pytest.param("industrial", {"enterprise_count": 25}, "IT", QUALIFIES, 20, id="IT-25"),
        pytest.param("industrial", {"enterprise_count": 15}, "IT", POTENTIAL, 20, id="IT-15"),
        pytest.param("industrial", {"enterprise_count": 25}, "IN", POTENTIAL, 100, id="IN-25"),
        pytest.param("industrial", {"enterprise_count": 25}, "FR", POTENTIAL, 100, id="FR-25"),
        pytest.param(
            "handicraft", {"enterprise_count": 30}, "IT", POTENTIAL, 50, id="IT-other-type"
        ),
        pytest.param(
            "industrial",
            {"annual_turnover": 4_000_000_000},
            "IT",
            INSUFFICIENT,
            20,
            id="IT-replaces-defaults",
        ),
    ],
)
def test_country_benchmark_overrides_the_defaults_for_that_country_only(
    cluster_type, figures, country, expected, threshold
):
    """An Italian benchmark replaces the defaults for Italian clusters of its type, nowhere else."""
    result = classify(cluster_type, figures, [*UNIDO, TURNOVER, ITALY], country=country)
    assert (result.status, result.threshold) == (expected, threshold)


@pytest.mark.parametrize(
    ("cluster_type", "figures", "reason"),
    [
        pytest.param(
            "handloom",
            {"loom_count": 3200},
            "3,200 looms ≥ 500: a handloom cluster by the UNIDO benchmark.",
            id="phulia",
        ),
        pytest.param(
            "industrial",
            {"enterprise_count": 60},
            "60 enterprises < 100: a potential industrial cluster, below the UNIDO benchmark.",
            id="rajkot",
        ),
        pytest.param(
            "industrial",
            {"enterprise_count": 120_000},
            "1,20,000 enterprises ≥ 100: an industrial cluster by the UNIDO benchmark.",
            id="indian-grouping",
        ),
        pytest.param(
            "handicraft",
            {"enterprise_count": 675},
            "675 enterprises ≥ 50: a handicraft cluster by the UNIDO benchmark.",
            id="ghruni",
        ),
        pytest.param(
            "service",
            {"enterprise_count": 10},
            "No benchmark is set for service clusters, so it is not classified.",
            id="service",
        ),
    ],
)
def test_reason_sentence_explains_the_status(cluster_type, figures, reason):
    """The reason reads as a sentence with the value, the threshold and the verdict."""
    assert classify(cluster_type, figures, UNIDO).reason == reason


def test_insufficient_handloom_reason_asks_for_looms():
    """A handloom cluster with enterprises but no looms is told that looms are what it needs."""
    result = classify("handloom", {"enterprise_count": 5000}, UNIDO)
    assert result.reason == (
        "Not classified: the handloom benchmark needs the number of looms (≥ 500), "
        "which is not recorded (blank is unknown, not zero)."
    )
    assert (result.measure, result.value, result.threshold) == (Measure.LOOMS, None, 500)


def test_result_carries_measure_value_and_threshold():
    """The result names the measure and value it rests on and the threshold it was held to."""
    result = classify("handloom", {"loom_count": 3200, "enterprise_count": 4}, UNIDO)
    assert (result.measure, result.value, result.threshold) == (Measure.LOOMS, 3200, 500)


def test_foreign_counts_use_international_grouping():
    """A count outside India reads with groups of three (12,000, not 12,000 the Indian way)."""
    result = classify("industrial", {"enterprise_count": 1_234_567}, UNIDO, country="IT")
    assert result.reason.startswith("1,234,567 enterprises ≥ 100")


# Stored classification follows figures and benchmarks -----------------------------------


def test_stored_classification_keeps_value_threshold_and_reason(db):
    """The cluster stores the measure, value, threshold and sentence it was classified on."""
    cluster = ClusterFactory(cluster_type="handloom", figures={"loom_count": 3200})
    cluster.refresh_from_db()
    assert cluster.classification_status == QUALIFIES
    assert cluster.classification_measure == Measure.LOOMS
    assert (cluster.classification_value, cluster.classification_threshold) == (3200, 500)
    assert "3,200 looms ≥ 500" in cluster.classification_reason


def test_recording_figures_reclassifies(db):
    """A handloom cluster without looms is unclassified until its loom count is recorded."""
    cluster = ClusterFactory(cluster_type="handloom", figures={"enterprise_count": 900})
    assert cluster.classification_status == INSUFFICIENT

    services.cluster_record_figures(
        cluster=cluster, values={"loom_count": 3200}, provenance=services.Provenance(year="2016")
    )

    cluster.refresh_from_db()
    assert cluster.classification_status == QUALIFIES
    assert "3,200 looms ≥ 500" in cluster.classification_reason


def test_newer_smaller_figure_makes_a_potential_cluster(db):
    """When a newer figure falls below the benchmark, the cluster becomes a potential one."""
    cluster = ClusterFactory(
        figures={"enterprise_count": 120}, provenance=services.Provenance(year="2010-11")
    )
    assert cluster.classification_status == QUALIFIES

    services.cluster_record_figures(
        cluster=cluster,
        values={"enterprise_count": 80},
        provenance=services.Provenance(year="2016-17", source="District survey"),
    )

    cluster.refresh_from_db()
    assert cluster.classification_status == POTENTIAL
    assert "80 enterprises < 100" in cluster.classification_reason


def test_changing_the_type_reclassifies(db):
    """Turning an industrial cluster of 60 units into a handicraft one makes it qualify."""
    cluster = ClusterFactory(figures={"enterprise_count": 60})
    assert cluster.classification_status == POTENTIAL

    services.cluster_update(cluster=cluster, data={"cluster_type": ClusterType.HANDICRAFT})

    cluster.refresh_from_db()
    assert cluster.classification_status == QUALIFIES


def test_saving_a_new_benchmark_reclassifies_clusters_of_its_type(db):
    """Adding 'or turnover >= Rs 10 crore' makes Rajkot aluminium qualify; others are untouched."""
    rajkot = ClusterFactory(figures={"enterprise_count": 60, "annual_turnover": 4_000_000_000})
    small = ClusterFactory(figures={"enterprise_count": 60, "annual_turnover": 5_000_000})
    craft = ClusterFactory(cluster_type="handicraft", figures={"annual_turnover": 4_000_000_000})
    assert rajkot.classification_status == POTENTIAL

    changed = services.benchmark_save(
        benchmark=Benchmark(
            cluster_type="industrial",
            measure="annual_turnover",
            threshold=100_000_000,
            authority="Cluster Observatory India",
        )
    )

    assert changed == 1
    statuses = dict(
        Cluster.objects.filter(pk__in=[rajkot.pk, small.pk, craft.pk]).values_list(
            "pk", "classification_status"
        )
    )
    assert statuses == {rajkot.pk: QUALIFIES, small.pk: POTENTIAL, craft.pk: INSUFFICIENT}
    rajkot.refresh_from_db()
    assert "Cluster Observatory India benchmark" in rajkot.classification_reason


def test_editing_a_threshold_reclassifies(db):
    """Lowering the industrial benchmark to 50 makes a cluster of 60 units qualify."""
    cluster = ClusterFactory(figures={"enterprise_count": 60})
    benchmark = Benchmark.objects.get(cluster_type="industrial", country="")
    benchmark.threshold = 50

    services.benchmark_save(benchmark=benchmark)

    cluster.refresh_from_db()
    assert cluster.classification_status == QUALIFIES
    assert cluster.classification_reason.startswith("60 enterprises ≥ 50")


def test_moving_a_benchmark_to_another_type_reclassifies_both_types(db):
    """A benchmark moved from handicraft to service leaves handicraft clusters unbenchmarked."""
    craft = ClusterFactory(cluster_type="handicraft", figures={"enterprise_count": 60})
    service = ClusterFactory(cluster_type="service", figures={"enterprise_count": 60})
    benchmark = Benchmark.objects.get(cluster_type="handicraft")
    benchmark.cluster_type = ClusterType.SERVICE

    assert services.benchmark_save(benchmark=benchmark) == 2

    craft.refresh_from_db()
    service.refresh_from_db()
    assert craft.classification_status == NO_BENCHMARK
    assert service.classification_status == QUALIFIES


def test_a_second_benchmark_for_the_same_type_measure_and_country_is_refused(db):
    """Two thresholds for one measure of one type in one scope would contradict each other."""
    with pytest.raises(ValidationError, match="A benchmark for this type, measure and country"):
        services.benchmark_save(
            benchmark=Benchmark(
                cluster_type="industrial", measure="enterprise_count", threshold=80, authority="X"
            )
        )

    assert Benchmark.objects.filter(cluster_type="industrial").count() == 1


def test_deleting_a_benchmark_reclassifies(db):
    """Without the turnover benchmark Rajkot aluminium is a potential cluster again."""
    cluster = ClusterFactory(figures={"enterprise_count": 60, "annual_turnover": 4_000_000_000})
    turnover = BenchmarkFactory()
    services.clusters_reclassify()
    cluster.refresh_from_db()
    assert cluster.classification_status == QUALIFIES

    services.benchmark_delete(benchmark=turnover)

    cluster.refresh_from_db()
    assert cluster.classification_status == POTENTIAL


def test_deleting_the_only_benchmark_leaves_no_benchmark(db):
    """With the handloom benchmark gone, handloom clusters are not classified."""
    cluster = ClusterFactory(cluster_type="handloom", figures={"loom_count": 3200})

    services.benchmark_delete(benchmark=Benchmark.objects.get(cluster_type="handloom"))

    cluster.refresh_from_db()
    assert cluster.classification_status == NO_BENCHMARK


def test_country_benchmark_applies_to_that_countrys_stored_clusters_only(db):
    """An Italian benchmark of 20 units makes an Italian cluster of 25 qualify, not an Indian one."""
    prato = ClusterFactory(
        product="Knitwear",
        place="Prato",
        region=foreign_region("Tuscany", "IT"),
        country="IT",
        figures={"enterprise_count": 25},
    )
    ludhiana = ClusterFactory(figures={"enterprise_count": 25})
    assert prato.classification_status == POTENTIAL

    services.benchmark_save(
        benchmark=Benchmark(
            cluster_type="industrial",
            measure="enterprise_count",
            threshold=20,
            country="IT",
            authority="Italian district law",
        )
    )

    prato.refresh_from_db()
    ludhiana.refresh_from_db()
    assert prato.classification_status == QUALIFIES
    assert prato.classification_reason == (
        "25 enterprises ≥ 20: an industrial cluster by the Italian district law benchmark."
    )
    assert ludhiana.classification_status == POTENTIAL
    assert ludhiana.classification_threshold == 100


def test_reclassification_is_in_the_history_with_who_and_why(curator):
    """Clusters reclassified after a benchmark change get history rows naming user and reason."""
    cluster = ClusterFactory(figures={"enterprise_count": 60})
    before = cluster.history.count()
    benchmark = Benchmark.objects.get(cluster_type="industrial", country="")
    benchmark.threshold = 50

    with change_set(user=curator, reason="benchmark review") as changes:
        services.benchmark_save(benchmark=benchmark)

    assert cluster.history.count() == before + 1
    latest = cluster.history.latest()
    assert latest.classification_status == QUALIFIES
    assert latest.history_user == curator
    assert latest.history_change_reason == f"benchmark review #{changes.id}"


# manage.py classify_clusters ------------------------------------------------------------


def test_classify_clusters_recomputes_stale_classifications(db):
    """After benchmarks change behind the services' back, the command puts things right."""
    cluster = ClusterFactory(figures={"enterprise_count": 60})
    untouched = ClusterFactory(figures={"enterprise_count": 500})
    Benchmark.objects.filter(cluster_type="industrial").update(threshold=50)
    cluster.refresh_from_db()
    assert cluster.classification_status == POTENTIAL

    out = StringIO()
    call_command("classify_clusters", stdout=out)

    assert out.getvalue().strip() == "reclassified: 2 cluster(s) changed"
    cluster.refresh_from_db()
    untouched.refresh_from_db()
    assert cluster.classification_status == QUALIFIES
    assert untouched.classification_reason.startswith("500 enterprises ≥ 50")


def test_classify_clusters_changes_nothing_when_up_to_date(db):
    """Running the command on classifications that are current reports no change."""
    ClusterFactory(figures={"enterprise_count": 60})
    cluster_history = Cluster.history.count()
    out = StringIO()

    call_command("classify_clusters", stdout=out)

    assert out.getvalue().strip() == "reclassified: 0 cluster(s) changed"
    assert Cluster.history.count() == cluster_history


def test_classify_clusters_records_its_reason_in_the_history(db):
    """The history rows the command writes say that classify_clusters made them."""
    cluster = ClusterFactory(figures={"enterprise_count": 60})
    Benchmark.objects.filter(cluster_type="industrial").update(threshold=50)

    call_command("classify_clusters", stdout=StringIO())

    latest = cluster.history.latest()
    assert latest.classification_status == QUALIFIES
    assert latest.history_change_reason.startswith("classify_clusters #")


@pytest.mark.django_db
def test_an_amount_in_another_currency_is_not_compared_with_a_rupee_benchmark():
    """EUR 500 million of turnover does not meet 'turnover >= Rs 100 million': it is unknown."""
    rules = [
        BenchmarkRule("industrial", "annual_turnover", 100_000_000, "Cluster Observatory India")
    ]
    euro = classify(
        "industrial", {"annual_turnover": 500_000_000}, rules, country="IT", currency="EUR"
    )
    rupee = classify("industrial", {"annual_turnover": 500_000_000}, rules, currency="INR")
    assert euro.status == ClassificationStatus.INSUFFICIENT_DATA
    assert "₹10 crore" in euro.reason
    assert rupee.status == ClassificationStatus.QUALIFIES
