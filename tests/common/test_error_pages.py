"""The error pages speak the reader's language: the 500 page, rendered by Django without a
request context, in Hindi when the browser or the language cookie asks for it."""

import pytest
from django.test import Client
from django.urls import path

from common import health
from config.urls import urlpatterns as site_urlpatterns

handler500 = health.server_error


def broken(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("_test/broken/", broken), *site_urlpatterns]

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


@pytest.fixture
def reader():
    client = Client()
    client.raise_request_exception = False
    return client


def test_the_500_page_is_in_english_by_default(reader):
    """Without a language asked for, the page is the English one."""
    response = reader.get("/_test/broken/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in body
    assert "The error has been logged" in body


def test_the_500_page_is_in_hindi_for_accept_language_hi(reader):
    """A browser asking for Hindi gets the 500 page in Hindi, marked lang="hi"."""
    response = reader.get("/_test/broken/", HTTP_ACCEPT_LANGUAGE="hi")
    body = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="hi"' in body
    assert "<h1>कुछ गड़बड़ हो गई</h1>" in body
    assert "रजिस्ट्री यह पृष्ठ नहीं दिखा सकी" in body
    assert "Something went wrong" not in body


def test_the_500_page_follows_the_language_cookie(reader):
    """The language chosen with the switcher (its cookie) wins over the browser's."""
    reader.cookies["django_language"] = "hi"
    response = reader.get("/_test/broken/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    assert "कुछ गड़बड़ हो गई" in response.content.decode()
