"""Choosing the language: Accept-Language, the header's switcher, and <html lang>."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_browser_asking_for_hindi_gets_a_hindi_page(client):
    response = client.get("/clusters/", HTTP_ACCEPT_LANGUAGE="hi")
    html = response.content.decode()
    assert '<html lang="hi"' in html
    assert "क्लस्टर" in html


def test_english_is_the_default(client):
    response = client.get("/clusters/")
    assert '<html lang="en-in"' in response.content.decode()


def test_the_switcher_offers_the_other_language_in_its_own_script(client):
    html = client.get("/").content.decode()
    assert 'name="language" value="hi" lang="hi"' in html
    assert 'name="language" value="en-in"' not in html


def test_the_switcher_remembers_the_choice_and_goes_back(client):
    client.get("/clusters/")  # the English page is cached first
    response = client.post("/language/", {"language": "hi", "next": "/clusters/?page=1"})
    assert response.status_code == 302
    assert response["Location"] == "/clusters/?page=1"
    assert client.cookies["django_language"].value == "hi"
    html = client.get("/clusters/").content.decode()
    assert '<html lang="hi"' in html
    assert 'name="language" value="en-in" lang="en-in"' in html


def test_the_switcher_needs_no_token_since_cached_pages_carry_none(client):
    client.handler.enforce_csrf_checks = True
    response = client.post("/language/", {"language": "hi", "next": "/"})
    assert response.status_code == 302


def test_the_switcher_refuses_an_address_outside_the_site(client):
    response = client.post("/language/", {"language": "hi", "next": "https://example.com/"})
    assert response["Location"] == "/"


def test_a_language_the_site_does_not_have_is_ignored(client):
    client.post("/language/", {"language": "xx", "next": "/"})
    assert (
        "django_language" not in client.cookies or client.cookies["django_language"].value != "xx"
    )


def test_a_hindi_reader_never_leaves_hindi_labels_for_english_readers(client):
    from tests.factories import ClusterFactory, region

    ClusterFactory(product="Bells", place="Testpur", region=region("Punjab"))
    client.get("/clusters/?state=punjab", HTTP_ACCEPT_LANGUAGE="hi")
    html = client.get("/clusters/?state=punjab", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<span>State: <strong>Punjab</strong></span>" in html
