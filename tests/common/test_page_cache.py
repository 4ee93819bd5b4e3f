"""The anonymous page cache: hits cost no query, every write path makes the pages stale at
once, and nothing personal or request-bound (CSRF token, CSP nonce, messages) is kept."""

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from clusters import services as cluster_services
from clusters import workflow
from clusters.models import Benchmark, Cluster, ClusterReview
from common import page_cache
from stakeholders import merging, networks
from stakeholders import services as stakeholder_services
from stakeholders.models import Network
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    """Switch the page cache on, over an empty cache."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Return a context manager that runs the block's on-commit callbacks, as a commit does."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def cached(client, url, **extra):
    """GET `url` twice; return the body of the second answer, checked to come from the cache."""
    client.get(url, **extra)
    response = client.get(url, **extra)
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "hit", url
    return response.content.decode()


def fresh(client, url, **extra):
    """GET `url`, checked to be rendered anew (not from the cache); return its body."""
    response = client.get(url, **extra)
    assert response.status_code == 200
    assert response.get("X-Page-Cache") == "miss", url
    return response.content.decode()


# What is cached -------------------------------------------------------------------------


def test_second_anonymous_read_is_served_from_the_cache_without_a_query(
    client, django_assert_num_queries
):
    """The list, a profile and the API answer a repeated anonymous read from the cache."""
    cluster = factories.ClusterFactory(product="Brassware")
    for url in (
        "/clusters/",
        cluster.get_absolute_url(),
        "/api/clusters/",
        f"/api/clusters/{cluster.pk}/",
    ):
        first = client.get(url)
        assert first["X-Page-Cache"] == "miss"
        with django_assert_num_queries(0):
            second = client.get(url)
        assert second["X-Page-Cache"] == "hit"
        assert second.content == first.content
        assert second["Content-Type"] == first["Content-Type"]


def test_api_detail_from_the_cache_keeps_its_etag(client):
    """The ETag of a versioned record is the same from the cache (If-Match writes rely on it)."""
    cluster = factories.ClusterFactory()
    first = client.get(f"/api/clusters/{cluster.pk}/")
    second = client.get(f"/api/clusters/{cluster.pk}/")
    assert second["X-Page-Cache"] == "hit"
    assert second["ETag"] == first["ETag"]


def test_the_key_varies_on_the_query_string_language_and_accept(client):
    """Another query string, language or API format is another page."""
    factories.ClusterFactory()
    cached(client, "/clusters/")
    fresh(client, "/clusters/?page=1")
    fresh(client, "/clusters/", HTTP_ACCEPT_LANGUAGE="hi")
    cached(client, "/api/clusters/")
    fresh(client, "/api/clusters/", HTTP_ACCEPT="application/json; indent=4")
    # The browsable API (its CSP comes from its renderer) is rendered every time.
    assert "X-Page-Cache" not in client.get("/api/clusters/", HTTP_ACCEPT="text/html")


def test_signed_in_readers_never_get_or_fill_cached_pages(client, curator):
    """An editor or curator sees the page rendered for them, and it is not kept for others."""
    factories.ClusterFactory()
    client.force_login(curator)
    for _ in range(2):
        response = client.get("/clusters/")
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
    fresh(Client(), "/clusters/")


def test_token_requests_to_the_api_are_not_cached(db):
    """A script with a token (it may see drafts) always reaches the view."""
    cluster = factories.ClusterFactory()
    user = factories.AgencyEditorFactory().user
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    for _ in range(2):
        assert "X-Page-Cache" not in api.get(f"/api/clusters/{cluster.pk}/")


def test_pages_holding_a_csrf_token_or_the_csp_nonce_are_not_cached(client):
    """The login form (CSRF token, never_cache) and Swagger UI (CSP nonce) are rendered each time."""
    for url in ("/accounts/login/", "/api/docs/"):
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == 200, url
            assert "X-Page-Cache" not in response, url


def test_a_cached_page_gets_a_csp_header_without_a_nonce(client):
    """The CSP header of a page from the cache names no nonce (the page uses none)."""
    factories.ClusterFactory()
    client.get("/clusters/")
    response = client.get("/clusters/")
    assert response["X-Page-Cache"] == "hit"
    assert "nonce-" not in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_health_probe_is_never_cached(client):
    """/healthz asks the database every time."""
    for _ in range(2):
        assert "X-Page-Cache" not in client.get("/healthz")


def test_a_reader_with_a_session_reaches_the_view(client):
    """A session cookie (messages may wait in it) bypasses the cache."""
    factories.ClusterFactory()
    cached(client, "/clusters/")
    client.cookies["sessionid"] = "whatever"
    assert "X-Page-Cache" not in client.get("/clusters/")


def test_setting_zero_switches_the_cache_off(client, settings):
    """PUBLIC_PAGE_CACHE_SECONDS = 0: every page is rendered for its request."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    factories.ClusterFactory()
    for _ in range(2):
        assert "X-Page-Cache" not in client.get("/clusters/")


