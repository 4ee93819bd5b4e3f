"""Shared fixtures: the tests run against the database in DATABASE_URL (PostgreSQL in `make test`)."""

from pathlib import Path

import pytest

from tests import factories

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def curator(db):
    """Return a staff user with every permission (a curator)."""
    return factories.CuratorFactory()


@pytest.fixture
def curator_client(client, curator):
    """Return a test client logged in as a curator."""
    client.force_login(curator)
    return client
