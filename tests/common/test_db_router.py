"""Read replicas (common/db_router.py): anonymous readers' pages read from the replica,
writes and signed-in users' reads from the primary; without a replica nothing changes.

The `replica` database of the tests is a mirror of the test database reached through a
connection of its own (tests/conftest.py), so what a test writes must be committed for the
replica to see it: the request tests are transactional."""

import pytest
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test.utils import CaptureQueriesContext

from clusters.models import Cluster
from common import db_router, page_cache
from common.db_router import REPLICA_DB_ALIAS, ReplicaRouter, is_public_read, public_read
from tests import factories

ROUTER = "common.db_router.ReplicaRouter"


# The router's choices --------------------------------------------------------------------


def test_reads_go_to_the_primary_outside_a_public_read():
    router = ReplicaRouter()

    assert not is_public_read()
    assert router.db_for_read(Cluster) == DEFAULT_DB_ALIAS


def test_a_public_read_reads_from_the_replica_and_still_writes_to_the_primary():
    router = ReplicaRouter()

    with public_read():
        assert is_public_read()
        assert router.db_for_read(Cluster) == REPLICA_DB_ALIAS
        assert router.db_for_write(Cluster) == DEFAULT_DB_ALIAS
    assert not is_public_read()


def test_an_object_read_from_the_replica_is_saved_to_the_primary():
    cluster = Cluster()
    cluster._state.db = REPLICA_DB_ALIAS

    assert ReplicaRouter().db_for_write(Cluster, instance=cluster) == DEFAULT_DB_ALIAS


@pytest.mark.django_db
def test_reads_inside_a_primary_transaction_stay_on_the_primary():
    """A view that writes and then reads what it wrote reads it from the primary."""
    router = ReplicaRouter()

    with public_read(), transaction.atomic():
        assert router.db_for_read(Cluster) == DEFAULT_DB_ALIAS


def test_relations_between_primary_and_replica_objects_are_allowed_and_only_the_primary_migrates():
    router = ReplicaRouter()
    primary, replica = Cluster(), Cluster()
    primary._state.db, replica._state.db = DEFAULT_DB_ALIAS, REPLICA_DB_ALIAS

    assert router.allow_relation(primary, replica) is True
    assert router.allow_migrate(REPLICA_DB_ALIAS, "clusters") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "clusters") is None


def test_without_a_replica_there_is_nothing_to_route(settings):
    """DATABASE_REPLICA_URL unset: no router (the test settings add a mirror, not a router)."""
    assert settings.DATABASE_ROUTERS == []


def test_database_replica_url_adds_the_replica_and_the_router():
    import os
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_REPLICA_URL": "postgres://reader@standby.internal/registry"}
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "r = settings.DATABASES['replica']; "
        "print(r['HOST'], r['USER'], r['TEST']['MIRROR'], settings.DATABASE_ROUTERS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.split() == [
        "standby.internal",
        "reader",
        "default",
        "['common.db_router.ReplicaRouter']",
    ]


# Requests, on two databases ----------------------------------------------------------------


@pytest.fixture
def routed(settings):
    """Install the replica router, as DATABASE_REPLICA_URL does; the page cache off."""
    settings.DATABASE_ROUTERS = [ROUTER]
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    cache.delete(db_router.PRIMARY_POSITION_KEY)
    yield
    cache.delete(db_router.PRIMARY_POSITION_KEY)


