"""The workspace in Hindi: an upload's mistakes and a form's errors read as Hindi sentences,
the file's own columns and values aside."""

import html

import pytest
from django.urls import reverse

from clusters.choices import PublicationStatus
from tests import factories
from tests.accounts.people import make_people
from tests.hindi import english_words
from tests.workspace.test_editing import new_cluster_data
from tests.workspace.test_uploads import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return make_people()


@pytest.fixture
def hindi_editor(client, people, settings, tmp_path):
    settings.REGISTRY_UPLOAD_DIR = str(tmp_path / "uploads")
    settings.REGISTRY_JOB_ROWS = 10_000
    client.force_login(people.own_editor)
    client.cookies["django_language"] = "hi"
    return client


def test_an_uploads_mistakes_are_listed_in_hindi(hindi_editor):
    """The preview of a bad file, asked for in Hindi, names each mistake in Hindi."""
    content = (
        "product,place,state,cluster_type,enterprise_count\n"
        "Locks,,Uttar Pradesh,industrial,120\n"
        "Bell metal,Khagra,West Bengal,handcraft,80\n"
        "Looms,Sualkuchi,Assam,handloom,-3\n"
    )
    body = html.unescape(upload(hindi_editor, content).content.decode())
    assert "<td>स्थान नहीं दिया गया है</td>" in body
    assert "'handcraft' कोई क्लस्टर प्रकार नहीं है; इनमें से एक लिखें:" in body
    assert "<td>-3 ऋणात्मक है: गिनती 0 या उससे अधिक होती है।</td>" in body
    assert "is missing" not in body and "is negative" not in body


def test_a_file_that_is_not_a_table_is_refused_in_hindi(hindi_editor):
    """A whole-file error is under "the file", in Hindi, not the English column word."""
    body = html.unescape(upload(hindi_editor, "product,place\nLocks,Aligarh\n").content.decode())
    assert "<td>फ़ाइल</td><td>शीर्ष पंक्ति में आवश्यक कॉलम नहीं है: cluster_type</td>" in body


def test_the_cluster_forms_errors_are_in_hindi(hindi_editor):
    """A new cluster with a bad count and an unknown type: the errors are Hindi sentences."""
    data = new_cluster_data(cluster_type="spaceship", enterprise_count="-5", employment="lots")
    response = hindi_editor.post(reverse("editing:cluster_create"), data)
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "-5 ऋणात्मक है: गिनती 0 या उससे अधिक होती है।" in body
    assert "'lots' कोई गिनती नहीं है: 0 या उससे अधिक की पूर्ण संख्या लिखें।" in body
    message = "'spaceship' कोई क्लस्टर प्रकार नहीं है; इनमें से एक लिखें: "
    assert message in body
    start = body.index(message)
    line = body[start : body.index("।", start)]
    assert english_words(line, allowed=["spaceship industrial handicraft handloom service"]) == []


def test_a_role_of_another_kind_is_refused_in_hindi(hindi_editor, people):
    """The stakeholder form names the kind inside a whole Hindi sentence."""
    draft = factories.ClusterFactory(agency=people.agency_a, status=PublicationStatus.DRAFT)
    response = hindi_editor.post(
        reverse("editing:stakeholder_create", kwargs={"slug": draft.slug}),
        {"name": "Brass Maker", "kind": "supplier", "role": "exporter", "country": "IN"},
    )
    assert (
        "'exporter' आपूर्तिकर्ता की भूमिका नहीं है; इनमें से एक लिखें: "
        "raw_material, machinery, energy, transport।"
    ) in html.unescape(response.content.decode())


def test_submitting_twice_is_refused_in_one_hindi_sentence(hindi_editor, people):
    """The refusal is a sentence of its own for the action, the status its only word put in."""
    draft = factories.ClusterFactory(agency=people.agency_a, status=PublicationStatus.DRAFT)
    submit = reverse("editing:cluster_submit", kwargs={"slug": draft.slug})
    hindi_editor.post(submit)
    body = html.unescape(hindi_editor.post(submit, follow=True).content.decode())
    assert "स्थिति वाले क्लस्टर को समीक्षा के लिए प्रस्तुत नहीं किया जा सकता।" in body
    assert "cannot be" not in body


def test_the_merge_page_names_what_it_merges_in_whole_hindi_sentences(client, people):
    """The stakeholder merge page: its title and an unknown slug's error are sentences of
    their own, not an English noun put into a Hindi sentence."""
    client.force_login(people.curator)
    client.cookies["django_language"] = "hi"
    response = client.get(reverse("editing:stakeholder_merge"), {"first": "x", "second": "nope"})
    body = html.unescape(response.content.decode())
    assert "<h1>डुप्लिकेट हितधारकों का विलय करें</h1>" in body
    assert "किसी हितधारक का स्लग “nope” नहीं है।" in body
    assert "stakeholder" not in english_words(body, allowed=[])


def test_an_empty_list_says_so_in_one_hindi_sentence(client, db):
    """A filter matching nothing: the heading is one sentence, not a noun put into one."""
    client.cookies["django_language"] = "hi"
    body = client.get("/clusters/", {"q": "no-such-cluster-anywhere"}).content.decode()
    assert "इन फ़िल्टरों से कोई क्लस्टर मेल नहीं खाता" in body
