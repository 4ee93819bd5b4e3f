"""Another agency's drafts stay hidden on every path that writes: an upload never links its
stakeholders by name, and a duplicate identity is refused without naming the hidden record
(its name, address or agency) on the site's forms, the upload preview and the API. Those who
may see the existing record are still pointed at it; an operator's command line is unchanged.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from clusters.choices import PublicationStatus
from clusters.imports import ClusterImporter
from clusters.models import Cluster
from stakeholders.imports import RelationshipImporter, StakeholderImporter
from stakeholders.models import ClusterMembership, Relationship, Stakeholder
from tests import factories
from tests.accounts.people import make_people

pytestmark = pytest.mark.django_db

CLUSTER_MESSAGE = (
    "A cluster with this product and place already exists and is maintained by another "
    "agency; a curator can help."
)
STAKEHOLDER_MESSAGE = (
    "A stakeholder with this name and kind already exists and is maintained by another "
    "agency; a curator can help."
)
STAKEHOLDER_HEADER = "name,kind,cluster_product,cluster_place,cluster_state\n"
RELATIONSHIP_HEADER = (
    "source_name,source_kind,target_name,target_kind,relationship,cluster_product,"
    "cluster_place,cluster_state\n"
)


@pytest.fixture(autouse=True)
def uploads_dir(settings, tmp_path):
    settings.REGISTRY_UPLOAD_DIR = str(tmp_path / "uploads")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(db):
    return make_people()


@pytest.fixture
def ours(people):
    """A draft of agency A, the editor's own."""
    return factories.ClusterFactory(
        product="Hosiery",
        place="Ludhiana",
        region=factories.region("Punjab"),
        agency=people.agency_a,
        status=PublicationStatus.DRAFT,
    )


@pytest.fixture
def theirs(people):
    """A draft of agency B, hidden from agency A's editor."""
    return factories.ClusterFactory(
        product="Locks",
        place="Aligarh",
        region=factories.region("Uttar Pradesh"),
        agency=people.agency_b,
        status=PublicationStatus.DRAFT,
    )


@pytest.fixture
def secret(theirs):
    """A supplier known only from agency B's draft."""
    supplier = factories.StakeholderFactory(name="Secret Supplier", kind="supplier")
    factories.MembershipFactory(cluster=theirs, stakeholder=supplier)
    return supplier


@pytest.fixture
def editor_client(client, people):
    client.force_login(people.own_editor)
    return client


def upload(client, text, kind):
    return client.post(
        reverse("uploads:upload"),
        {"kind": kind, "file": SimpleUploadedFile(f"{kind}.csv", text.encode())},
    )


def assert_nothing_revealed(text, record, *also):
    for revealing in (record.slug, record.get_absolute_url(), *also):
        assert revealing not in text, revealing