def queries_by_database(client_call):
    """Run client_call(); return its response and the number of queries on each database."""
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        CaptureQueriesContext(connections[REPLICA_DB_ALIAS]) as replica,
    ):
        response = client_call()
    return response, len(primary), len(replica)


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA_DB_ALIAS])
def test_an_anonymous_readers_pages_are_read_from_the_replica(client, committed_db, routed):
    cluster = factories.ClusterFactory(product="Replica brassware")

    for url in ("/clusters/", cluster.get_absolute_url(), "/api/clusters/"):
        response, on_primary, on_replica = queries_by_database(lambda url=url: client.get(url))

        assert response.status_code == 200, url
        assert "Replica brassware" in response.content.decode(), url
        assert on_replica > 0, url
        assert on_primary == 0, url


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA_DB_ALIAS])
def test_a_signed_in_users_pages_are_read_from_the_primary(client, committed_db, routed):
    cluster = factories.ClusterFactory(product="Primary brassware")
    client.force_login(factories.CuratorFactory())

    for url in ("/clusters/", cluster.get_absolute_url(), "/api/clusters/"):
        response, on_primary, on_replica = queries_by_database(lambda url=url: client.get(url))

        assert response.status_code == 200, url
        assert on_primary > 0, url
        assert on_replica == 0, url


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA_DB_ALIAS])
def test_an_api_token_reads_from_the_primary(client, committed_db, routed):
    from rest_framework.authtoken.models import Token

    factories.ClusterFactory()
    token = Token.objects.create(user=factories.CuratorFactory())

    response, on_primary, on_replica = queries_by_database(
        lambda: client.get("/api/clusters/", HTTP_AUTHORIZATION=f"Token {token.key}")
    )

    assert response.status_code == 200
    assert on_primary > 0
    assert on_replica == 0


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA_DB_ALIAS])
def test_a_sign_in_post_reads_and_writes_the_primary(client, committed_db, routed):
    user = factories.CuratorFactory()
    user.set_password("a long test password")
    user.save()

    response, on_primary, on_replica = queries_by_database(
        lambda: client.post(
            "/accounts/login/", {"username": user.username, "password": "a long test password"}
        )
    )

    assert response.status_code == 302
    assert on_primary > 0
    assert on_replica == 0


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA_DB_ALIAS])
def test_a_streamed_public_download_is_read_from_the_replica(client, committed_db, routed):
    factories.ClusterFactory(product="Streamed brassware")

    def download():
        response = client.get("/clusters/export.csv")
        response.body = b"".join(response.streaming_content)
        return response

    response, on_primary, on_replica = queries_by_database(download)

    assert response.status_code == 200
    assert b"Streamed brassware" in response.body
    assert on_replica > 0
    assert on_primary == 0


# A replica that lags, or cannot be reached ---------------------------------------------------


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA_DB_ALIAS])
def test_a_committed_write_records_the_primarys_position_for_the_replica(committed_db, routed):
    assert cache.get(db_router.PRIMARY_POSITION_KEY) is None

    factories.ClusterFactory()  # its history bumps the public version on commit

    position = cache.get(db_router.PRIMARY_POSITION_KEY)
    assert position and "/" in position  # a PostgreSQL LSN, e.g. 0/1A2B3C4


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA_DB_ALIAS])
def test_pages_read_from_the_primary_until_the_replica_has_replayed_the_last_write(
    client, committed_db, routed
):
    """Else the first page after a write, rendered from a lagging replica, would be cached
    without the write under the new public version."""
    factories.ClusterFactory(product="Lagging brassware")
    cache.set(db_router.PRIMARY_POSITION_KEY, "FFFFFFFF/FFFFFFFF")  # not replayed yet

    response, on_primary, on_replica = queries_by_database(lambda: client.get("/clusters/"))

    assert response.status_code == 200
    assert "Lagging brassware" in response.content.decode()
    assert on_replica == 1  # the one question: how far has it replayed?
    assert on_primary > 0

    db_router.record_primary_position()  # now it has (the mirror is the primary itself)
    response, on_primary, on_replica = queries_by_database(lambda: client.get("/clusters/"))
    assert on_primary == 0 and on_replica > 1


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA_DB_ALIAS])
def test_pages_read_from_the_primary_while_the_replica_cannot_be_reached(
    client, committed_db, routed, caplog
):
    factories.ClusterFactory(product="Unreplicated brassware")
    replica = connections[REPLICA_DB_ALIAS]
    replica.close()

    def refuse(*args, **kwargs):
        raise replica.Database.OperationalError("could not connect to the replica (test)")

    replica.get_new_connection = refuse
    try:
        response = client.get("/clusters/")
    finally:
        del replica.get_new_connection

    assert response.status_code == 200
    assert "Unreplicated brassware" in response.content.decode()
    assert "The replica cannot be reached" in caplog.text


def test_the_page_cache_records_the_position_before_it_replaces_the_version(monkeypatch):
    calls = []

    class RecordingCache:
        def set(self, key, value, timeout=None):
            calls.append(key)

    monkeypatch.setattr(db_router, "record_primary_position", lambda: calls.append("position"))
    monkeypatch.setattr(page_cache, "_cache", RecordingCache)

    page_cache._replace_public_version()

    assert calls == ["position", page_cache.VERSION_KEY]
