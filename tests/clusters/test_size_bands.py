"""Scheme size bands: the computed tags (clusters.size_bands) and the list filter."""

import pytest

from clusters.choices import ClusterType, PublicationStatus
from clusters.filtersets import ClusterFilterSet
from clusters.models import Cluster
from clusters.size_bands import SIZE_BANDS, size_bands
from tests.factories import ClusterFactory


def bands_of(cluster_type, **figures):
    return size_bands(cluster_type=cluster_type, figures=figures)


@pytest.mark.parametrize(
    ("artisans", "expected"),
    [(1, "sfurti_regular"), (500, "sfurti_regular"), (501, "sfurti_major"), (4000, "sfurti_major")],
)
def test_sfurti_bands_by_artisans(artisans, expected):
    """Up to 500 artisans is a regular SFURTI cluster, more than 500 a major one."""
    result = bands_of(ClusterType.HANDICRAFT, artisan_count=artisans)
    assert [band.value for band in result.bands] == [expected]
    assert "SFURTI" in result.results[0].sentence
    assert "Ministry of MSME" in result.results[0].source


def test_sfurti_unknown_artisans_gives_no_band():
    """A missing artisan count is no band and says the artisans are not known."""
    result = bands_of(ClusterType.HANDICRAFT, artisan_count=None)
    assert result.bands == []
    assert result.results[0].sentence.startswith("Artisans not known")


@pytest.mark.parametrize(
    ("looms", "expected"),
    [
        (200, "handloom_200_500"),
        (500, "handloom_200_500"),
        (2000, "handloom_2000_5000"),
        (5000, "handloom_2000_5000"),
        (25000, "handloom_mega"),
        (90000, "handloom_mega"),
    ],
)
def test_handloom_bands_by_looms(looms, expected):
    """A handloom cluster is in the loom band that holds its loom count."""
    result = bands_of(ClusterType.HANDLOOM, loom_count=looms, artisan_count=None)
    assert expected in [band.value for band in result.bands]
    looms_result = result.results[1]
    assert "Ministry of Textiles" in looms_result.source


@pytest.mark.parametrize("looms", [150, 600, 1999, 5001, 24999])
def test_loom_count_between_bands_is_in_no_band_and_says_so(looms):
    """600 looms is in no handloom band: the sentence says so instead of naming one."""
    result = bands_of(ClusterType.HANDLOOM, loom_count=looms, artisan_count=None)
    looms_result = result.results[1]
    assert looms_result.band is None
    assert "in no" in looms_result.sentence
    assert "from 200 to 500 looms" in looms_result.sentence


def test_handloom_cluster_gets_both_schemes():
    """A handloom cluster is sized by SFURTI (artisans) and by the handloom schemes (looms)."""
    result = bands_of(ClusterType.HANDLOOM, loom_count=3200, artisan_count=800)
    assert [band.value for band in result.bands] == ["sfurti_major", "handloom_2000_5000"]
    assert result.results[1].sentence.startswith("3,200 looms, from 2,000 to 5,000 looms")


@pytest.mark.parametrize("cluster_type", [ClusterType.INDUSTRIAL, ClusterType.SERVICE])
def test_other_types_have_no_scheme_band_and_a_reason(cluster_type):
    """Industrial and service clusters are sized by no scheme, with the reason why."""
    result = bands_of(cluster_type, artisan_count=900, loom_count=3000)
    assert result.results == ()
    assert "artisan clusters" in result.note


def test_handicraft_cluster_is_not_sized_by_looms():
    """The loom bands apply to handloom clusters only."""
    result = bands_of(ClusterType.HANDICRAFT, artisan_count=None, loom_count=30000)
    assert [r.scheme.key for r in result.results] == ["sfurti"]


@pytest.fixture
def sized(db):
    """Clusters on each side of the bands' edges, and a draft that no filter may show."""
    return {
        "regular": ClusterFactory(cluster_type="handicraft", figures={"artisan_count": 500}),
        "major": ClusterFactory(cluster_type="handicraft", figures={"artisan_count": 501}),
        "loom_small": ClusterFactory(
            cluster_type="handloom", figures={"loom_count": 350, "artisan_count": 700}
        ),
        "loom_gap": ClusterFactory(cluster_type="handloom", figures={"loom_count": 600}),
        "mega": ClusterFactory(cluster_type="handloom", figures={"loom_count": 30000}),
        "industrial": ClusterFactory(figures={"artisan_count": 300, "enterprise_count": 200}),
        "unknown": ClusterFactory(cluster_type="handicraft"),
    }


def filtered(values):
    filterset = ClusterFilterSet(
        {"size_band": values},
        queryset=Cluster.objects.filter(status=PublicationStatus.PUBLISHED),
    )
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("product", flat=True))


def test_filter_keeps_the_clusters_in_the_band(sized):
    """size_band=sfurti_regular keeps artisan clusters of up to 500 artisans, no other type."""
    assert filtered(["sfurti_regular"]) == {sized["regular"].product}
    assert filtered(["sfurti_major"]) == {sized["major"].product, sized["loom_small"].product}
    assert filtered(["handloom_mega"]) == {sized["mega"].product}


def test_filter_with_several_bands_keeps_any_of_them(sized):
    """Several bands mean any of them."""
    assert filtered(["handloom_200_500", "handloom_mega"]) == {
        sized["loom_small"].product,
        sized["mega"].product,
    }


def test_filter_agrees_with_the_computed_bands(sized):
    """The SQL filter and the profile's computed bands put every cluster in the same bands."""
    clusters = list(Cluster.objects.filter(status=PublicationStatus.PUBLISHED))
    for band in SIZE_BANDS:
        computed = {
            cluster.product
            for cluster in clusters
            if band
            in size_bands(
                cluster_type=cluster.cluster_type, figures=cluster.current_figures()
            ).bands
        }
        assert filtered([band.value]) == computed, band.value


def test_unknown_band_is_a_filter_error(db):
    """A band that does not exist is an error, not an unfiltered list."""
    filterset = ClusterFilterSet({"size_band": ["giant"]}, queryset=Cluster.objects.all())
    assert not filterset.is_valid()
    assert "size_band" in filterset.errors
