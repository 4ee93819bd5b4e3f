"""The public lists at national scale (issue 11): capped counts and bounded pages, no
DISTINCT, searches that use their trigram indexes, with the same results as before."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from common.counts import capped_count, count_or_estimate
from public import pagination
from stakeholders import filtersets
from stakeholders.choices import Kind
from stakeholders.filtersets import StakeholderFilterSet
from stakeholders.models import Stakeholder
from tests.factories import (
    ClusterFactory,
    MembershipFactory,
    RelationshipFactory,
    StakeholderFactory,
)

pytestmark = pytest.mark.django_db


def members(cluster, count, **kwargs):
    """Make `count` members of `cluster`, named Member 00, Member 01, ..."""
    people = [StakeholderFactory(name=f"Member {n:02d}", **kwargs) for n in range(count)]
    for person in people:
        MembershipFactory(cluster=cluster, stakeholder=person)
    return people


def test_capped_count_reads_no_more_than_the_cap():
    """A capped count says how many rows there are up to the cap, and whether there are more."""
    members(ClusterFactory(), 5)
    assert capped_count(Stakeholder.objects.all(), cap=10) == (5, False)
    assert capped_count(Stakeholder.objects.all(), cap=5) == (5, False)
    assert capped_count(Stakeholder.objects.all(), cap=3) == (3, True)


def test_a_count_above_the_cap_is_the_planners_estimate():
    """Above `exact_up_to` rows the count is PostgreSQL's estimate (more than the cap), flagged."""
    members(ClusterFactory(), 5)
    exact = count_or_estimate(Stakeholder.objects.all(), exact_up_to=10)
    assert (exact.value, exact.estimated) == (5, False)
    estimate = count_or_estimate(Stakeholder.objects.all(), exact_up_to=2)
    assert estimate.estimated and estimate.value >= 3


def test_a_list_longer_than_the_cap_says_more_than_and_pages_the_first_rows(client, monkeypatch):
    """Past the cap the list says "More than N", offers the pages of the first N rows only,
    and a deeper page number shows the last of them."""
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    members(ClusterFactory(), 5)
    response = client.get("/stakeholders/")
    page = response.content.decode()
    assert response.context["count_capped"] and response.context["result_count"] == 3
    assert "More than <strong>3</strong> stakeholders" in page
    assert response.context["page_obj"].paginator.num_pages == 1
    assert [s.name for s in client.get("/stakeholders/?page=5").context["results"]] == [
        "Member 00",
        "Member 01",
        "Member 02",
    ]


def test_a_list_within_the_cap_counts_exactly(client):
    """Up to the cap the count is exact and nothing says "more than"."""
    members(ClusterFactory(), 5)
    response = client.get("/stakeholders/")
    assert response.context["result_count"] == 5 and not response.context["count_capped"]
    assert "More than" not in response.content.decode()


def test_the_cluster_list_reads_a_page_by_primary_key_in_the_lists_order(client):
    """The cluster list's rows (read by primary key for the page) keep the list's order."""
    for number in range(60):
        ClusterFactory(product=f"Product {number:02d}", place="Place")
    second = client.get("/clusters/?page=2").context["results"]
    assert [c.product for c in second] == [f"Product {n:02d}" for n in range(50, 60)]
    descending = client.get("/clusters/?ordering=-product").context["results"]
    assert descending[0].product == "Product 59" and len(descending) == 50


@pytest.mark.parametrize(
    "url",
    ["/stakeholders/?kind=bds_provider&role=consultancy", "/clusters/?cluster_type=handloom"],
)
def test_choice_filters_add_no_distinct(client, url):
    """A multiple-choice filter on a column filters without DISTINCT over every column."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert not [q["sql"] for q in queries if "DISTINCT" in q["sql"].upper()]


def _plan(queryset):
    """Return PostgreSQL's plan of `queryset`, planned as for a big table (a few test rows
    would otherwise be read whole, or through the primary key, which is cheaper)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_stakeholder_search_uses_its_trigram_indexes():
    """`?q=` on stakeholders is answered by the trigram GIN indexes of the searched columns."""
    members(ClusterFactory(), 3)
    filterset = StakeholderFilterSet(QueryDict("q=member"), queryset=Stakeholder.objects.order_by())
    assert filterset.is_valid()
    plan = _plan(filterset.qs)
    for column in ("name", "place", "services_offered", "description"):
        assert f"stakeholder_{column}_trgm_idx" in plan, plan


