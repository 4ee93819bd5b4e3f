"""Browser fixtures for the end-to-end tests: Playwright driving Debian's chromium.

Never a browser download: the tests launch /usr/bin/chromium (installed by `make test`
through scripts/ensure-chromium). Pages are served by pytest-django's live_server.
"""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by
# the tests themselves (building data) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    """Mark every test under tests/e2e as e2e."""
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    """Return a headless Chromium shared by the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """Return a factory of pages, each in a fresh context (its own cookies); all closed after."""
    contexts = []

    def make(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        options.setdefault("accept_downloads", True)
        context = browser.new_context(**options)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """Return a page in a fresh browser context."""
    return new_page()


# Several servers (tests/e2e/test_topology.py) ----------------------------------------------


@pytest.fixture(scope="module")
def topology(django_db_setup, django_db_blocker, tmp_path_factory):
    """Two app servers, A and B (DEBUG off, two gunicorn workers each; A started by `make
    serve` itself), on the test database and the Redis of `make test`, for the module's
    tests; stopped after its last test.

    More processes join with `topology.start_manage("worker", "db_worker")` (the background
    jobs' worker) or `topology.start_server("C")`. Tests that use it take `committed_db` too,
    so that what they write is committed and seen by the servers."""
    from tests.topology import Topology

    with django_db_blocker.unblock():
        # Small jobs and a quick verdict on a killed worker, for the worker tests.
        topology = Topology(
            tmp_path_factory.mktemp("topology"),
            REGISTRY_JOB_ROWS="100",
            REGISTRY_JOB_STALE_SECONDS="3",
        )
    try:
        topology.start_server("A", make_serve=True)
        topology.start_server("B")
        yield topology
    finally:
        topology.stop()