# Every write path makes the pages stale at once -------------------------------------------


def test_a_rolled_back_write_keeps_the_cached_pages(client, committed):
    """Only a commit bumps the version."""
    factories.ClusterFactory()
    cached(client, "/clusters/")
    with committed():
        try:
            with transaction.atomic():
                factories.ClusterFactory(product="Phantom")
                raise RuntimeError
        except RuntimeError:
            pass
    assert "Phantom" not in cached(client, "/clusters/")


def test_one_bump_per_transaction(monkeypatch, django_capture_on_commit_callbacks):
    """Many rows written in one transaction replace the version once, at its commit."""
    bumps = []
    monkeypatch.setattr(page_cache, "_replace_public_version", lambda: bumps.append(1))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for _ in range(3):
            factories.StakeholderFactory()
        assert bumps == []
    assert bumps == [1]


def test_cluster_service_update_is_visible_at_once(client, committed):
    """clusters.services.cluster_update."""
    cluster = factories.ClusterFactory(product="Brassware")
    cached(client, cluster.get_absolute_url())
    with committed():
        cluster_services.cluster_update(cluster=cluster, data={"description": "Now with bells."})
    assert "Now with bells." in fresh(client, cluster.get_absolute_url())


def test_stakeholder_services_are_visible_at_once(client, committed):
    """stakeholders.services: a new member and a relationship."""
    cluster = factories.ClusterFactory()
    cached(client, cluster.get_absolute_url())
    with committed():
        source = factories.StakeholderFactory(name="Kiln owners")
        target = factories.StakeholderFactory(name="Clay diggers")
        factories.RelationshipFactory(cluster=cluster, source=source, target=target)
    body = fresh(client, cluster.get_absolute_url())
    assert "Kiln owners" in body and "Clay diggers" in body


def test_workflow_publish_and_archive_are_visible_at_once(client, committed, curator):
    """clusters.workflow: publishing shows the cluster, archiving hides it."""
    cluster = factories.ClusterFactory(product="Lacquerware", status="submitted")
    assert "Lacquerware" not in cached(client, "/clusters/")
    with committed():
        workflow.cluster_transition(
            cluster=cluster, action=ClusterReview.Action.APPROVED, user=curator
        )
    assert "Lacquerware" in cached(client, "/clusters/")
    with committed():
        workflow.cluster_transition(
            cluster=cluster, action=ClusterReview.Action.ARCHIVED, user=curator
        )
    assert "Lacquerware" not in fresh(client, "/clusters/")


def test_cluster_merge_is_visible_at_once(client, committed, curator):
    """stakeholders.merging.cluster_merge removes the duplicate from the list."""
    survivor = factories.ClusterFactory(product="Carpets", place="Bhadohi")
    duplicate = factories.ClusterFactory(product="Carpet weaving", place="Bhadohi town")
    assert "Carpet weaving" in cached(client, "/clusters/")
    with committed():
        merging.cluster_merge(survivor=survivor, duplicate=duplicate, user=curator)
    assert "Carpet weaving" not in fresh(client, "/clusters/")


def test_network_save_is_visible_at_once(client, committed):
    """stakeholders.networks.network_save (members are a many-to-many field)."""
    cluster = factories.ClusterFactory()
    members = [factories.StakeholderFactory() for _ in range(3)]
    for member in members:
        stakeholder_services.stakeholder_link_to_cluster(stakeholder=member, cluster=cluster)
    cached(client, cluster.get_absolute_url())
    with committed():
        networks.network_save(
            network=Network(
                cluster=cluster, name="Ghruni potters' network", joint_action="joint_purchase"
            ),
            members=members,
        )
    assert "Ghruni potters" in fresh(client, cluster.get_absolute_url())


def test_bulk_import_is_visible_at_once(client, committed, india_clusters, write_file):
    """An import writes with COPY and bulk history, no signal: it bumps all the same."""
    from stakeholders.imports import StakeholderImporter

    cluster = Cluster.objects.get(product="Hosiery", place="Ludhiana")
    cached(client, cluster.get_absolute_url())
    path = write_file(
        "name,kind,role,cluster_product,cluster_place,cluster_state,source\n"
        "Ludhiana needle makers,supplier,raw_material,Hosiery,Ludhiana,Punjab,test\n"
    )
    with committed():
        assert StakeholderImporter().run(path).ok
    assert "Ludhiana needle makers" in fresh(client, cluster.get_absolute_url())


