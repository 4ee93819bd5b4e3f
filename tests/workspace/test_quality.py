"""The curators' data-quality desk (/manage/quality/): each check finds what it should and
nothing else, the filters, the CSV exports, who may open it, and bounded query counts."""

import csv
import dataclasses
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters import quality as cluster_checks
from clusters.choices import ClusterType, PublicationStatus
from clusters.services import Provenance
from stakeholders import quality as stakeholder_checks
from stakeholders.choices import Kind
from stakeholders.network.summary import network_summaries_refresh
from stakeholders.services import stakeholder_link_to_cluster
from tests import factories
from tests.accounts.people import make_people
from workspace.quality import CHECKS

pytestmark = pytest.mark.django_db

DESK = reverse("editing:quality")
THIS_YEAR = datetime.date.today().year
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's"
)


@pytest.fixture
def people(db):
    return make_people()


@pytest.fixture
def curator_site(client, people):
    client.force_login(people.curator)
    return client


def cluster(product, place, *, state="Uttar Pradesh", figures=None, year="", source="", **kw):
    """Make a published industrial cluster (unless told otherwise) in `state`."""
    kw.setdefault("cluster_type", ClusterType.INDUSTRIAL)
    return factories.ClusterFactory(
        product=product,
        place=place,
        region=factories.region(state),
        figures=figures,
        provenance=Provenance(year=year, source=source),
        **kw,
    )


def figure(cluster, value, *, measure="enterprise_count", year="", source=""):
    return factories.ClusterFigureFactory(
        cluster=cluster, measure=measure, value=value, year=year, source=source
    )


def slugs(rows):
    return {row.slug for row in rows}


def pairs(rows):
    return {frozenset((row.slug, row.other_slug)) for row in rows}


def read_csv(response):
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


# 1. The figure the benchmark needs ----------------------------------------------------------


def test_clusters_missing_their_benchmark_figure_are_found():
    """A cluster whose type's benchmark measure is unknown is listed (looms for handloom,
    enterprises for industrial and handicraft); one with it, a service cluster (no
    benchmark) and an archived one are not."""
    no_count = cluster("Brass ware", "Moradabad")
    counted = cluster("Locks", "Aligarh", figures={"enterprise_count": 3000})
    handloom_without_looms = cluster(
        "Sarees", "Varanasi", cluster_type=ClusterType.HANDLOOM, figures={"enterprise_count": 900}
    )
    cluster("Carpets", "Bhadohi", cluster_type=ClusterType.HANDLOOM, figures={"loom_count": 800})
    cluster("Call centres", "Noida", cluster_type=ClusterType.SERVICE)
    cluster("Glass", "Firozabad", status=PublicationStatus.ARCHIVED)
    handicraft = cluster("Chikan", "Lucknow", cluster_type=ClusterType.HANDICRAFT)

    found = cluster_checks.clusters_missing_benchmark_figure()

    assert slugs(found) == {no_count.slug, handloom_without_looms.slug, handicraft.slug}
    assert counted.slug not in slugs(found)
    # The same clusters the classification could not classify.
    assert {c.classification_status for c in found} == {"insufficient_data"}


def test_any_benchmark_with_its_figure_is_enough():
    """With a second industrial benchmark (turnover), a cluster with a turnover but no count
    of enterprises can be classified: it is not listed."""
    factories.BenchmarkFactory(cluster_type=ClusterType.INDUSTRIAL, measure="annual_turnover")
    with_turnover = cluster("Scissors", "Meerut", figures={"annual_turnover": 50_000_000})
    without = cluster("Brass ware", "Moradabad")

    found = slugs(cluster_checks.clusters_missing_benchmark_figure())

    assert without.slug in found
    assert with_turnover.slug not in found


# 2. Figures without a year or a source ------------------------------------------------------


def test_figures_without_a_year_or_a_source_are_found():
    """A figure without a year, one without a source are listed; a dated, sourced one is not."""
    ludhiana = cluster("Knitwear", "Ludhiana", state="Punjab")
    no_year = figure(ludhiana, 12_000, source="FAQ")
    no_source = figure(ludhiana, 11_000, year="2015-16")
    complete = figure(ludhiana, 10_000, year="2016", source="Diagnostic study")

    found = {f.pk for f in cluster_checks.figures_without_provenance()}

    assert {no_year.pk, no_source.pk} <= found
    assert complete.pk not in found


