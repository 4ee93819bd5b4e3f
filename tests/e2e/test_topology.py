"""Several app servers in front of one PostgreSQL and one Redis (issue 12): a change made
through one server is seen at once through the other's cached public pages.

Servers A and B are real gunicorn servers (config/gunicorn.py, DEBUG off, two workers each)
on the test database and the Redis of `make test` (the `topology` fixture, tests/e2e/conftest.py).
A's public pages are cached first (PUBLIC_PAGE_CACHE_SECONDS on); a curator then writes
through B, and A's next answer is rendered anew with the change.

The background jobs add "an upload through A is processed by a worker and visible through B"
here: `topology.start_manage("worker", "db_worker")` starts the worker on the same database."""

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
from rest_framework.authtoken.models import Token

from clusters.choices import PublicationStatus
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def get(url, opener=None):
    """Return (status, headers, body text) of a GET."""
    try:
        with (opener or urllib.request.build_opener()).open(url, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def send(method, url, data, *, token):
    """Send JSON `data` to the API with a token; return (status, decoded JSON)."""
    request = urllib.request.Request(
        url,
        data=json.dumps(data).encode(),
        method=method,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def cached_on(base, path):
    """GET `path` from server `base` until its answer comes from the cache (at most once per
    worker of the server, which may each take a request); return the cached body."""
    for _ in range(5):
        status, headers, body = get(base + path)
        assert status == 200, (path, body[:500])
        if headers.get("X-Page-Cache") == "hit":
            return body
    pytest.fail(f"{path} was not served from the cache")


@pytest.fixture
def curator_token(committed_db):
    return Token.objects.create(user=factories.CuratorFactory()).key


def test_a_publish_through_b_is_seen_at_once_on_as_cached_pages(
    topology, committed_db, curator_token
):
    a, b = topology.servers["A"], topology.servers["B"]
    shown = factories.ClusterFactory(product="Kansa bell metal", description="The old text.")
    waiting = factories.ClusterFactory(
        product="Pattachitra scrolls", status=PublicationStatus.SUBMITTED
    )
    before = cached_on(a, "/clusters/")
    profile_before = cached_on(a, shown.get_absolute_url())
    assert "Kansa bell metal" in before and "Pattachitra scrolls" not in before
    assert "The old text." in profile_before

    # A curator publishes through B, with the API and a token.
    status, published = send(
        "POST",
        f"{b}/api/clusters/{waiting.slug}/transition/",
        {"action": "approved"},
        token=curator_token,
    )
    assert status == 200, published
    assert published["status"] == "published"

    status, headers, after = get(a + "/clusters/")
    assert status == 200
    assert headers.get("X-Page-Cache") == "miss"
    assert "Pattachitra scrolls" in after
    status, _, api_after = get(a + "/api/clusters/?q=Pattachitra")
    assert status == 200 and "Pattachitra scrolls" in api_after

    # An edit through B's API reaches A's cached profile at once too.
    status, edited = send(
        "PATCH",
        f"{b}/api/clusters/{shown.slug}/",
        {"description": "The new text."},
        token=curator_token,
    )
    assert status == 200, edited
    status, headers, profile_after = get(a + shown.get_absolute_url())
    assert headers.get("X-Page-Cache") == "miss"
    assert "The new text." in profile_after and "The old text." not in profile_after


def csrf_token(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def post_form(opener, url, fields, page):
    """POST `fields` with the CSRF token of `page` (the form's page); return the response."""
    data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": csrf_token(page)}).encode()
    request = urllib.request.Request(url, data=data, headers={"Referer": url})
    return opener.open(request, timeout=30)


def sign_in(base, username, password):
    """Sign in on server `base` through the login form; return an opener with the session."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    status, _, form = get(base + "/accounts/login/", opener)
    assert status == 200
    fields = {"username": username, "password": password}
    with post_form(opener, base + "/accounts/login/", fields, form) as response:
        assert response.status == 200
        assert "/accounts/login/" not in response.url, "sign-in refused"
    return opener


def test_a_curator_signed_in_through_b_publishes_and_as_cached_list_shows_it_at_once(
    topology, committed_db, settings
):
    """The curator's pages through B (sessions in the database, served by either of B's
    workers) are never the anonymous cached ones; their publish reaches A's cache at once."""
    a, b = topology.servers["A"], topology.servers["B"]
    # The servers' hasher (the tests' own, MD5, is not one they accept).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    curator = factories.CuratorFactory(username="curator-on-b")
    curator.set_password("a long password for the test")
    curator.save()
    waiting = factories.ClusterFactory(product="Dhokra casting", status=PublicationStatus.SUBMITTED)
    assert "Dhokra casting" not in cached_on(a, "/clusters/")

    opener = sign_in(b, "curator-on-b", "a long password for the test")
    detail = f"{b}/manage/clusters/{waiting.slug}/"
    for _ in range(3):
        status, headers, page = get(detail, opener)
        assert status == 200
        assert "X-Page-Cache" not in headers
        assert "Dhokra casting" in page
    with post_form(opener, f"{detail}review/", {"action": "approved"}, page) as response:
        assert response.status == 200

    status, headers, after = get(a + "/clusters/")
    assert headers.get("X-Page-Cache") == "miss"
    assert "Dhokra casting" in after
    assert get(a + waiting.get_absolute_url())[0] == 200
