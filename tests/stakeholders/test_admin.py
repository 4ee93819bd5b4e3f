"""The relationship admin takes, re-shows and lists dates as typed (issue 16)."""

import pytest

from stakeholders.models import Relationship
from tests.common.test_admin_policies import World, admin_url, form_data


@pytest.fixture
def world(db):
    return World()


def test_the_admin_takes_and_shows_a_relationship_date_as_typed(client, world):
    """since=2018-03 and until=2018 are saved at their precision, shown again as typed in
    the form and as "March 2018" and "2018" in the list; until=2018-02 is refused."""
    curator = world.client(client, "curator")
    relationship = world.a_relationship
    url = admin_url(Relationship, "change", relationship.pk)
    data = {**form_data(curator, url), "since": "2018-03", "until": "2018"}

    response = curator.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    relationship.refresh_from_db()
    assert (relationship.since_partial.iso(), relationship.until_partial.iso()) == (
        "2018-03",
        "2018",
    )
    form = curator.get(url).content.decode()
    assert 'value="2018-03"' in form and 'value="2018"' in form
    listed = curator.get(admin_url(Relationship, "changelist")).content.decode()
    assert "March 2018" in listed and "2018-03-01" not in listed

    refused = curator.post(url, {**data, "until": "2018-02"})
    assert refused.status_code == 200
    assert "must not be before" in refused.content.decode()
    relationship.refresh_from_db()
    assert relationship.until_partial.iso() == "2018"