# 3. Stale figures ---------------------------------------------------------------------------


def test_a_clusters_newest_figure_older_than_n_years_is_stale():
    """The newest figure of a measure dated more than N years ago is listed; an old figure
    replaced by a recent one, and a recent one, are not; N is a parameter."""
    old_only = cluster("Knitwear", "Tirupur", state="Tamil Nadu")
    stale = figure(old_only, 3200, year=f"{THIS_YEAR - 15}-{(THIS_YEAR - 14) % 100:02d}")
    renewed = cluster("Hosiery", "Kolkata", state="West Bengal")
    superseded = figure(renewed, 500, year=str(THIS_YEAR - 12), source="Old study")
    recent = figure(renewed, 700, year=str(THIS_YEAR - 1), source="New study")

    found = {f.pk for f in cluster_checks.figures_stale(years=5)}

    assert stale.pk in found
    assert superseded.pk not in found
    assert recent.pk not in found
    assert stale.pk not in {f.pk for f in cluster_checks.figures_stale(years=20)}


def test_the_stale_limit_is_n_whole_years():
    """With N = 5, a figure of six years ago is stale and one of five years ago is not."""
    six = figure(cluster("Locks", "Aligarh"), 100, year=str(THIS_YEAR - 6), source="A")
    five = figure(cluster("Glass", "Firozabad"), 100, year=str(THIS_YEAR - 5), source="B")

    found = {f.pk for f in cluster_checks.figures_stale(years=5)}

    assert six.pk in found
    assert five.pk not in found


# 4. Sources that disagree -------------------------------------------------------------------


def test_two_sources_newest_figures_far_apart_disagree():
    """Tirupur: ~9,000 enterprises in the FAQ, 3,200 in a 2010-11 profile: both sources'
    newest figures, 64% apart, are listed."""
    tirupur = cluster("Cotton knitwear", "Tirupur", state="Tamil Nadu")
    faq = figure(tirupur, 9000, source="FAQ")
    profile = figure(tirupur, 3200, year="2010-11", source="Profile 2010-11")

    found = list(cluster_checks.figure_disagreements(percent=20))

    assert [(f.pk, f.other_id) for f in found] == [(faq.pk, profile.pk)]
    assert cluster_checks.disagreement_percent(found[0].value, found[0].other_value) == 64


def test_close_figures_one_source_and_superseded_figures_do_not_disagree():
    """Same year within X%: not listed (listed with a smaller X); one source's figures of
    different years: not listed; a source's older figure is not compared."""
    agra = cluster("Footwear", "Agra")
    figure(agra, 1000, year="2018", source="Survey")
    figure(agra, 1100, year="2018", source="Census")
    one_source = cluster("Brass ware", "Moradabad")
    figure(one_source, 100, year="2010", source="Study")
    figure(one_source, 900, year="2020", source="Study")
    superseded = cluster("Locks", "Aligarh")
    figure(superseded, 50, year="2005", source="Old")
    figure(superseded, 1000, year="2019", source="Old")
    figure(superseded, 1050, year="2020", source="New")

    assert list(cluster_checks.figure_disagreements(percent=20)) == []
    found = cluster_checks.figure_disagreements(percent=5)
    assert {f.cluster_id for f in found} == {agra.pk}


# 5. Clusters missing a kind of stakeholder ---------------------------------------------------


def test_clusters_without_a_kind_of_stakeholder_say_which():
    """A cluster with all five kinds is not listed; one with two lists the other three."""
    complete = cluster("Knitwear", "Ludhiana", state="Punjab")
    partial = cluster("Bicycles", "Ludhiana Town", state="Punjab")
    for kind in Kind.values:
        member = factories.StakeholderFactory(kind=kind)
        stakeholder_link_to_cluster(stakeholder=member, cluster=complete)
        if kind in (Kind.ENTERPRISE, Kind.SUPPLIER):
            stakeholder_link_to_cluster(stakeholder=member, cluster=partial)

    found = {c.slug: c for c in stakeholder_checks.clusters_missing_kinds()}

    assert complete.slug not in found
    assert stakeholder_checks.missing_kinds(found[partial.slug]) == [
        Kind.INSTITUTION,
        Kind.ASSOCIATION,
        Kind.BDS_PROVIDER,
    ]


