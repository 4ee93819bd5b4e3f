"""Settings of the server that tests/test_production.py starts with `make serve`: the site's
own settings, plus one test-only URL (tests/serve_urls.py)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "tests.serve_urls"
