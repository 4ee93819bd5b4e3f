"""Shared fixtures: the tests run against the database in DATABASE_URL (PostgreSQL in `make test`)."""

from pathlib import Path

import pytest
from django.utils import translation

from tests import factories

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    """Leave no language active after a test: a request in Hindi (cookie or Accept-Language)
    activates it on the thread, and the next test would otherwise run in Hindi."""
    yield
    translation.deactivate()


@pytest.fixture
def curator(db):
    """Return a staff user with every permission (a curator)."""
    return factories.CuratorFactory()


@pytest.fixture
def curator_client(client, curator):
    """Return a test client logged in as a curator."""
    client.force_login(curator)
    return client


# Fixtures for the registry core (imports, services, classification) ---------------------

CLUSTERS_CSV = FIXTURES / "clusters_india_profiles.csv"
STAKEHOLDERS_CSV = FIXTURES / "stakeholders_india_profiles.csv"


@pytest.fixture
def india_clusters(db):
    """Import the 15 Indian cluster profiles of fixtures/ and return the import result."""
    from clusters.imports import ClusterImporter

    result = ClusterImporter().run(CLUSTERS_CSV)
    assert result.ok, result.errors
    return result


@pytest.fixture
def india_stakeholders(india_clusters):
    """Import the stakeholders of fixtures/ (after the clusters); return the import result."""
    from stakeholders.imports import StakeholderImporter

    result = StakeholderImporter().run(STAKEHOLDERS_CSV)
    assert result.ok, result.errors
    return result


@pytest.fixture
def _reference_data_put_back(django_db_blocker):
    """After the test's database is emptied, load the migrations' rows again for later tests."""
    yield
    from django.db import connections

    from tests.e2e.reference_data import load_reference_data

    with django_db_blocker.unblock():
        load_reference_data()
        connections.close_all()


@pytest.fixture
def committed_db(_reference_data_put_back, transactional_db):
    """A transactional database: what the test writes is committed, so that other connections
    (the replica) and other processes (servers, a worker) see it. The migrations' rows
    (states, benchmarks) are loaded first and put back after the database is emptied."""
    from tests.e2e.reference_data import load_reference_data

    load_reference_data()


@pytest.fixture
def redis_cache(settings):
    """Put the default cache on the Redis of `make test` (REDIS_URL, scripts/with-redis),
    emptied before and after; skip the test when there is none. Return its URL."""
    from django.core.cache import cache

    from tests.topology import redis_caches, redis_url

    url = redis_url()
    settings.CACHES = redis_caches(url)
    cache.clear()
    yield url
    cache.clear()


@pytest.fixture
def write_file(tmp_path):
    """Return a function that writes text (UTF-8) or bytes to a file and returns its path."""

    def write(content, name="data.csv"):
        path = tmp_path / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        return path

    return write


@pytest.fixture
def row_counts(db):
    """Return a function counting the rows of every registry table and its history.

    Compare its result before and after an operation to show that nothing was written.
    """
    from clusters.models import Agency, Benchmark, Cluster, ClusterFigure, Region, Sector
    from stakeholders.models import ClusterMembership, Relationship, Stakeholder

    models = (
        Agency,
        Benchmark,
        Cluster,
        ClusterFigure,
        Region,
        Sector,
        Stakeholder,
        ClusterMembership,
        Relationship,
    )

    def count():
        counts = {}
        for model in models:
            counts[model.__name__] = model.objects.count()
            counts[f"{model.__name__} history"] = model.history.count()
        return counts

    return count


@pytest.fixture(autouse=True)
def fresh_public_version():
    """Start each test under a new public version. A test's writes are rolled back, never
    committed, so the version they bump never changes: values kept under it by an earlier
    test (common.page_cache.kept_until_public_change) would be that test's data."""
    from django.core.cache import caches

    from common import page_cache

    caches["default"].delete(page_cache.VERSION_KEY)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hash test users' passwords cheaply: PBKDF2 costs half a second a user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config):
    """Give the tests a `replica` database, a mirror of the test database (a connection of
    its own to it), as DATABASE_REPLICA_URL does in production (tests/common/test_db_router.py);
    no router uses it unless a test installs one."""
    from django.conf import settings

    if "replica" not in settings.DATABASES:
        settings.DATABASES["replica"] = {
            **settings.DATABASES["default"],
            "TEST": {"MIRROR": "default"},
        }


def _empties_the_database(item):
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or "transactional_db" in getattr(
        item, "fixturenames", ()
    )


def pytest_collection_modifyitems(items):
    """Run the browser tests and the other transactional ones last: their database is emptied
    after each test, which would take the migrations' reference data (states, benchmarks)
    from later tests."""
    items.sort(key=lambda item: "/e2e/" in str(item.fspath) or _empties_the_database(item))


@pytest.fixture(autouse=True)
def _study_documents_in_tmp(settings, tmp_path):
    """Study documents (programmes) written by a test go to its temporary directory."""
    settings.REGISTRY_STUDY_DOCUMENT_DIR = str(tmp_path / "study-documents")