@on_postgresql
def test_the_kinds_check_reads_the_kept_network_summaries():
    """Where a cluster's network summary is kept (PostgreSQL), the check reads its absent
    kinds instead of asking the memberships, with the same answer; a write to the members
    drops the summary, and the check asks live again."""
    complete = cluster("Knitwear", "Ludhiana", state="Punjab")
    partial = cluster("Bicycles", "Ludhiana Town", state="Punjab")
    for kind in Kind.values:
        member = factories.StakeholderFactory(kind=kind)
        stakeholder_link_to_cluster(stakeholder=member, cluster=complete)
        if kind == Kind.ENTERPRISE:
            stakeholder_link_to_cluster(stakeholder=member, cluster=partial)
    network_summaries_refresh([complete.pk, partial.pk])

    found = {c.slug: c for c in stakeholder_checks.clusters_missing_kinds()}
    assert complete.slug not in found
    assert found[partial.slug].kept_absent == "supplier institution association bds_provider"
    assert stakeholder_checks.missing_kinds(found[partial.slug]) == [
        Kind.SUPPLIER,
        Kind.INSTITUTION,
        Kind.ASSOCIATION,
        Kind.BDS_PROVIDER,
    ]

    supplier = factories.StakeholderFactory(kind=Kind.SUPPLIER)
    stakeholder_link_to_cluster(stakeholder=supplier, cluster=partial)  # drops the summary
    (again,) = [c for c in stakeholder_checks.clusters_missing_kinds() if c.pk == partial.pk]
    assert again.kept_absent is None
    assert Kind.SUPPLIER not in stakeholder_checks.missing_kinds(again)


# 6. Probable duplicates ---------------------------------------------------------------------


def test_probable_duplicate_clusters_are_pairs_in_one_state():
    """ "Brass ware" and "Brass-ware" of Moradabad (one state) are a pair, found once; the
    same names in another state and an unrelated cluster are not."""
    first = cluster("Brass ware", "Moradabad")
    second = cluster("Brass-ware", "Moradabad")
    cluster("Brass ware", "Moradabad", state="Bihar")
    cluster("Knitwear", "Ludhiana", state="Punjab")

    found = list(cluster_checks.cluster_duplicate_pairs())

    assert pairs(found) == {frozenset((first.slug, second.slug))}


def test_probable_duplicate_stakeholders_are_pairs_in_the_chosen_state():
    """Two spellings of one name in a state are a pair, and so is one name entered under two
    kinds; the same name in another state and another name are not."""
    up = factories.region("Uttar Pradesh")
    first = factories.StakeholderFactory(name="Kumar & Sons Pvt. Ltd.", region=up)
    second = factories.StakeholderFactory(name="KumarSons Pvt Ltd", region=up)
    as_supplier = factories.StakeholderFactory(
        name="Moradabad Metal Craft", kind=Kind.SUPPLIER, region=up
    )
    as_enterprise = factories.StakeholderFactory(name="Moradabad Metal Craft", region=up)
    factories.StakeholderFactory(name="Kumar Sons Pvt Ltd", region=factories.region("Bihar"))
    factories.StakeholderFactory(name="Firozabad Glass Industries Association", region=up)

    found = list(stakeholder_checks.stakeholder_duplicate_pairs(region=up))

    assert pairs(found) == {
        frozenset((first.slug, second.slug)),
        frozenset((as_supplier.slug, as_enterprise.slug)),
    }


@on_postgresql
def test_pg_trgm_finds_similar_names_that_are_not_equal():
    """On PostgreSQL, pg_trgm finds names that differ by more than punctuation ("Brass
    wares" and "Brass ware"; "Handicraft" and "Handicrafts"), with their similarity."""
    first = cluster("Brass ware", "Moradabad")
    second = cluster("Brass wares", "Moradabad")
    cluster("Leather footwear", "Agra")
    cluster("Leather garments", "Agra")
    up = factories.region("Uttar Pradesh")
    one = factories.StakeholderFactory(name="Sharma Handicrafts Emporium", region=up)
    other = factories.StakeholderFactory(name="Sharma Handicraft Emporium", region=up)

    found_clusters = list(cluster_checks.cluster_duplicate_pairs())
    found_stakeholders = list(stakeholder_checks.stakeholder_duplicate_pairs(region=up))

    assert pairs(found_clusters) == {frozenset((first.slug, second.slug))}
    assert 0.5 <= found_clusters[0].similarity < 1
    assert pairs(found_stakeholders) == {frozenset((one.slug, other.slug))}
    assert 0.5 <= found_stakeholders[0].similarity < 1