def test_the_relationship_search_of_a_rare_name_starts_from_the_name_index():
    """A rare word is looked up in the stakeholders' names (their trigram index), then their
    relationships are taken from either end: no OR across the joined names."""
    cluster = ClusterFactory()
    RelationshipFactory(cluster=cluster, source=StakeholderFactory(name="Rare Looms"))
    condition = filtersets.relationships_named("rare")
    assert [name for name, _value in condition.children] == ["pk__in"]


@pytest.mark.parametrize("walk_above", [0, 5_000])
def test_the_relationship_search_finds_either_end_whichever_way_it_runs(
    client, monkeypatch, walk_above
):
    """Every word must be in the name of one end or the other, for a common word (tested row by
    row) as for a rare one (through the named stakeholders)."""
    monkeypatch.setattr(filtersets, "NAMED_STAKEHOLDERS_TO_WALK", walk_above)
    cluster = ClusterFactory(product="Hosiery", place="Ludhiana")
    mill = StakeholderFactory(name="Knit Mill")
    dyer = StakeholderFactory(name="Dye House", kind=Kind.SUPPLIER)
    bank = StakeholderFactory(name="Cluster Bank", kind=Kind.INSTITUTION)
    RelationshipFactory(cluster=cluster, source=dyer, target=mill)
    RelationshipFactory(cluster=cluster, source=bank, target=dyer, kind="finances")
    RelationshipFactory(cluster=ClusterFactory(status="draft"), source=mill, target=bank)

    def found(query):
        return [
            (r.source.name, r.target.name)
            for r in client.get("/relationships/?" + query).context["results"]
        ]

    assert found("q=mill") == [("Dye House", "Knit Mill")]
    assert found("q=house") == [("Cluster Bank", "Dye House"), ("Dye House", "Knit Mill")]
    assert found("q=bank+dye") == [("Cluster Bank", "Dye House")]
    assert found("q=nobody") == []


@pytest.mark.parametrize("query", ["", "?q=member", "?kind=supplies&source_kind=enterprise"])
def test_the_relationship_list_runs_as_many_queries_for_50_rows_as_for_1(client, query):
    """The relationship list (and its search and filters) costs the same queries for 1 or 50 rows."""
    cluster = ClusterFactory()
    people = members(cluster, 51)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            client.get("/relationships/" + query)
        return len(captured)

    RelationshipFactory(cluster=cluster, source=people[0], target=people[1])
    client.get("/relationships/" + query)
    one = queries()
    for n in range(1, 50):
        RelationshipFactory(cluster=cluster, source=people[n], target=people[n + 1])
    assert client.get("/relationships/" + query).context["result_count"] == 50
    assert queries() == one


@pytest.mark.parametrize("walk_above", [0, 10_000])
def test_a_big_clusters_relationships_keep_the_lists_order(client, monkeypatch, walk_above):
    """One cluster's relationships come in the list's order (source name, kind) whether it is
    read source by source (many rows: without the constant order by cluster) or sorted."""
    monkeypatch.setattr(filtersets, "WALK_ONE_CLUSTER_ABOVE", walk_above)
    cluster = ClusterFactory(product="Hosiery", place="Ludhiana")
    zed, abe, mid = (
        StakeholderFactory(name=name) for name in ("Zed Knits", "Abe Dyes", "Mid Mill")
    )
    RelationshipFactory(cluster=cluster, source=zed, target=abe, kind="supplies")
    RelationshipFactory(cluster=cluster, source=abe, target=mid, kind="supplies")
    RelationshipFactory(cluster=cluster, source=abe, target=zed, kind="finances")
    RelationshipFactory(cluster=ClusterFactory(), source=abe, target=zed)
    response = client.get(f"/relationships/?cluster={cluster.slug}")
    assert [(r.source.name, r.kind) for r in response.context["results"]] == [
        ("Abe Dyes", "finances"),
        ("Abe Dyes", "supplies"),
        ("Zed Knits", "supplies"),
    ]
    queryset = response.context["filterset"].qs
    expected = ("source__name", "kind", "pk") if walk_above == 0 else None
    if expected:
        assert tuple(queryset.query.order_by) == expected


