"""The shared cache on Redis (scripts/with-redis in `make test`): what one process writes and
commits is seen at once by another process's cached pages and network measures.

The "other process" is a real one (`manage.py shell -c`) on the same test database and Redis,
so the tests are transactional: each side must see what the other committed."""

import subprocess
import sys

from django.core.cache import cache

from common import page_cache
from stakeholders.network import measures as network
from tests import factories
from tests.topology import BASE_DIR, free_port, run_in_other_process


def test_a_redis_url_as_cache_location_selects_the_redis_cache():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "c = settings.CACHES['default']; print(c['BACKEND'], c['LOCATION'], settings.SHARED_CACHE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_CACHE_LOCATION": "redis://cache.internal:6379/0",
        },
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.split() == [
        "common.cache.RegistryRedisCache",
        "redis://cache.internal:6379/0",
        "True",
    ]


def test_the_cache_is_redis_shared_with_another_process(committed_db, redis_cache):
    cache.set("written-here", "by the test process", timeout=60)

    seen = run_in_other_process(
        "from django.core.cache import cache; import django.conf as c; "
        "print(c.settings.CACHES['default']['BACKEND']); print(cache.get('written-here'))"
    )

    assert seen.splitlines() == [
        "common.cache.RegistryRedisCache",
        "by the test process",
    ]


def test_a_write_in_another_process_makes_the_cached_public_page_stale_at_once(
    client, committed_db, redis_cache, settings
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    cluster = factories.ClusterFactory(product="Bell metal")
    assert client.get("/clusters/")["X-Page-Cache"] == "miss"
    cached = client.get("/clusters/")
    assert cached["X-Page-Cache"] == "hit"
    version = page_cache.public_version()

    run_in_other_process(
        "from clusters.models import Cluster; from clusters.services import cluster_update; "
        f"cluster_update(cluster=Cluster.objects.get(pk={cluster.pk}), "
        "data={'product': 'Dhokra bell metal'})"
    )

    assert page_cache.public_version() != version
    fresh = client.get("/clusters/")
    assert fresh["X-Page-Cache"] == "miss"
    assert "Dhokra bell metal" in fresh.content.decode()
    assert client.get("/clusters/")["X-Page-Cache"] == "hit"


def test_a_relationship_added_in_another_process_changes_the_cached_measures(
    committed_db, redis_cache
):
    relationship = factories.RelationshipFactory()
    cluster = relationship.cluster
    before = network.cluster_network_measures(cluster)
    cached_key_version = network.network_cache_version(cluster.pk)
    assert network.cluster_network_measures(cluster) == before  # now from Redis

    run_in_other_process(
        "from clusters.models import Cluster; from stakeholders.models import Stakeholder; "
        "from stakeholders import services; "
        f"cluster = Cluster.objects.get(pk={cluster.pk}); "
        f"source = Stakeholder.objects.get(pk={relationship.target_id}); "
        "target = services.stakeholder_create(name='Third in the chain', kind='enterprise'); "
        "services.stakeholder_link_to_cluster(stakeholder=target, cluster=cluster); "
        "services.relationship_create(cluster=cluster, source=source, target=target, "
        "kind='supplies')"
    )

    assert network.network_cache_version(cluster.pk) != cached_key_version
    after = network.cluster_network_measures(cluster)
    assert (before.actors, before.links) == (2, 1)
    assert (after.actors, after.links) == (3, 2)


def test_pages_and_writes_go_on_while_redis_cannot_be_reached(client, db, settings, caplog):
    """A Redis outage makes the cache empty, not the site broken: pages are rendered from
    the database and network writes commit."""
    settings.CACHES = {
        "default": {
            "BACKEND": "common.cache.RegistryRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600

    relationship = factories.RelationshipFactory()  # invalidates the network's measures
    for url in ("/", "/clusters/", relationship.cluster.get_absolute_url(), "/stakeholders/"):
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == 200, url
            assert response.get("X-Page-Cache") != "hit", url  # nothing is kept
    assert network.cluster_network_measures(relationship.cluster).links == 1
    assert "Redis cannot be reached" in caplog.text
