"""Merges curators can trust (issue 13): find the records by search, compare them side by
side with warnings, choose the values that win, keep every figure with its source, answer
301 from the merged record's old addresses (site and API), and name both in the history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters import services
from clusters.choices import ClusterType, PublicationStatus
from clusters.models import Cluster, ClusterFigure, RetiredClusterSlug
from stakeholders.merging import cluster_merge, search, stakeholder_merge
from stakeholders.merging.comparison import cluster_merge_comparison
from stakeholders.models import ClusterMembership, Network, RetiredStakeholderSlug, Stakeholder
from tests import factories
from tests.accounts.people import make_people
from workspace.forms.curation import slug_from_address

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return make_people()


@pytest.fixture
def curator_site(client, people):
    client.force_login(people.curator)
    return client


def provenance(year, source):
    return services.Provenance(year=year, source=source)


@pytest.fixture
def pochampally(people):
    """A handloom cluster and its duplicate entered as handicraft, each with figures from
    their own sources (one the same figure twice, one disagreeing)."""
    kept = factories.ClusterFactory(
        product="Handloom",
        place="Pochampally",
        region=factories.region("Telangana"),
        cluster_type=ClusterType.HANDLOOM,
        agency=people.agency_a,
        figures={"loom_count": 5000},
        provenance=provenance("2010-11", "DC Handlooms profile"),
    )
    services.cluster_record_figures(
        cluster=kept, values={"employment": 10000}, provenance=provenance("2015-16", "Census")
    )
    duplicate = factories.ClusterFactory(
        product="Handlooms",
        place="Pochampally ",
        region=factories.region("Andhra Pradesh"),
        cluster_type=ClusterType.HANDICRAFT,
        sector=factories.SectorFactory(name="Handicrafts"),
        agency=people.agency_a,
        figures={"loom_count": 5000},
        provenance=provenance("2010-11", "DC Handlooms profile"),
    )
    duplicate.description = "Ikat weaving"
    duplicate.save()
    services.cluster_record_figures(
        cluster=duplicate,
        values={"enterprise_count": 700, "employment": 12000},
        provenance=provenance("2015-16", "Census"),
    )
    services.cluster_record_figures(
        cluster=duplicate,
        values={"artisan_count": 9000},
        provenance=provenance("2018", "Diagnostic study 2018"),
    )
    return kept, duplicate


def url(name, **kwargs):
    return reverse(f"editing:{name}", kwargs=kwargs or None)


def page(response):
    return response.content.decode()


# Services --------------------------------------------------------------------------------


def test_merge_keeps_every_figure_with_its_source_and_year(pochampally, people):
    """Every figure of both survives with its year and source; the same figure twice
    collapses to one; a disagreeing one is kept, its source naming where it came from."""
    kept, duplicate = pochampally
    before = {
        (f.measure, f.year, f.value)
        for f in ClusterFigure.objects.filter(cluster__in=[kept, duplicate])
    }
    record = cluster_merge(survivor=kept, duplicate=duplicate, user=people.curator)
    figures = list(kept.figures.all())
    assert {(f.measure, f.year, f.value) for f in figures} == before
    looms = [f for f in figures if f.measure == "loom_count"]
    assert [(f.year, f.source) for f in looms] == [("2010-11", "DC Handlooms profile")]
    employment = sorted((f.value, f.source) for f in figures if f.measure == "employment")
    assert employment[0] == (10000, "Census")
    assert employment[1][0] == 12000
    assert employment[1][1].startswith("Census — as recorded on “Handlooms cluster of Pochampally")
    artisans = kept.figures.get(measure="artisan_count")
    assert (artisans.year, artisans.source) == ("2018", "Diagnostic study 2018")
    kept.refresh_from_db()
    assert kept.artisan_count == 9000 and kept.enterprise_count == 700
    assert record.moved["figures_collapsed"] == 1 and record.moved["figures_kept_apart"] == 1


def test_merge_applies_the_chosen_values_through_the_services_and_reclassifies(pochampally, people):
    """Values taken from the duplicate are validated and set on the survivor, which keeps
    its slug, takes a new identity and is reclassified by its new type."""
    kept, duplicate = pochampally
    slug = kept.slug
    cluster_merge(
        survivor=kept,
        duplicate=duplicate,
        user=people.curator,
        from_duplicate={"cluster_type", "region", "product"},
    )
    kept.refresh_from_db()
    assert kept.slug == slug
    assert kept.cluster_type == ClusterType.HANDICRAFT
    assert kept.region.name == "Andhra Pradesh" and kept.product == "Handlooms"
    assert "andhra pradesh" in kept.identity_key
    # Handicraft is counted by enterprises: 700 ≥ 50.
    assert kept.classification_status == "qualifies"
    # Blank on the survivor, known on the duplicate: taken unless chosen otherwise.
    assert kept.description == ""  # not chosen, since from_duplicate was given


def test_merge_fills_the_survivors_blanks_by_default(pochampally, people):
    """Without choices (the admin's action), the survivor keeps its values and takes the
    duplicate's where it has none."""
    kept, duplicate = pochampally
    cluster_merge(survivor=kept, duplicate=duplicate, user=people.curator)
    kept.refresh_from_db()
    assert kept.cluster_type == ClusterType.HANDLOOM
    assert kept.description == "Ikat weaving"
    assert kept.sector.name == "Handicrafts"


def test_merge_refuses_a_chosen_identity_taken_by_a_third_record(pochampally, people):
    """The identity rules hold: nothing is merged when the chosen values clash."""
    kept, duplicate = pochampally
    factories.ClusterFactory(
        product="Handloom", place="Pochampally", region=factories.region("Andhra Pradesh")
    )
    with pytest.raises(services.ValidationError):
        cluster_merge(
            survivor=kept, duplicate=duplicate, user=people.curator, from_duplicate={"region"}
        )
    assert Cluster.objects.filter(pk=duplicate.pk).exists()


def test_merge_moves_networks_and_names_both_records_in_one_change_set(pochampally, people):
    """Networks move (renamed if the name is taken); every history row of the merge shares
    one change set whose reason names both records, the survivor's included."""
    kept, duplicate = pochampally
    from stakeholders import networks

    members = [factories.StakeholderFactory() for _ in range(3)]
    for member in members:
        factories.MembershipFactory.create(cluster=duplicate, stakeholder=member)
    networks.network_save(
        network=Network(cluster=duplicate, name="Yarn bank", joint_action="joint_purchase"),
        members=members,
    )
    cluster_merge(survivor=kept, duplicate=duplicate, user=people.curator)
    assert Network.objects.get(name="Yarn bank").cluster == kept
    assert ClusterMembership.objects.filter(cluster=kept).count() == 3
    reason = kept.history.order_by("-history_date").first().history_change_reason
    assert reason.startswith(
        f"merged “Handlooms cluster of Pochampally ({duplicate.slug})” into "
        f"“Handloom cluster of Pochampally ({kept.slug})” #"
    )
    reasons = set(
        ClusterMembership.history.filter(cluster_id=kept.pk).values_list(
            "history_change_reason", flat=True
        )
    )
    assert reasons == {reason}


def test_a_second_merge_re_points_the_old_addresses(pochampally, people):
    """A record that absorbed others, merged away in turn, hands its redirects on: no chain."""
    kept, duplicate = pochampally
    third = factories.ClusterFactory(product="Ikat", place="Pochampally")
    cluster_merge(survivor=kept, duplicate=duplicate, user=people.curator)
    cluster_merge(survivor=third, duplicate=kept, user=people.curator)
    assert set(RetiredClusterSlug.objects.values_list("old_id", "cluster_id")) == {
        (duplicate.pk, third.pk),
        (kept.pk, third.pk),
    }


# Old addresses: 301 ---------------------------------------------------------------------


def test_old_cluster_addresses_answer_301_on_the_site_and_the_api(client, pochampally, people):
    """The profile, its sub-pages and the API (by slug and by id) of the merged cluster
    answer a permanent redirect to the same page of the survivor."""
    kept, duplicate = pochampally
    workflow_publish(kept, people)
    old_slug, old_id = duplicate.slug, duplicate.pk
    cluster_merge(survivor=kept, duplicate=duplicate, user=people.curator)
    cases = {
        f"/clusters/{old_slug}/": f"/clusters/{kept.slug}/",
        f"/clusters/{old_slug}/map/?layout=circle": f"/clusters/{kept.slug}/map/?layout=circle",
        f"/clusters/{old_slug}/graph.json": f"/clusters/{kept.slug}/graph.json",
        f"/api/clusters/{old_slug}/": f"/api/clusters/{kept.slug}/",
        f"/api/clusters/{old_id}/": f"/api/clusters/{kept.slug}/",
    }
    for old, new in cases.items():
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == new, old
    assert client.get(f"/clusters/{kept.slug}/").status_code == 200
    assert client.get("/clusters/never-was/").status_code == 404


def test_a_write_to_an_old_api_address_is_redirected_keeping_its_method(
    curator_site, pochampally, people
):
    """308, so that the client repeats its PATCH at the survivor's address."""
    kept, duplicate = pochampally
    old_slug = duplicate.slug
    cluster_merge(survivor=kept, duplicate=duplicate, user=people.curator)
    response = curator_site.patch(
        f"/api/clusters/{old_slug}/", data="{}", content_type="application/json"
    )
    assert (response.status_code, response["Location"]) == (308, f"/api/clusters/{kept.slug}/")


def test_the_merge_page_says_where_a_merged_record_went(curator_site, pochampally, people):
    """Naming a record merged away already points at the one that absorbed it."""
    kept, duplicate = pochampally
    old_slug = duplicate.slug
    other = factories.ClusterFactory()
    cluster_merge(survivor=kept, duplicate=duplicate, user=people.curator)
    body = page(curator_site.get(url("cluster_merge"), {"first": old_slug, "second": other.slug}))
    assert f"“{old_slug}” was merged into “{kept.slug}”" in body


def test_found_pages_ask_nothing_of_the_retired_addresses(client, pochampally, people):
    """The retired table is read only after a 404."""
    kept, duplicate = pochampally
    workflow_publish(kept, people)
    cluster_merge(survivor=kept, duplicate=duplicate, user=people.curator)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/clusters/{kept.slug}/").status_code == 200
    assert not [q for q in queries if "retired" in q["sql"]]


def test_old_stakeholder_addresses_answer_301(client, people):
    """A merged stakeholder's public page and API detail lead to the survivor."""
    cluster = factories.ClusterFactory()
    kept = factories.StakeholderFactory(name="SIDBI", kind="institution")
    dupe = factories.StakeholderFactory(name="S.I.D.B.I.", kind="institution", phone="0123")
    factories.MembershipFactory(cluster=cluster, stakeholder=kept)
    factories.MembershipFactory(cluster=cluster, stakeholder=dupe)
    old_slug, old_id = dupe.slug, dupe.pk
    stakeholder_merge(survivor=kept, duplicate=dupe, user=people.curator)
    kept.refresh_from_db()
    assert kept.phone == "0123"
    for old, new in {
        f"/stakeholders/{old_slug}/": f"/stakeholders/{kept.slug}/",
        f"/api/stakeholders/{old_slug}/": f"/api/stakeholders/{kept.slug}/",
        f"/api/stakeholders/{old_id}/": f"/api/stakeholders/{kept.slug}/",
    }.items():
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old
    assert RetiredStakeholderSlug.objects.get().stakeholder == kept
    reason = kept.history.order_by("-history_date").first().history_change_reason
    assert reason.startswith(f"merged “S.I.D.B.I. ({old_slug})” into “SIDBI ({kept.slug})”")


def workflow_publish(cluster, people):
    from clusters import workflow

    if cluster.status != PublicationStatus.PUBLISHED:
        workflow.cluster_transition(cluster=cluster, action="approved", user=people.curator)


# The merge page ------------------------------------------------------------------------------


def test_comparison_shows_both_records_and_warns_of_type_state_product_sector(
    curator_site, pochampally
):
    """The side-by-side page lists both records field by field, marks the differing rows
    in words, and warns where type, state, product or sector differ."""
    kept, duplicate = pochampally
    body = page(
        curator_site.get(url("cluster_merge"), {"first": kept.slug, "second": duplicate.slug})
    )
    assert "different cluster types (handloom vs handicraft)" in body
    assert "merging will give the survivor one type" in body
    assert "different states (Telangana vs Andhra Pradesh)" in body
    assert "different products (Handloom vs Handlooms)" in body
    assert "different sectors" in body
    assert "same measure, year and source in both records" in body
    assert 'class="merge-row--differs"' in body and ">differs<" in body
    assert "DC Handlooms profile" in body and "2010-11" in body
    assert 'name="choose_cluster_type"' in body
    # The survivor's value pre-selected, the other's where the survivor has none.
    assert 'name="choose_cluster_type" id="id_choose_cluster_type_0" value="first" checked' in body
    assert 'name="choose_description" id="id_choose_description_1" value="second" checked' in body


def test_stakeholder_comparison_warns_of_kind_and_state(curator_site):
    """Stakeholders: a different kind or state is a warning."""
    first = factories.StakeholderFactory(
        name="Weavers Society", kind="association", region=factories.region("Telangana")
    )
    second = factories.StakeholderFactory(name="Weavers Society", kind="enterprise")
    body = page(
        curator_site.get(url("stakeholder_merge"), {"first": first.slug, "second": second.slug})
    )
    assert "different kinds (association vs enterprise)" in body
    assert "different states (Telangana vs no state)" in body


def test_curator_merges_with_the_values_chosen_per_field(curator_site, pochampally):
    """The POST takes each differing field from the side chosen; the second survives."""
    kept, duplicate = pochampally
    response = curator_site.post(
        url("cluster_merge"),
        {
            "first": kept.slug,
            "second": duplicate.slug,
            "survivor": "second",
            "choose_cluster_type": "first",
            "choose_region": "first",
            "choose_product": "first",
            "choose_description": "second",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("cluster_detail", slug=duplicate.slug)
    survivor = Cluster.objects.get(pk=duplicate.pk)
    assert survivor.cluster_type == ClusterType.HANDLOOM
    assert survivor.region.name == "Telangana" and survivor.product == "Handloom"
    assert survivor.description == "Ikat weaving"
    assert not Cluster.objects.filter(pk=kept.pk).exists()


def test_a_stale_comparison_is_refused(curator_site, pochampally):
    """A record changed since the comparison was shown is not merged on the old view."""
    kept, duplicate = pochampally
    data = {
        "first": kept.slug,
        "second": duplicate.slug,
        "survivor": "first",
        "first_version": kept.version,
        "second_version": duplicate.version - 1,
    }
    body = page(curator_site.post(url("cluster_merge"), data))
    assert "Someone else saved this cluster" in body
    assert Cluster.objects.filter(pk=duplicate.pk).exists()


def test_the_merge_page_accepts_pasted_addresses(curator_site, pochampally):
    """A record's address pasted whole (any page of it, with a query) names it."""
    kept, duplicate = pochampally
    body = page(
        curator_site.get(
            url("cluster_merge"),
            {
                "first": f"http://testserver/clusters/{kept.slug}/map/?layout=circle",
                "second": f"/manage/clusters/{duplicate.slug}/edit/",
            },
        )
    )
    assert "Compare them side by side" in body and 'name="choose_cluster_type"' in body


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("pochampally-handloom", "pochampally-handloom"),
        (" Pochampally-Handloom ", "pochampally-handloom"),
        ("https://registry.example/clusters/pochampally-handloom/", "pochampally-handloom"),
        ("/clusters/pochampally-handloom/graph.json", "pochampally-handloom"),
        ("/stakeholders/sidbi/?x=1#top", "sidbi"),
        ("https://elsewhere.example/some/where/pochampally-handloom", "pochampally-handloom"),
    ],
)
def test_slug_from_address(text, slug):
    """The slug is taken out of a pasted address, ours or not."""
    assert slug_from_address(text) == slug


def test_the_history_page_names_both_records(curator_site, pochampally):
    """The survivor's history shows the merge's reason with both names."""
    kept, duplicate = pochampally
    curator_site.post(
        url("cluster_merge"), {"first": kept.slug, "second": duplicate.slug, "survivor": "first"}
    )
    body = page(curator_site.get(url("cluster_history", slug=kept.slug)))
    assert (
        f"merged “Handlooms cluster of Pochampally ({duplicate.slug})” into "
        f"“Handloom cluster of Pochampally ({kept.slug})”"
    ) in body


def test_the_survivors_history_includes_the_merged_records_past(curator_site, pochampally):
    """The merged cluster's own changes (its creation, its deletion by the merge) are in the
    survivor's history."""
    kept, duplicate = pochampally
    curator_site.post(
        url("cluster_merge"), {"first": kept.slug, "second": duplicate.slug, "survivor": "first"}
    )
    body = page(curator_site.get(url("cluster_history", slug=kept.slug)))
    assert "Cluster “Handlooms, Pochampally”" in body


def test_a_merged_stakeholders_networks_take_the_survivor(people):
    """The survivor takes the duplicate's place in its networks."""
    from stakeholders import networks

    cluster = factories.ClusterFactory()
    members = [factories.StakeholderFactory() for _ in range(3)]
    kept = factories.StakeholderFactory(name="Weaver One")
    for member in [*members, kept]:
        factories.MembershipFactory(cluster=cluster, stakeholder=member)
    network = networks.network_save(
        network=Network(cluster=cluster, name="Dye house", joint_action="common_facility"),
        members=members,
    )
    stakeholder_merge(survivor=kept, duplicate=members[0], user=people.curator)
    assert set(network.members.all()) == {kept, *members[1:]}


def test_merge_page_query_count_does_not_grow_with_the_records(curator_site, pochampally):
    """The comparison costs the same for records with few or many figures and members."""
    kept, duplicate = pochampally

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = curator_site.get(
                url("cluster_merge"), {"first": kept.slug, "second": duplicate.slug}
            )
            assert response.status_code == 200
        return len(queries)

    before = count()
    for _ in range(5):
        factories.RelationshipFactory(cluster=kept)
        factories.MembershipFactory(cluster=duplicate)
    services.cluster_record_figures(
        cluster=duplicate, values={"annual_turnover": 10**9}, provenance=provenance("2020", "X")
    )
    assert count() == before


def test_stakeholder_merge_page_query_count_does_not_grow(curator_site):
    first = factories.StakeholderFactory(name="Bank One")
    second = factories.StakeholderFactory(name="Bank 1")

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = curator_site.get(
                url("stakeholder_merge"), {"first": first.slug, "second": second.slug}
            )
            assert response.status_code == 200
        return len(queries)

    before = count()
    for _ in range(4):
        factories.MembershipFactory(stakeholder=first)
        factories.MembershipFactory(stakeholder=second)
    assert count() == before


def test_every_merge_page_renders(curator_site, pochampally):
    """Both merge pages, empty, with errors and with a comparison, render."""
    kept, duplicate = pochampally
    one = factories.StakeholderFactory(kind="enterprise")
    two = factories.StakeholderFactory(kind="supplier")
    for name, params in (
        ("cluster_merge", {}),
        ("cluster_merge", {"first": kept.slug, "second": "nope"}),
        ("cluster_merge", {"first": kept.slug, "second": duplicate.slug}),
        ("stakeholder_merge", {}),
        ("stakeholder_merge", {"first": one.slug, "second": two.slug}),
    ):
        response = curator_site.get(url(name), params)
        assert response.status_code == 200, (name, params)
        assert 'src="/static/js/merge.js"' in page(response)


# The autocomplete ---------------------------------------------------------------------------


def test_search_finds_mergeable_clusters_by_product_and_place(curator_site, pochampally):
    """`?q=` matches every word in the product or place (or the slug), without the record
    picked in the other field."""
    kept, duplicate = pochampally
    factories.ClusterFactory(product="Brass", place="Moradabad")
    body = curator_site.get(url("cluster_merge_search"), {"q": "pochampally hand"}).json()
    assert {r["slug"] for r in body["results"]} == {kept.slug, duplicate.slug}
    assert body["results"][0]["label"] == "Handloom, Pochampally"
    assert "Telangana" in body["results"][0]["detail"]
    body = curator_site.get(
        url("cluster_merge_search"), {"q": "pochampally", "exclude": kept.slug}
    ).json()
    assert [r["slug"] for r in body["results"]] == [duplicate.slug]
    body = curator_site.get(url("cluster_merge_search"), {"q": kept.slug}).json()
    assert kept.slug in [r["slug"] for r in body["results"]]
    assert curator_site.get(url("cluster_merge_search"), {"q": "po"}).json() == {"results": []}


def test_search_is_bounded(curator_site):
    """At most 20 records, whatever matches."""
    for _ in range(25):
        factories.ClusterFactory(product="Knitwear")
    body = curator_site.get(url("cluster_merge_search"), {"q": "knitwear"}).json()
    assert len(body["results"]) == 20
    for number in range(22):
        factories.StakeholderFactory(name=f"Dyers {number}")
    body = curator_site.get(url("stakeholder_merge_search"), {"q": "dyers"}).json()
    assert len(body["results"]) == 20


def test_stakeholder_search_by_name_and_place(curator_site):
    match = factories.StakeholderFactory(name="Pochampally Weavers Society", place="Bhoodan")
    factories.StakeholderFactory(name="Other")
    body = curator_site.get(url("stakeholder_merge_search"), {"q": "weavers bhoodan"}).json()
    assert [r["slug"] for r in body["results"]] == [match.slug]


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("nobody", 403), ("own_editor", 403), ("curator", 200)],
)
@pytest.mark.parametrize("name", ["cluster_merge_search", "stakeholder_merge_search"])
def test_search_needs_a_curator(client, people, role, expected, name):
    """Only curators search for records to merge; editors are refused as on the merge page."""
    if role != "anonymous":
        client.force_login(people.user(role))
    assert client.get(url(name), {"q": "anything"}).status_code == expected