def test_one_cluster_of_many_relationships_is_read_in_source_name_order(monkeypatch):
    """Many relationships in one cluster: PostgreSQL reads the sources in name order (their
    index) and stops after a page, with no sort of every relationship."""
    from django.http import QueryDict

    from stakeholders import selectors

    monkeypatch.setattr(filtersets, "WALK_ONE_CLUSTER_ABOVE", 0)
    cluster = ClusterFactory()
    RelationshipFactory(cluster=cluster)
    filterset = filtersets.RelationshipFilterSet(
        QueryDict(f"cluster={cluster.slug}"), queryset=selectors.relationship_list()
    )
    assert filterset.is_valid()
    sql, params = filterset.qs.values("pk")[:50].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "stakeholder_name_id_idx" in plan, plan
    assert "  Sort  " not in plan and "->  Sort" not in plan, plan


def test_the_members_of_a_cluster_are_not_asked_again_whether_they_are_public(client):
    """`?cluster=` keeps its members without a second "belongs to a published cluster" test."""
    cluster = ClusterFactory()
    members(cluster, 3)
    draft_only = StakeholderFactory(name="Draft Member")
    MembershipFactory(cluster=ClusterFactory(status="draft"), stakeholder=draft_only)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/stakeholders/?cluster={cluster.slug}")
    assert response.context["result_count"] == 3
    listing = [q["sql"] for q in queries if 'FROM "stakeholders_stakeholder"' in q["sql"]]
    assert listing and all(sql.count("EXISTS") <= 1 for sql in listing), listing
    assert client.get("/stakeholders/").context["result_count"] == 3


def test_a_search_counts_and_pages_fewer_rows(client, monkeypatch):
    """A search counts up to its own (lower) cap and says to narrow it; results keep their order."""
    monkeypatch.setattr(pagination, "SEARCH_COUNT_CAP", 2)
    from public.views import stakeholders as stakeholder_views

    monkeypatch.setattr(stakeholder_views.StakeholderListView, "search_count_cap", 2)
    members(ClusterFactory(), 5)
    response = client.get("/stakeholders/?q=member")
    assert response.context["count_capped"] and response.context["result_count"] == 2
    assert [s.name for s in response.context["results"]] == ["Member 00", "Member 01"]
    assert "More than <strong>2</strong> stakeholders" in response.content.decode()
    assert client.get("/stakeholders/").context["result_count"] == 5


def _state_list(client, query="state=gujarat"):
    response = client.get("/stakeholders/?" + query)
    return response, [s.name for s in response.context["results"]]


def _gujarat_and_elsewhere():
    """Stakeholders located in Gujarat or serving a published cluster there, and others."""
    from tests.factories import region

    gujarat, bengal = region("Gujarat"), region("West Bengal")
    there, elsewhere = ClusterFactory(region=gujarat), ClusterFactory(region=bengal)
    draft_there = ClusterFactory(region=gujarat, status="draft")
    for name, located, cluster in [
        ("A located, serves elsewhere", gujarat, elsewhere),
        ("B serves there", bengal, there),
        ("C located and serves there", gujarat, there),
        ("D elsewhere", bengal, elsewhere),
        ("E serves a draft there", bengal, draft_there),
    ]:
        MembershipFactory(
            cluster=cluster, stakeholder=StakeholderFactory(name=name, region=located)
        )
    # Located there but in no published cluster: not public.
    MembershipFactory(cluster=draft_there, stakeholder=StakeholderFactory(name="F", region=gujarat))


EXPECTED_IN_GUJARAT = [
    "A located, serves elsewhere",
    "B serves there",
    "C located and serves there",
]


def test_a_states_stakeholders_are_counted_and_read_by_their_ids_when_few(client):
    """Within the cap, a state's list is counted and read through the ids located there or
    serving there (no test of every stakeholder read), with the same rows as before."""
    _gujarat_and_elsewhere()
    with CaptureQueriesContext(connection) as queries:
        response, names = _state_list(client)
    assert names == EXPECTED_IN_GUJARAT
    assert response.context["result_count"] == 3 and not response.context["count_capped"]
    page = [
        q["sql"]
        for q in queries
        if q["sql"].startswith('SELECT "stakeholders_stakeholder"."id" AS')
    ]
    assert page and "UNION ALL" in page[0], page
    _response, kinds = _state_list(client, "state=gujarat&kind=enterprise&ordering=-name")
    assert kinds == EXPECTED_IN_GUJARAT[::-1]