def test_the_stakeholder_duplicates_read_a_bounded_number_of_pairs(curator_site, monkeypatch):
    """The desk reads at most the cap + 1 pairs of a state (one query with a LIMIT, so the
    database stops there), says there are more, and lists and exports the cap."""
    check = dataclasses.replace(CHECKS["duplicate-stakeholders"], cap=2)
    monkeypatch.setitem(CHECKS, "duplicate-stakeholders", check)
    up = factories.region("Uttar Pradesh")
    for i in range(4):
        factories.StakeholderFactory(name=f"Kumar Sons {i}", region=up)
        factories.StakeholderFactory(name=f"KumarSons {i}", region=up)
    params = {"list": "duplicate-stakeholders", "state": up.slug}
    with CaptureQueriesContext(connection) as queries:
        response = curator_site.get(DESK, params)
    pair_queries = [q["sql"] for q in queries if "other_name" in q["sql"]]
    assert len(pair_queries) == 1  # the count and the page share it
    assert pair_queries[0].rstrip().endswith("LIMIT 3")
    assert response.context["current"]["summary"]["capped"]
    assert len(response.context["current"]["rows"]) == 2
    assert "More than 2 pairs" in response.content.decode()
    export = curator_site.get(DESK, {**params, "export": "duplicate-stakeholders"})
    assert len(read_csv(export)) == 3  # the header and the cap


# The page -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("own_editor", 403), ("other_editor", 403), ("nobody", 403), ("curator", 200)],
)
def test_only_curators_open_the_desk(client, people, role, status):
    """Agency editors and users without a role are refused (403), as on the review queue."""
    client.force_login(people.user(role))
    assert client.get(DESK).status_code == status
    assert client.get(DESK, {"export": "missing-figure"}).status_code == status


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(DESK)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_desk_counts_each_list_and_links_the_counts(curator_site):
    """The summary shows each list's count, linked to its records on the desk."""
    cluster("Brass ware", "Moradabad")
    cluster("Locks", "Aligarh")
    response = curator_site.get(DESK)
    assert response.status_code == 200
    summary = {row["check"].name: row["count"] for row in response.context["summary"]}
    assert summary["missing-figure"] == 2
    assert summary["duplicate-stakeholders"] is None  # not zero: no state chosen
    html = response.content.decode()
    assert 'href="?list=missing-figure"' in html
    assert "choose a state" in html


@pytest.mark.parametrize("name", list(CHECKS))
def test_every_list_renders(curator_site, name):
    """Each list renders its records (with a state, for the stakeholders) or says nothing
    is found."""
    moradabad = cluster("Brass ware", "Moradabad")
    cluster("Brass-ware", "Moradabad")
    figure(moradabad, 900, year="2001", source="")
    figure(moradabad, 100, year="2001", source="Census")
    up = factories.region("Uttar Pradesh")
    factories.StakeholderFactory(name="Kumar Sons", region=up)
    factories.StakeholderFactory(name="KumarSons", region=up)
    response = curator_site.get(DESK, {"list": name, "state": up.slug})
    assert response.status_code == 200
    assert response.context["current"]["rows"], name
    html = response.content.decode()
    assert "<caption>" in html
    assert 'scope="row"' in html


def test_an_unknown_list_is_not_found(curator_site):
    assert curator_site.get(DESK, {"list": "nonsense"}).status_code == 404
    assert curator_site.get(DESK, {"export": "nonsense"}).status_code == 404


def test_the_stakeholder_duplicates_ask_for_a_state_first(curator_site):
    response = curator_site.get(DESK, {"list": "duplicate-stakeholders"})
    assert response.context["current"]["needs_state"]
    assert "Choose a state" in response.content.decode()
    export = curator_site.get(DESK, {"export": "duplicate-stakeholders"})
    assert export.status_code == 302
    assert "list=duplicate-stakeholders" in export["Location"]


