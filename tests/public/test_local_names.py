"""Records' names as data on the public pages (issue 16): a cluster's product and place are
marked translate="no" (kept as entered, never machine-translated), and a name in the
reader's language is shown, marked with its language, beside the English one."""

import re

import pytest
from django.urls import reverse

from clusters import services
from tests import factories

pytestmark = pytest.mark.django_db

HINDI_NAME = "लुधियाना का होज़री क्लस्टर"


@pytest.fixture
def hosiery():
    cluster = factories.ClusterFactory(
        product="Hosiery", place="Ludhiana", region=factories.region("Punjab")
    )
    services.cluster_update(cluster=cluster, data={"local_names": {"hi": HINDI_NAME}})
    return cluster


def untranslated_texts(html):
    """Return the text of each element marked translate="no" (its tags removed)."""
    texts = []
    for match in re.finditer(r'<(\w+)[^>]*\btranslate="no"[^>]*>', html):
        tag, start = match.group(1), match.end()
        depth, position = 1, start
        pattern = re.compile(rf"<(/?){tag}\b[^>]*>")
        while depth:
            found = pattern.search(html, position)
            depth += -1 if found.group(1) else 1
            position = found.end()
        texts.append(re.sub(r"<[^>]+>", "", html[start : found.start()]).strip())
    return texts


def get(client, url, language):
    return client.get(url, headers={"accept-language": language}).content.decode()


def test_a_profile_marks_its_product_and_place_as_data(client):
    """The profile's heading and breadcrumb show product and place inside translate="no"."""
    cluster = factories.ClusterFactory(
        product="Brass ware", place="Moradabad", region=factories.region("Uttar Pradesh")
    )
    for language in ("en", "hi"):
        texts = untranslated_texts(get(client, cluster.get_absolute_url(), language))
        assert "Brass ware" in texts, language
        assert "Moradabad" in texts, language
        assert "Brass ware, Moradabad" in texts, language
        assert "Uttar Pradesh" in texts, language


def test_the_hindi_profile_shows_the_hindi_name_beside_the_english_one(client, hosiery):
    html = get(client, hosiery.get_absolute_url(), "hi")
    assert f'<span translate="no" lang="hi">{HINDI_NAME}</span>' in html
    heading = re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)
    assert HINDI_NAME in heading and "Hosiery, Ludhiana" in heading


def test_the_english_profile_shows_the_english_name_only(client, hosiery):
    html = get(client, hosiery.get_absolute_url(), "en")
    assert HINDI_NAME not in html
    heading = re.sub(r"<[^>]+>", "", re.search(r"<h1>(.*?)</h1>", html, re.S).group(1))
    assert heading.strip() == "Hosiery cluster of Ludhiana"


def test_the_list_shows_the_hindi_name_in_hindi_and_not_in_english(client, hosiery):
    url = reverse("clusters:cluster_list")
    hindi = get(client, url, "hi")
    assert f'<span translate="no" lang="hi">{HINDI_NAME}</span> · ' in hindi
    assert '<span translate="no" lang="en">Hosiery</span>' in hindi
    assert HINDI_NAME not in get(client, url, "en")


def test_a_stakeholders_hindi_name_is_shown_on_its_page_in_hindi(client, hosiery):
    stakeholder = factories.StakeholderFactory(
        name="Knitwear Club", kind="association", local_names={"hi": "निटवियर क्लब"}
    )
    factories.MembershipFactory(cluster=hosiery, stakeholder=stakeholder)
    assert "निटवियर क्लब" in get(client, stakeholder.get_absolute_url(), "hi")
    assert "निटवियर क्लब" not in get(client, stakeholder.get_absolute_url(), "en")
    assert "निटवियर क्लब" in get(client, hosiery.get_absolute_url(), "hi")


def test_the_search_finds_a_cluster_by_its_hindi_name(client, hosiery):
    factories.ClusterFactory(product="Knitwear", place="Tirupur")
    html = get(client, reverse("clusters:cluster_list") + "?q=होज़री", "en")
    assert "Ludhiana" in html and "Tirupur" not in html


def test_the_search_does_not_match_a_language_code(client):
    """Every record with a Hindi name has the key "hi" in its JSON: "hi" is no match."""
    brass = factories.ClusterFactory(product="Brass ware", place="Moradabad")
    services.cluster_update(cluster=brass, data={"local_names": {"hi": "मुरादाबाद का पीतल"}})
    html = get(client, reverse("clusters:cluster_list") + "?q=hi", "en")
    assert "Moradabad" not in html
    assert "Moradabad" in get(client, reverse("clusters:cluster_list") + "?q=पीतल", "en")