def test_a_states_list_longer_than_the_cap_is_known_from_one_half(client, monkeypatch):
    """When the stakeholders located in the state alone are more than the cap, the list says
    "more than" without counting both halves together; its page is the same."""
    from public.views.stakeholders import StakeholderListView

    _gujarat_and_elsewhere()
    monkeypatch.setattr(StakeholderListView, "count_cap", 1)
    with CaptureQueriesContext(connection) as queries:
        response, names = _state_list(client)
    assert response.context["count_capped"] and response.context["result_count"] == 1
    assert names == EXPECTED_IN_GUJARAT[:1]
    counts = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert len(counts) == 1 and "UNION" not in counts[0], counts


def test_the_state_list_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    """Filter options, the state, both halves and the ids counted, a page's keys, its rows
    and their clusters: as many queries for any state."""
    _gujarat_and_elsewhere()
    client.get("/stakeholders/?state=gujarat")
    with django_assert_max_num_queries(12):
        client.get("/stakeholders/?state=gujarat")


@pytest.mark.parametrize("query", ["q=cotton", "q=weav", "q=looms+cotton", "q=nowhere", "q=dyeing"])
def test_a_word_common_in_names_finds_the_same_stakeholders_read_in_name_order(
    client, monkeypatch, query
):
    """A word taken as common in names (the names tested as read, the other columns through
    their indexes) finds the same stakeholders, in the same order, as a rare one."""
    cluster = ClusterFactory()
    for name, extra in [
        ("Cotton Looms", {}),
        ("Zed Weavers", {"place": "Cotton Market"}),
        ("Abe Traders", {"services_offered": "Dyeing of cotton"}),
        ("Mid Mill", {"description": "Handlooms and weaving"}),
        ("Other", {}),
    ]:
        MembershipFactory(cluster=cluster, stakeholder=StakeholderFactory(name=name, **extra))
    rare = _state_list(client, query)[1]
    monkeypatch.setattr(filtersets, "COMMON_IN_NAMES", -1)
    monkeypatch.setattr(filtersets, "RARE_ELSEWHERE", 10**9)
    assert _state_list(client, query)[1] == rare
    assert [name for name, _value in filtersets.stakeholders_matching("cotton").children] == [
        "name__icontains",
        "pk__in",
    ]


def test_a_word_common_in_names_is_read_from_the_name_index_without_a_sort(monkeypatch):
    """For a word common in names, PostgreSQL reads the name index in the list's order and
    stops after a page: no sort of every match."""
    from stakeholders import selectors

    monkeypatch.setattr(filtersets, "COMMON_IN_NAMES", -1)
    monkeypatch.setattr(filtersets, "RARE_ELSEWHERE", 10**9)
    members(ClusterFactory(), 3)
    filterset = StakeholderFilterSet(QueryDict("q=member"), queryset=selectors.stakeholder_list())
    assert filterset.is_valid()
    sql, params = filterset.qs.values("pk")[:50].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "stakeholder_name_id_idx" in plan, plan
    assert "->  Sort" not in plan and "  Sort  " not in plan, plan


def test_a_relationship_search_for_a_common_name_counts_fewer_rows_in_the_lists_order(
    client, monkeypatch
):
    """A word common in names (each relationship tested as the list is read) is counted up
    to WALKED_SEARCH_COUNT_CAP rows, read in the list's order as its page is."""
    monkeypatch.setattr(filtersets, "NAMED_STAKEHOLDERS_TO_WALK", 0)
    monkeypatch.setattr(filtersets, "WALKED_SEARCH_COUNT_CAP", 2)
    cluster = ClusterFactory()
    people = members(cluster, 4)
    for source, target in zip(people, people[1:], strict=False):
        RelationshipFactory(cluster=cluster, source=source, target=target)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/relationships/?q=member")
    assert response.context["count_capped"] and response.context["result_count"] == 2
    assert [r.source.name for r in response.context["results"]] == ["Member 00", "Member 01"]
    counts = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert counts and "ORDER BY" in counts[-1], counts
    assert client.get("/relationships/").context["result_count"] == 3