def test_the_lists_filter_by_agency_and_state(curator_site, people):
    """?agency= keeps that agency's records, ?state= that state's."""
    own = cluster("Brass ware", "Moradabad", agency=people.agency_a)
    other = cluster("Locks", "Aligarh", agency=people.agency_b)
    punjab = cluster("Knitwear", "Ludhiana", state="Punjab", agency=people.agency_a)

    def listed(**params):
        response = curator_site.get(DESK, {"list": "missing-figure", **params})
        return slugs(response.context["current"]["rows"])

    assert listed() == {own.slug, other.slug, punjab.slug}
    assert listed(agency="agency-a") == {own.slug, punjab.slug}
    assert listed(state="punjab") == {punjab.slug}
    assert listed(agency="agency-b", state="punjab") == set()


def test_the_thresholds_come_from_the_request_or_the_settings(curator_site, settings):
    """?years= and ?percent= override REGISTRY_QUALITY_STALE_YEARS and _DISAGREE_PERCENT."""
    settings.REGISTRY_QUALITY_STALE_YEARS = 5
    settings.REGISTRY_QUALITY_DISAGREE_PERCENT = 20
    agra = cluster("Footwear", "Agra")
    figure(agra, 1000, year=str(THIS_YEAR - 8), source="Survey")
    figure(agra, 1100, year=str(THIS_YEAR - 8), source="Census")

    def count(name, **params):
        response = curator_site.get(DESK, params)
        return {row["check"].name: row["count"] for row in response.context["summary"]}[name]

    assert count("stale") == 2
    assert count("stale", years=10) == 0
    assert count("disagreements") == 0
    assert count("disagreements", percent=5) == 1
    settings.REGISTRY_QUALITY_STALE_YEARS = 10
    assert count("stale") == 0


def test_a_list_exports_as_csv_with_named_columns(curator_site, people):
    """?export=<list> streams the list under the same filters, with named columns."""
    cluster("Brass ware", "Moradabad", agency=people.agency_a)
    cluster("Sarees", "Varanasi", cluster_type=ClusterType.HANDLOOM, agency=people.agency_b)
    response = curator_site.get(DESK, {"export": "missing-figure", "agency": "agency-b"})
    rows = read_csv(response)
    assert rows[0] == [
        "cluster_slug",
        "product",
        "place",
        "state",
        "agency",
        "cluster_type",
        "status",
        "measures_needed",
    ]
    assert rows[1:] == [
        [
            "sarees-varanasi",
            "Sarees",
            "Varanasi",
            "Uttar Pradesh",
            "Agency B",
            "handloom",
            "published",
            "loom_count",
        ]
    ]


def test_the_disagreement_and_duplicate_exports(curator_site):
    tirupur = cluster("Cotton knitwear", "Tirupur", state="Tamil Nadu")
    figure(tirupur, 9000, source="FAQ")
    figure(tirupur, 3200, year="2010-11", source="Profile")
    first = cluster("Brass ware", "Moradabad")
    second = cluster("Brass-ware", "Moradabad")

    rows = read_csv(curator_site.get(DESK, {"export": "disagreements"}))
    assert rows[0][-4:] == ["other_value", "other_year", "other_source", "difference_percent"]
    assert rows[1][5:] == [
        "enterprise_count",
        "",
        "9000",
        "",
        "FAQ",
        "3200",
        "2010-11",
        "Profile",
        "64",
    ]

    rows = read_csv(curator_site.get(DESK, {"export": "duplicate-clusters"}))
    assert rows[0][-1] == "merge_url"
    assert {rows[1][0], rows[1][3]} == {first.slug, second.slug}
    assert rows[1][-1].startswith(reverse("editing:cluster_merge") + "?first=")


def test_a_duplicate_pair_links_to_the_merge_page_with_both_records(curator_site):
    """One click from a pair opens the merge page with both records compared."""
    first = cluster("Brass ware", "Moradabad")
    second = cluster("Brass-ware", "Moradabad")
    response = curator_site.get(DESK, {"list": "duplicate-clusters"})
    (row,) = response.context["current"]["rows"]
    merge = curator_site.get(row.merge_url)
    assert merge.status_code == 200
    assert set(merge.context["records"]) == {first, second}
    assert "Choose the record that survives" in merge.content.decode()

    up = factories.region("Uttar Pradesh")
    one = factories.StakeholderFactory(name="Kumar Sons", region=up)
    other = factories.StakeholderFactory(name="KumarSons", region=up)
    response = curator_site.get(DESK, {"list": "duplicate-stakeholders", "state": up.slug})
    (row,) = response.context["current"]["rows"]
    merge = curator_site.get(row.merge_url)
    assert set(merge.context["records"]) == {one, other}


