"""The rows the migrations load (India's states and union territories, the UNIDO
benchmarks, the development schemes and the indicator catalogue), for the browser tests.

A transactional test (live_server) empties every table when it ends, these rows included, and
serialized_rollback does not reliably bring them back once Playwright has run. So each test
loads them again before building its data, and each module leaves them in place for the
tests that run after it (pytest-django runs tests without a database marker last).
"""

import importlib

import pytest
from django.apps import apps
from django.db import connections

_MIGRATIONS = (
    "clusters.migrations.0002_regions_and_benchmarks",
    "programmes.migrations.0002_schemes_and_indicators",
)


def load_reference_data():
    """Load the states, benchmarks, schemes and indicators as the migrations do (idempotent)."""
    for name in _MIGRATIONS:
        importlib.import_module(name).load(apps, None)


@pytest.fixture(scope="module")
def reference_data_left_behind(django_db_blocker):
    """Put the states and benchmarks back once the module's last test has emptied the tables."""
    yield
    with django_db_blocker.unblock():
        load_reference_data()
        # Close what this opened, or the test database cannot be dropped at the end.
        connections.close_all()