def test_the_cluster_search_uses_its_trigram_indexes_and_no_join():
    """`?q=` on clusters tests the clusters' own columns (their trigram indexes), the states
    and sectors so named being looked up first; it still finds a cluster by its state."""
    from clusters.filtersets import ClusterFilterSet
    from clusters.models import Cluster

    ClusterFactory(product="Knitwear", place="Tiruppur")
    ClusterFactory(product="Brass", place="Moradabad")
    filterset = ClusterFilterSet(QueryDict("q=knit"), queryset=Cluster.objects.order_by())
    assert filterset.is_valid()
    plan = _plan(filterset.qs)
    for column in ("product", "place", "district", "description"):
        assert f"cluster_{column}_trgm_idx" in plan, plan
    assert "Join" not in plan and "Nested Loop" not in plan, plan
    bengal = ClusterFilterSet(QueryDict("q=bengal"), queryset=Cluster.objects.order_by())
    assert bengal.is_valid() and bengal.qs.count() == 2


def test_the_newest_figure_of_each_cluster_is_read_from_its_index():
    """The list's year column (and its sort) reads each cluster's newest figure from the
    first entry of `cluster_figure_newest_idx`: no sort of its figures per cluster."""
    from clusters import selectors as cluster_selectors

    ClusterFactory()
    queryset = cluster_selectors.cluster_table().order_by("figures_year", "pk").values("pk")
    sql, params = queryset[:50].query.sql_with_params()
    with connection.cursor() as cursor:
        # On a table of a few rows every plan costs the same: these make the planner prefer
        # what it prefers on real data (an index, no sort where one can be avoided).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "cluster_figure_newest_idx" in plan, plan


def _big_cluster_with_others():
    """A cluster of 60 members (two of one name) among stakeholders of other clusters whose
    names fall between theirs, one member also in another cluster."""
    cluster = ClusterFactory()
    people = members(cluster, 60)
    twin = StakeholderFactory(name="Member 07", kind=Kind.SUPPLIER)
    MembershipFactory(cluster=cluster, stakeholder=twin)
    other = ClusterFactory()
    for n in range(0, 60, 3):
        MembershipFactory(cluster=other, stakeholder=StakeholderFactory(name=f"Member {n:02d}a"))
    MembershipFactory(cluster=other, stakeholder=people[30])
    return cluster


def _pages(client, query):
    found = []
    for page in (1, 2):
        response = client.get(f"/stakeholders/?{query}&page={page}")
        found.append([(s.name, s.pk) for s in response.context["results"]])
    return found, response.context["result_count"]


@pytest.mark.parametrize(
    "big_above, walk_factor",
    [(10**9, 1), (0, 10**9), (0, 0)],
    ids=["the list's own query", "walked in name order", "members sorted"],
)
def test_a_big_clusters_members_come_in_the_same_order_whichever_plan_reads_them(
    client, monkeypatch, big_above, walk_factor
):
    """The members of one cluster, page by page, are the same rows in the same order (name,
    then id) whether the list's query, the walk of the name index or the sort of the members
    finds each page's keys."""
    cluster = _big_cluster_with_others()
    expected, count = _pages(client, f"cluster={cluster.slug}")
    assert count == 61 and len(expected[0]) == 50 and len(expected[1]) == 11
    flat = [row for page in expected for row in page]
    assert flat == sorted(flat)
    monkeypatch.setattr(filtersets, "BIG_CLUSTER_MEMBERS", big_above)
    monkeypatch.setattr(filtersets, "WALK_MEMBERS_FACTOR", walk_factor)
    assert _pages(client, f"cluster={cluster.slug}") == (expected, count)
    assert _pages(client, f"cluster_id={cluster.pk}") == (expected, count)