def test_reclassification_is_visible_at_once(client, committed):
    """clusters_reclassify writes with simple-history's bulk helper, which sends no signal."""
    cluster = factories.ClusterFactory(figures={"enterprise_count": 80})
    Cluster.objects.filter(pk=cluster.pk).update(classification_reason="stale reason")
    page_cache._replace_public_version()
    assert "stale reason" in cached(client, cluster.get_absolute_url())
    with committed():
        cluster_services.clusters_reclassify()
    assert "stale reason" not in fresh(client, cluster.get_absolute_url())


def test_benchmark_change_is_visible_at_once(client, committed):
    """A benchmark saved (and the reclassification it runs) bumps."""
    cluster = factories.ClusterFactory(figures={"enterprise_count": 80})
    url = f"/api/clusters/{cluster.pk}/"
    before = cached(client, url)
    benchmark = Benchmark.objects.filter(cluster_type=cluster.cluster_type).first()
    benchmark.measure, benchmark.threshold = "enterprise_count", 50
    with committed():
        cluster_services.benchmark_save(benchmark=benchmark)
    assert fresh(client, url) != before


def test_admin_change_is_visible_at_once(client, committed, curator):
    """A curator's edit in the admin reaches the anonymous page."""
    cluster = factories.ClusterFactory(sector=factories.SectorFactory(name="Metalware"))
    cached(client, cluster.get_absolute_url())
    admin = Client()
    admin.force_login(curator)
    with committed():
        response = admin.post(
            reverse("admin:clusters_sector_change", args=[cluster.sector_id]),
            {"name": "Bidri metalware", "slug": "bidri-metalware"},
        )
        assert response.status_code == 302, response.content.decode()[:500]
    assert "Bidri metalware" in fresh(client, cluster.get_absolute_url())


def test_api_write_is_visible_at_once(client, committed):
    """A PATCH through the API reaches the anonymous API read."""
    link = factories.AgencyEditorFactory()
    cluster = factories.ClusterFactory(agency=link.agency, status="draft")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=link.user).key}")
    anonymous_list = "/api/clusters/?q=Glassware"
    cached(client, anonymous_list)
    with committed():
        response = api.patch(f"/api/clusters/{cluster.pk}/", {"product": "Glassware"})
        assert response.status_code == 200, response.content
    # Still a draft: not public, but the page was rendered anew and shows no draft.
    assert "Glassware" not in fresh(client, anonymous_list)


def test_generate_scale_data_is_visible_at_once(client, committed):
    """generate_scale_data writes with COPY and no history: it bumps itself."""
    from stakeholders import scale_data

    factories.ClusterFactory()
    cached(client, "/clusters/")
    with committed():
        scale_data.generate(clusters=3, stakeholders=10, relationships=5, seed=1)
    generated = Cluster.objects.filter(agency__slug=scale_data.AGENCY_SLUG, status="published")
    assert generated.exists()
    assert generated.first().product in fresh(client, "/clusters/")


def test_migrate_bumps_the_version(committed):
    """Every `migrate` (a deployment) starts a new version: no page of the old code is served."""
    from django.core.management.sql import emit_post_migrate_signal

    before = page_cache.public_version()
    with committed():
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert page_cache.public_version() != before


def test_kept_values_are_recomputed_once_the_public_data_changes(
    db, django_capture_on_commit_callbacks
):
    """kept_until_public_change computes once per public version: a second call reads the
    cache; a committed write through the services makes the next call compute again."""
    from common.page_cache import kept_until_public_change

    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert kept_until_public_change("test-value", compute) == 1
    assert kept_until_public_change("test-value", compute) == 1
    with django_capture_on_commit_callbacks(execute=True):
        cluster_services.sector_get_or_create(name="Kept value test sector")
    assert kept_until_public_change("test-value", compute) == 2


def test_a_kept_value_is_read_from_the_process_while_the_version_is_the_same(db, monkeypatch):
    """A value kept under the current version is taken from the process without reading its
    cache entry again (no unpickling per request); a new version (another process's write:
    the shared version key replaced) reads the cache, or computes, again."""
    from common.page_cache import kept_until_public_change

    calls = []

    def compute():
        calls.append(1)
        return {"computed": len(calls)}

    first = kept_until_public_change("process-value", compute)
    reads = []
    cache = page_cache._cache()
    original_get = cache.get
    monkeypatch.setattr(
        cache, "get", lambda key, *a, **k: reads.append(key) or original_get(key, *a, **k)
    )
    assert kept_until_public_change("process-value", compute) is first
    assert not [key for key in reads if "process-value" in key]
    page_cache._replace_public_version()
    assert kept_until_public_change("process-value", compute) == {"computed": 2}
