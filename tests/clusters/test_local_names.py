"""A record's names in the site's other languages (common.local_names): validated against
settings.LANGUAGES, kept through the services and the history, exposed by the API."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from clusters import services
from clusters.choices import PublicationStatus
from common.local_names import clean_local_names, other_language_codes
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_other_languages_are_the_configured_ones_but_english():
    assert other_language_codes() == ["hi"]


def test_a_new_configured_language_is_accepted_with_no_code_change(settings):
    settings.LANGUAGES = [*settings.LANGUAGES, ("bn", "বাংলা")]
    assert clean_local_names({"bn": "ফুলিয়ার তাঁত"}) == {"bn": "ফুলিয়ার তাঁত"}


@pytest.mark.parametrize(
    "names",
    [{"fr": "Bonneterie"}, {"en-in": "Hosiery"}, {"hi": ["होज़री"]}, {"hi": "दो\nपंक्तियाँ"}, ["hi"]],
    ids=["unknown language", "the default language", "not text", "two lines", "not an object"],
)
def test_a_cluster_refuses_names_that_are_not_one_line_in_another_language(names):
    cluster = factories.ClusterFactory()
    with pytest.raises(ValidationError) as error:
        services.cluster_update(cluster=cluster, data={"local_names": names})
    assert "local_names" in error.value.message_dict
    cluster.refresh_from_db()
    assert cluster.local_names == {}


def test_blank_names_are_dropped_and_spaces_trimmed():
    assert clean_local_names({"hi": "  लुधियाना   का होज़री "}) == {"hi": "लुधियाना का होज़री"}
    assert clean_local_names({"hi": "  "}) == {}


def test_the_history_keeps_the_names():
    cluster = factories.ClusterFactory()
    services.cluster_update(cluster=cluster, data={"local_names": {"hi": "होज़री"}})
    assert cluster.history.latest().local_names == {"hi": "होज़री"}


def test_the_api_shows_and_edits_the_names():
    curator = factories.CuratorFactory()
    cluster = factories.ClusterFactory(status=PublicationStatus.PUBLISHED)
    api = APIClient()
    assert api.get(f"/api/clusters/{cluster.slug}/").json()["local_names"] == {}
    api.force_authenticate(curator)
    url = f"/api/clusters/{cluster.slug}/"
    response = api.patch(url, {"local_names": {"hi": "होज़री क्लस्टर"}}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["local_names"] == {"hi": "होज़री क्लस्टर"}
    refused = api.patch(url, {"local_names": {"xx": "?"}}, format="json")
    assert refused.status_code == 400
    assert "local_names" in refused.json()
    cluster.refresh_from_db()
    assert cluster.local_names == {"hi": "होज़री क्लस्टर"}


def test_the_stakeholder_api_shows_the_names():
    stakeholder = factories.StakeholderFactory(local_names={"hi": "निटवियर क्लब"})
    cluster = factories.ClusterFactory()
    factories.MembershipFactory(cluster=cluster, stakeholder=stakeholder)
    body = APIClient().get(f"/api/stakeholders/{stakeholder.slug}/").json()
    assert body["local_names"] == {"hi": "निटवियर क्लब"}


def test_the_demo_gives_a_few_clusters_a_hindi_name():
    from stakeholders.demo_names import demo_local_names_load

    cluster = factories.ClusterFactory(product="Hosiery", place="Ludhiana")
    assert cluster.slug == "hosiery-ludhiana"
    assert demo_local_names_load() == 1
    cluster.refresh_from_db()
    assert cluster.local_names == {"hi": "लुधियाना का होज़री क्लस्टर"}