@pytest.mark.parametrize("walk_factor", [10**9, 0])
def test_a_big_clusters_pages_are_read_by_the_chosen_plan(monkeypatch, walk_factor):
    """Above BIG_CLUSTER_MEMBERS (and in the default order, no other filter) a page's keys
    come from the walk while it ends early in the list (on PostgreSQL), else from the sort
    of the members."""
    from stakeholders import selectors

    monkeypatch.setattr(filtersets, "BIG_CLUSTER_MEMBERS", 0)
    monkeypatch.setattr(filtersets, "WALK_MEMBERS_FACTOR", walk_factor)
    cluster = _big_cluster_with_others()
    filterset = filtersets.PublicStakeholderFilterSet(
        QueryDict(f"cluster={cluster.slug}"), queryset=selectors.stakeholder_rows()
    )
    assert filterset.is_valid()
    keys = filterset.page_keys()(0, 50)
    # The walk needs the planner's estimate of all stakeholders: elsewhere the sort is taken.
    walks = walk_factor and connection.vendor == "postgresql"
    assert keys.model is (Stakeholder if walks else filtersets.ClusterMembership)
    assert list(keys) == list(filterset.qs.values_list("pk", flat=True)[:50])
    for other in ("kind=enterprise", "ordering=-name", "q=member", f"cluster_id={cluster.pk}"):
        filterset = filtersets.PublicStakeholderFilterSet(
            QueryDict(f"cluster={cluster.slug}&{other}"), queryset=selectors.stakeholder_rows()
        )
        assert filterset.is_valid() and filterset.page_keys() is None, other


def test_a_small_clusters_pages_are_read_by_the_lists_own_query(monkeypatch):
    """At or below BIG_CLUSTER_MEMBERS the list's own query finds a page (page_keys says None)."""
    from stakeholders import selectors

    monkeypatch.setattr(filtersets, "BIG_CLUSTER_MEMBERS", 61)
    cluster = _big_cluster_with_others()
    filterset = filtersets.PublicStakeholderFilterSet(
        QueryDict(f"cluster={cluster.slug}"), queryset=selectors.stakeholder_rows()
    )
    assert filterset.is_valid() and filterset.page_keys()(0, 50) is None


@pytest.mark.parametrize("walk_factor", [10**9, 0])
def test_a_big_clusters_list_runs_as_many_queries_for_50_rows_as_for_1(
    client, monkeypatch, walk_factor
):
    """A big cluster's list costs the same queries for 1 member or 50, by either plan."""
    monkeypatch.setattr(filtersets, "BIG_CLUSTER_MEMBERS", 0)
    monkeypatch.setattr(filtersets, "WALK_MEMBERS_FACTOR", walk_factor)
    cluster = ClusterFactory()
    people = members(cluster, 1)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/stakeholders/?cluster={cluster.slug}")
        return len(captured), len(response.context["results"])

    queries()  # what is kept until the registry changes (the form's options, the estimate)
    one, shown = queries()
    assert shown == 1
    for person in people:
        MembershipFactory(cluster=ClusterFactory(), stakeholder=person)
    for n in range(49):
        MembershipFactory(cluster=cluster, stakeholder=StakeholderFactory(name=f"Next {n:02d}"))
    assert queries() == (one, 50)


@pytest.mark.parametrize(
    "query", ["", "?state=west-bengal", "?q=sarees", "?cluster_type=handloom", "?page=2"]
)
def test_the_cluster_facets_count_the_list_filtered_by_everything_else(client, query):
    """Each facet counts the list filtered by every other filter, whether both are counted in
    one query (neither filtered on) or each on its own."""
    from clusters.choices import ClusterType, PublicationStatus
    from clusters.models import Cluster
    from tests.factories import region

    bengal, assam = region("West Bengal"), region("Assam")
    for product, kind, where in [
        ("Sarees", ClusterType.HANDLOOM, bengal),
        ("Sarees", ClusterType.HANDICRAFT, bengal),
        ("Shawls", ClusterType.HANDLOOM, assam),
        ("Bells", ClusterType.INDUSTRIAL, bengal),
    ]:
        ClusterFactory(product=product, cluster_type=kind, region=where)
    ClusterFactory(product="Sarees", status=PublicationStatus.DRAFT, region=bengal)
    response = client.get("/clusters/" + query)
    listed = Cluster.objects.filter(status=PublicationStatus.PUBLISHED)
    if "state" in query:
        listed = listed.filter(region=bengal)
    if "q=" in query:
        listed = listed.filter(product="Sarees")
    statuses = listed.filter(cluster_type="handloom") if "cluster_type" in query else listed

    def counts(queryset, name):
        return {
            value: queryset.filter(**{name: value}).count()
            for value in queryset.values_list(name, flat=True)
        }

    found = {value: count for value, _label, count, _checked in response.context["type_choices"]}
    assert {value: n for value, n in found.items() if n} == counts(listed, "cluster_type")
    found = {value: n for value, _label, n, _checked in response.context["status_choices"]}
    assert {value: n for value, n in found.items() if n} == counts(
        statuses, "classification_status"
    )