def token_client(user):
    token, _created = Token.objects.get_or_create(user=user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


# 6. Uploads match names only among the stakeholders the user may see ----------------------


def test_a_stakeholder_upload_never_pulls_another_agencys_hidden_stakeholder_in(
    editor_client, ours, secret
):
    """A row naming a supplier known only from another agency's draft is refused with a
    message that does not reveal it, and there is nothing to confirm; nothing is linked."""
    text = STAKEHOLDER_HEADER + "Secret  supplier,supplier,Hosiery,Ludhiana,Punjab\n"
    preview = upload(editor_client, text, "stakeholders")
    body = preview.content.decode()
    assert STAKEHOLDER_MESSAGE in body
    assert "Import it" not in body
    assert_nothing_revealed(body, secret, "Locks", "Agency B")
    assert not ClusterMembership.objects.filter(cluster=ours).exists()
    assert Stakeholder.objects.count() == 1


def test_the_importer_used_by_uploads_refuses_the_hidden_stakeholder_by_row(people, ours, secret):
    """The stakeholder importer run for an editor reports the row and column; a visible row
    beside it is not written either (all or nothing)."""
    text = (
        STAKEHOLDER_HEADER
        + "Knitwear Club,association,Hosiery,Ludhiana,Punjab\n"
        + "Secret Supplier,supplier,Hosiery,Ludhiana,Punjab\n"
    )
    result = StakeholderImporter(user=people.own_editor).run(text.encode(), user=people.own_editor)
    assert [str(error) for error in result.errors] == [f"row 3, name: {STAKEHOLDER_MESSAGE}"]
    assert not ClusterMembership.objects.filter(cluster=ours).exists()
    assert not Stakeholder.objects.filter(name="Knitwear Club").exists()


def test_a_stakeholder_the_editor_may_see_is_still_linked_by_name(people, ours):
    """A bank of another agency's published cluster is public: a row naming it links the
    same record (no second bank)."""
    bank = factories.StakeholderFactory(name="State Bank of India", kind="institution")
    published = factories.ClusterFactory(agency=people.agency_b, status="published")
    factories.MembershipFactory(cluster=published, stakeholder=bank)
    text = STAKEHOLDER_HEADER + "State Bank of India,institution,Hosiery,Ludhiana,Punjab\n"
    result = StakeholderImporter(user=people.own_editor).run(text.encode(), user=people.own_editor)
    assert result.ok, result.errors
    assert ClusterMembership.objects.filter(cluster=ours, stakeholder=bank).exists()
    assert Stakeholder.objects.filter(kind="institution").count() == 1


def test_an_operators_command_line_import_still_links_by_name(ours, secret, write_file):
    """The command line is an operator's: it sees every record and links the supplier."""
    from django.core.management import call_command

    path = write_file(STAKEHOLDER_HEADER + "Secret Supplier,supplier,Hosiery,Ludhiana,Punjab\n")
    call_command("import_stakeholders", str(path), stdout=None)
    assert ClusterMembership.objects.filter(cluster=ours, stakeholder=secret).exists()


@pytest.mark.parametrize("hidden", [False, True])
def test_a_stakeholder_upload_checks_visibility_in_a_fixed_number_of_queries(
    people, ours, theirs, hidden
):
    """Checking what the editor may see costs the same queries for 5 rows as for 60."""

    def queries(n):
        names = [f"Unit {i}" for i in range(n)]
        if hidden:
            for name in names:
                factories.MembershipFactory(
                    cluster=theirs, stakeholder=factories.StakeholderFactory(name=name)
                )
        text = STAKEHOLDER_HEADER + "".join(
            f"{name},enterprise,Hosiery,Ludhiana,Punjab\n" for name in names
        )
        importer = StakeholderImporter(user=people.own_editor)
        with CaptureQueriesContext(connection) as captured:
            result = importer.run(text.encode(), user=people.own_editor, dry_run=True)
        assert result.ok != hidden
        Stakeholder.objects.filter(name__startswith="Unit ").delete()
        return len(captured)

    queries(1)  # the first import asks once for what a user object then keeps
    assert queries(5) == queries(60)


def test_a_relationship_upload_cannot_probe_another_agencys_draft(people, theirs, secret):
    """Rows naming another agency's draft are refused the same way whether or not the named
    stakeholders belong to it, without naming the cluster."""
    rows = {
        "member": "Secret Supplier,supplier,Secret Supplier 2,supplier,supplies,",
        "stranger": "Nobody,supplier,Nobody 2,supplier,supplies,",
    }
    factories.MembershipFactory(
        cluster=theirs,
        stakeholder=factories.StakeholderFactory(name="Secret Supplier 2", kind="supplier"),
    )
    answers = {}
    for label, row in rows.items():
        text = RELATIONSHIP_HEADER + row + "Locks,Aligarh,Uttar Pradesh\n"
        result = RelationshipImporter(user=people.own_editor).run(
            text.encode(), user=people.own_editor
        )
        answers[label] = [str(error) for error in result.errors]
    assert answers["member"] == answers["stranger"]
    assert answers["member"] == [
        "row 2, cluster_product: a cluster with this product and place is maintained by "
        "another agency; you may not add to it (a curator can help)"
    ]
    assert not Relationship.objects.exists()


def test_the_site_form_does_not_offer_a_hidden_stakeholder_to_link(editor_client, ours, secret):
    """Entering a stakeholder with a hidden one's name and kind is refused without naming
    it or offering its record to link."""
    response = editor_client.post(
        reverse("editing:stakeholder_create", kwargs={"slug": ours.slug}),
        {"name": "secret supplier", "kind": "supplier", "country": "IN"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert STAKEHOLDER_MESSAGE in body
    assert "Link the existing record instead" not in body
    assert_nothing_revealed(body, secret, "Secret Supplier", "Locks")
    assert not ClusterMembership.objects.filter(cluster=ours).exists()


# 11. Duplicate identities: named to those who may see the record, to no one else ----------


def test_an_editor_entering_another_agencys_draft_on_the_site_is_not_told_which(
    editor_client, theirs
):
    """The site's form: the neutral message, no slug, address, name or agency."""
    data = {
        "product": "locks",
        "place": "aligarh",
        "state": "Uttar Pradesh",
        "country": "IN",
        "cluster_type": "industrial",
        "currency": "INR",
    }
    response = editor_client.post(reverse("editing:cluster_create"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert CLUSTER_MESSAGE in body
    assert_nothing_revealed(body, theirs, str(theirs), "Agency B")
    assert Cluster.objects.count() == 1


def test_an_editor_uploading_another_agencys_draft_is_not_told_which(editor_client, theirs):
    """The upload preview: the row is refused with the neutral message."""
    preview = upload(
        editor_client,
        "product,place,state,cluster_type\nLocks,Aligarh,Uttar Pradesh,industrial\n",
        "clusters",
    )
    body = preview.content.decode()
    assert CLUSTER_MESSAGE in body
    assert_nothing_revealed(body, theirs, "Agency B")
    assert "Import it" not in body


def test_an_upload_of_a_visible_cluster_of_another_agency_keeps_its_message(people):
    """A published cluster of another agency: the row says it is theirs to change."""
    factories.ClusterFactory(
        product="Brass", place="Moradabad", agency=people.agency_b, status="published"
    )
    result = ClusterImporter(user=people.own_editor).run(
        b"product,place,state,cluster_type\nBrass,Moradabad,West Bengal,handicraft\n",
        user=people.own_editor,
    )
    assert [error.message for error in result.errors] == [
        "a cluster with this product and place is maintained by another agency; you cannot "
        "change it"
    ]


def test_an_editor_creating_another_agencys_draft_through_the_api_is_not_told_which(people, theirs):
    """The API: 400 on `product` with the neutral message, nothing of the hidden record."""
    response = token_client(people.own_editor).post(
        "/api/clusters/",
        {
            "product": "LOCKS",
            "place": "Aligarh",
            "state": "Uttar Pradesh",
            "cluster_type": "industrial",
        },
    )
    assert response.status_code == 400
    assert response.json()["product"] == [CLUSTER_MESSAGE]
    assert_nothing_revealed(response.content.decode(), theirs, "Agency B")


def test_the_api_still_names_a_duplicate_the_editor_may_see(people):
    """A published duplicate is named with its address, as before."""
    published = factories.ClusterFactory(
        product="Brass", place="Moradabad", agency=people.agency_b, status="published"
    )
    response = token_client(people.own_editor).post(
        "/api/clusters/",
        {
            "product": "Brass",
            "place": "Moradabad",
            "state": "west-bengal",
            "cluster_type": "industrial",
        },
    )
    assert response.status_code == 400
    assert published.get_absolute_url() in response.json()["product"][0]


def test_an_editor_creating_a_hidden_stakeholder_through_the_api_is_not_told_which(
    people, ours, secret
):
    """The stakeholder API: 400 on `name` with the neutral message."""
    response = token_client(people.own_editor).post(
        "/api/stakeholders/",
        {"name": "Secret Supplier", "kind": "supplier", "cluster": ours.slug},
    )
    assert response.status_code == 400
    assert response.json()["name"] == [STAKEHOLDER_MESSAGE]
    assert_nothing_revealed(response.content.decode(), secret, "Locks")
    assert not ClusterMembership.objects.filter(cluster=ours).exists()


def test_the_services_name_the_record_to_an_operator_and_to_a_curator(people, theirs, secret):
    """Without a user (an operator) or for a curator, the message points at the record."""
    from django.core.exceptions import ValidationError

    from clusters import services
    from stakeholders import services as stakeholder_services

    for user in (None, people.curator):
        with pytest.raises(ValidationError) as caught:
            services.cluster_validate_identity(
                product="Locks",
                place="Aligarh",
                region=theirs.region,
                country="IN",
                user=user,
            )
        assert theirs.get_absolute_url() in caught.value.message_dict["product"][0]
        with pytest.raises(ValidationError) as caught:
            stakeholder_services.stakeholder_validate_identity(
                name="Secret Supplier", kind="supplier", region=None, user=user
            )
        assert secret.get_absolute_url() in caught.value.message_dict["name"][0]
    with pytest.raises(ValidationError) as caught:
        services.cluster_validate_identity(
            product="Locks",
            place="Aligarh",
            region=theirs.region,
            country="IN",
            user=people.own_editor,
        )
    assert caught.value.message_dict["product"] == [CLUSTER_MESSAGE]


def test_without_a_user_the_services_answer_for_whoever_is_signed_in(people, theirs, rf):
    """A caller that passes no user (the admin's forms) gets the message for the signed-in
    user of the request being served, and the full one outside any request (an operator)."""
    from django.core.exceptions import ValidationError
    from simple_history.models import HistoricalRecords

    from clusters import services

    def message():
        with pytest.raises(ValidationError) as caught:
            services.cluster_validate_identity(
                product="Locks", place="Aligarh", region=theirs.region, country="IN"
            )
        return caught.value.message_dict["product"][0]

    request = rf.post("/admin/clusters/cluster/add/")
    request.user = people.own_editor
    HistoricalRecords.context.request = request
    try:
        assert message() == CLUSTER_MESSAGE
    finally:
        del HistoricalRecords.context.request
    assert theirs.get_absolute_url() in message()
