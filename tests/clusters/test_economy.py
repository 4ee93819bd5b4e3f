"""The weight of the clusters in the economy (clusters.economy): totals by group and by year."""

import pytest

from clusters.choices import Measure
from clusters.economy import economy_by, economy_over_time, economy_summary
from clusters.services import Provenance, cluster_record_figures
from tests.factories import ClusterFactory, SectorFactory, foreign_region, region


@pytest.fixture
def economy_clusters(db):
    """Published clusters with and without figures, one in euros, and a draft."""
    textiles = SectorFactory(name="Textiles", slug="textiles")
    ludhiana = ClusterFactory(
        product="Hosiery",
        place="Ludhiana",
        region=region("Punjab"),
        sector=textiles,
        figures={"employment": 500_000, "annual_turnover": 20_000_000_000},
        provenance=Provenance(year="2015-16"),
    )
    ClusterFactory(
        product="Bicycles",
        place="Ludhiana",
        region=region("Punjab"),
        figures={"employment": 100_000},
    )
    ClusterFactory(product="Forgings", place="Pune", region=region("Maharashtra"))
    ClusterFactory(
        product="Sarees",
        place="Phulia",
        cluster_type="handloom",
        region=region("West Bengal"),
        sector=textiles,
        figures={"employment": 800, "annual_turnover": 5_000_000},
    )
    ClusterFactory(
        product="Tiles",
        place="Sassuolo",
        region=foreign_region(),
        country="IT",
        figures={"employment": 20_000, "annual_turnover": 3_000_000_000},
        provenance=Provenance(year="2016", currency="EUR"),
    )
    ClusterFactory(
        product="Secret",
        place="Hidden",
        status="draft",
        region=region("Punjab"),
        figures={"employment": 999_999},
    )
    return ludhiana


def by_key(groups):
    return {group.key: group for group in groups}


def test_totals_by_state_count_who_has_the_figure(economy_clusters):
    """A state's total adds its published clusters with the figure and says how many."""
    states = by_key(economy_by("state")[Measure.EMPLOYMENT])
    punjab = states["punjab"]
    assert (punjab.total, punjab.known, punjab.clusters) == (600_000, 2, 2)
    assert states["west-bengal"].total == 800


def test_a_group_without_any_figure_is_not_known_not_zero(economy_clusters):
    """Maharashtra has a cluster but no employment figure: its total is None, not 0."""
    maharashtra = by_key(economy_by("state")[Measure.EMPLOYMENT])["maharashtra"]
    assert maharashtra.total is None
    assert (maharashtra.known, maharashtra.clusters) == (0, 1)


def test_groups_are_ranked_by_total_with_unknown_last(economy_clusters):
    """The largest total comes first; groups with no figure come after every known one."""
    names = [group.key for group in economy_by("state")[Measure.EMPLOYMENT]]
    assert names[0] == "punjab"
    assert names[-1] == "maharashtra"


def test_amounts_add_rupees_only_and_count_the_clusters_left_out(economy_clusters):
    """The euro turnover of Sassuolo is left out of the sum and counted as left out."""
    states = by_key(economy_by("state")[Measure.TURNOVER])
    lombardy = states["lombardy-it"] if "lombardy-it" in states else states["lombardy"]
    assert lombardy.total is None
    assert lombardy.other_currency == 1
    assert lombardy.known == 0
    assert states["punjab"].total == 20_000_000_000


def test_by_type_lists_every_type_in_order(economy_clusters):
    """Every cluster type has a row, in the usual order, even with no cluster."""
    groups = economy_by("type")[Measure.EMPLOYMENT]
    assert [group.key for group in groups] == ["industrial", "handicraft", "handloom", "service"]
    industrial, handicraft, handloom, service = groups
    assert industrial.total == 620_000
    assert (industrial.known, industrial.clusters) == (3, 4)
    assert handloom.total == 800
    assert service.clusters == 0 and service.total is None
    assert industrial.name == "industrial"


def test_by_sector_names_the_unrecorded_sector(economy_clusters):
    """Clusters without a sector are a group of their own (no key)."""
    sectors = by_key(economy_by("sector")[Measure.EMPLOYMENT])
    assert sectors["textiles"].total == 500_800
    assert sectors[""].clusters == 3


def test_over_time_one_value_per_cluster_and_year(economy_clusters):
    """Each year's total adds one figure per cluster (the last recorded when two sources
    give one for the same year) and counts the clusters reporting it."""
    cluster_record_figures(
        cluster=economy_clusters,
        values={"employment": 550_000},
        provenance=Provenance(year="2018-19", source="Survey A"),
    )
    cluster_record_figures(
        cluster=economy_clusters,
        values={"employment": 560_000},
        provenance=Provenance(year="2018-19", source="Survey B"),
    )
    years = {item.year: item for item in economy_over_time()[Measure.EMPLOYMENT]}
    assert list(years) == ["2015-16", "2016", "2018-19"]
    assert (years["2015-16"].total, years["2015-16"].clusters) == (500_000, 1)
    assert (years["2018-19"].total, years["2018-19"].clusters) == (560_000, 1)
    assert (years["2016"].total, years["2016"].clusters) == (20_000, 1)


def test_over_time_amounts_in_rupees_only(economy_clusters):
    """The euro turnover of 2016 is no rupee total: not known, with one cluster left out."""
    years = {item.year: item for item in economy_over_time()[Measure.TURNOVER]}
    assert years["2016"].total is None
    assert years["2016"].other_currency == 1
    assert years["2015-16"].total == 20_000_000_000


def test_over_time_leaves_out_drafts_and_yearless_figures(economy_clusters):
    """Figures without a year and figures of unpublished clusters are not in any year."""
    employment = economy_over_time()[Measure.EMPLOYMENT]
    assert sum(item.clusters for item in employment) == 2
    assert all(item.total != 999_999 for item in employment)


def test_economy_queries_are_one_each(economy_clusters, django_assert_num_queries):
    """Every grouping of every measure is one query; the figures over time another."""
    with django_assert_num_queries(1):
        summary = economy_summary()
    assert summary["state"] == economy_by("state")
    with django_assert_num_queries(1):
        economy_over_time()
