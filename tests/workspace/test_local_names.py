"""The editors' forms and the admin take a record's name in each other language (issue 16):
one input per configured language but English, labelled in that language, with its lang."""

import re

import pytest
from django.urls import reverse

from clusters.choices import PublicationStatus
from clusters.models import Cluster
from stakeholders.models import Stakeholder
from tests import factories
from tests.accounts.people import make_people
from tests.workspace.test_editing import edit_data, new_cluster_data, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return make_people()


@pytest.fixture
def editor_client(client, people):
    client.force_login(people.own_editor)
    return client


@pytest.fixture
def draft(people):
    return factories.ClusterFactory(
        product="Brass ware",
        place="Moradabad",
        region=factories.region("Uttar Pradesh"),
        agency=people.agency_a,
        status=PublicationStatus.DRAFT,
    )


def hindi_input(html):
    """Return the Hindi name's <input> and its <label> in `html`."""
    field = re.search(r'<input[^>]*name="local_names_0"[^>]*>', html).group(0)
    field_id = re.search(r'id="([^"]+)"', field).group(1)
    label = re.search(rf'<label for="{field_id}"[^>]*>(.*?)</label>', html).group(0)
    return field, label


def test_the_cluster_form_has_a_hindi_input_labelled_in_hindi(editor_client):
    field, label = hindi_input(editor_client.get(url("cluster_create")).content.decode())
    assert 'lang="hi"' in field
    assert "हिंदी" in label and 'lang="hi"' in label


def test_a_new_cluster_is_saved_with_its_hindi_name(editor_client):
    data = new_cluster_data(local_names_0="  लुधियाना का निटवियर  क्लस्टर ")
    response = editor_client.post(url("cluster_create"), data)
    assert response.status_code == 302
    cluster = Cluster.objects.get(product="Knitwear", place="Ludhiana")
    assert cluster.local_names == {"hi": "लुधियाना का निटवियर क्लस्टर"}


def test_editing_shows_changes_and_clears_the_hindi_name(editor_client, draft):
    draft_url = url("cluster_edit", draft)
    response = editor_client.post(draft_url, edit_data(draft, local_names_0="पीतल के बर्तन"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.local_names == {"hi": "पीतल के बर्तन"}
    field, _label = hindi_input(editor_client.get(draft_url).content.decode())
    assert 'value="पीतल के बर्तन"' in field
    editor_client.post(draft_url, edit_data(draft, local_names_0=""))
    draft.refresh_from_db()
    assert draft.local_names == {}


def test_a_stakeholder_is_entered_and_edited_with_its_hindi_name(editor_client, draft):
    data = {
        "name": "Moradabad Brass Exporters",
        "local_names_0": "मुरादाबाद पीतल निर्यातक",
        "kind": "enterprise",
        "country": "IN",
    }
    assert editor_client.post(url("stakeholder_create", draft), data).status_code == 302
    stakeholder = Stakeholder.objects.get(name="Moradabad Brass Exporters")
    assert stakeholder.local_names == {"hi": "मुरादाबाद पीतल निर्यातक"}
    edit_url = url("stakeholder_edit", slug=stakeholder.slug)
    field, label = hindi_input(editor_client.get(edit_url).content.decode())
    assert 'value="मुरादाबाद पीतल निर्यातक"' in field and "हिंदी" in label
    data.update(local_names_0="", version=stakeholder.version)
    assert editor_client.post(edit_url, data).status_code == 302
    stakeholder.refresh_from_db()
    assert stakeholder.local_names == {}


def test_the_admin_edits_a_clusters_hindi_name(client, people):
    cluster = factories.ClusterFactory(product="Coir", place="Alappuzha")
    client.force_login(people.curator)
    change_url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    html = client.get(change_url).content.decode()
    field, label = hindi_input(html)
    assert 'lang="hi"' in field and "हिंदी" in label