def _findings(numbers, up):
    """Make findings of every list, one for each of `numbers`."""
    for i in numbers:
        made = cluster(f"Brass ware {i}", f"Moradabad {i}")
        cluster(f"Brass-ware {i}", f"Moradabad {i}")
        figure(made, 100 + i, year="2001", source="")
        figure(made, 900 + i, year="2001", source="Census")
        factories.StakeholderFactory(name=f"Kumar Sons {i}", region=up)
        factories.StakeholderFactory(name=f"KumarSons {i}", region=up)


@pytest.mark.parametrize("name", [None, *CHECKS])
def test_the_query_count_does_not_grow_with_the_findings(
    curator_site, name, django_assert_max_num_queries
):
    """The desk reads a list in a fixed number of queries, for 1 finding as for 30 (no
    query per row): the same bound for both."""
    up = factories.region("Uttar Pradesh")
    params = {"state": up.slug, **({"list": name} if name else {})}
    _findings(range(1), up)
    with django_assert_max_num_queries(20):
        assert curator_site.get(DESK, params).status_code == 200
    _findings(range(1, 31), up)
    with django_assert_max_num_queries(20):
        response = curator_site.get(DESK, params)
    if name:
        assert len(response.context["current"]["rows"]) == 25  # one page


def test_the_desk_is_linked_for_curators_only(client, people):
    client.force_login(people.curator)
    assert DESK in client.get(reverse("editing:cluster_list")).content.decode()
    client.force_login(people.own_editor)
    assert DESK not in client.get(reverse("editing:cluster_list")).content.decode()


def test_a_duplicate_pair_counts_for_the_agency_of_either_record(people):
    """Filtered by agency, a pair is listed when either record is the agency's (or, for
    stakeholders, belongs to one of its clusters); not for a third agency."""
    third = factories.AgencyFactory(name="Agency C", slug="agency-c")
    own = cluster("Brass ware", "Moradabad", agency=people.agency_a)
    other = cluster("Brass-ware", "Moradabad", agency=people.agency_b)
    up = factories.region("Uttar Pradesh")
    one = factories.StakeholderFactory(name="Kumar Sons", region=up)
    stakeholder_link_to_cluster(stakeholder=one, cluster=other)
    factories.StakeholderFactory(name="KumarSons", region=up)

    for agency in (people.agency_a, people.agency_b):
        assert len(cluster_checks.cluster_duplicate_pairs(agency=agency)) == 1
    assert len(cluster_checks.cluster_duplicate_pairs(agency=third)) == 0
    assert slugs(cluster_checks.cluster_duplicate_pairs(agency=people.agency_b)) <= {
        own.slug,
        other.slug,
    }
    assert (
        len(stakeholder_checks.stakeholder_duplicate_pairs(region=up, agency=people.agency_b)) == 1
    )
    assert (
        len(stakeholder_checks.stakeholder_duplicate_pairs(region=up, agency=people.agency_a)) == 0
    )


def test_the_stakeholder_duplicates_export(curator_site):
    up = factories.region("Uttar Pradesh")
    one = factories.StakeholderFactory(name="Kumar Sons", region=up)
    other = factories.StakeholderFactory(name="KumarSons", kind=Kind.SUPPLIER, region=up)
    rows = read_csv(curator_site.get(DESK, {"export": "duplicate-stakeholders", "state": up.slug}))
    assert rows[0] == [
        "first_slug",
        "first_name",
        "first_kind",
        "second_slug",
        "second_name",
        "second_kind",
        "state",
        "similarity",
        "merge_url",
    ]
    (row,) = rows[1:]
    assert {row[0], row[3]} == {one.slug, other.slug}
    assert {row[2], row[5]} == {"enterprise", "supplier"}
    assert row[6] == "Uttar Pradesh"