def test_the_searches_use_the_trigram_indexes():
    """Each searched column is answered by its trigram GIN index (PostgreSQL)."""
    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes are PostgreSQL's")
    factories.ClusterFactory()
    factories.StakeholderFactory()
    for model, find, columns, prefix in (
        (Cluster, search.cluster_merge_search, ("product", "place"), "cluster"),
        (Stakeholder, search.stakeholder_merge_search, ("name", "place"), "stakeholder"),
    ):
        queryset = search.search_queryset(model.objects.all(), "weaving", columns, "", ("pk",))
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            sql, params = queryset.query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        for column in columns:
            assert f"{prefix}_{column}_trgm_idx" in plan, plan
        assert find  # the searches the view calls use this queryset


def test_comparison_reads_in_a_fixed_number_of_queries(django_assert_num_queries, pochampally):
    kept, duplicate = pochampally
    with django_assert_num_queries(4):
        comparison = cluster_merge_comparison(first=kept, second=duplicate)
    assert comparison.warnings


def test_search_reads_in_one_query_whatever_matches(curator_site):
    """The autocomplete's answer costs the same for one match or twenty-five."""

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert curator_site.get(url("cluster_merge_search"), {"q": "zari"}).status_code == 200
        return len(queries)

    factories.ClusterFactory(product="Zari work")
    one = count()
    for _ in range(24):
        factories.ClusterFactory(product="Zari work")
    assert count() == one


def test_a_new_record_never_takes_a_retired_slug(pochampally, people):
    """Once merged away, a slug keeps leading to the survivor: a new record of the same
    product and place gets another."""
    kept, duplicate = pochampally
    old_slug = duplicate.slug
    cluster_merge(survivor=kept, duplicate=duplicate, user=people.curator)
    again = factories.ClusterFactory(product=duplicate.product, place=duplicate.place)
    assert again.slug != old_slug and again.slug.startswith(old_slug)
