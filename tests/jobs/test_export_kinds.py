"""Export jobs of each kind (clusters, stakeholders, relationships) with a list's filters: a
worker writes the rows the requester may see now (their agency's unpublished records too,
never another agency's), kept by the same FilterSet as the list, in the public export's
columns and bytes; an invalid filter is said, not a crash; a failed export leaves no file."""

import csv
import io
import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from clusters.choices import PublicationStatus
from jobs import services
from jobs.choices import ExportKind, JobKind, JobState
from jobs.models import Job
from stakeholders.choices import Kind, RelationshipType
from stakeholders.exports import RELATIONSHIP_EXPORT_COLUMNS, STAKEHOLDER_EXPORT_COLUMNS
from tests import factories


@pytest.fixture
def world(editor):
    """Clusters of the editor's agency (a draft), of another agency (published, and a
    draft), their members and relationships."""
    other = factories.AgencyFactory()
    own_draft = factories.ClusterFactory(
        product="Own draft", agency=editor.agency, status=PublicationStatus.DRAFT
    )
    published = factories.ClusterFactory(
        product="Published", agency=other, status=PublicationStatus.PUBLISHED
    )
    others_draft = factories.ClusterFactory(
        product="Others draft", agency=other, status=PublicationStatus.DRAFT
    )
    own = factories.StakeholderFactory(name="Own mill", kind=Kind.ENTERPRISE)
    both = factories.StakeholderFactory(name="Shared bank", kind=Kind.INSTITUTION)
    public = factories.StakeholderFactory(name="Public dyer", kind=Kind.ENTERPRISE)
    secret = factories.StakeholderFactory(name="Secret trader", kind=Kind.ENTERPRISE)
    secret_too = factories.StakeholderFactory(name="Secret buyer", kind=Kind.ENTERPRISE)
    for cluster, stakeholder in [
        (own_draft, own),
        (own_draft, both),
        (published, both),
        (published, public),
        (others_draft, secret),
        (others_draft, secret_too),
    ]:
        factories.MembershipFactory(cluster=cluster, stakeholder=stakeholder)
    factories.RelationshipFactory(cluster=own_draft, source=own, target=both)
    factories.RelationshipFactory(
        cluster=published, source=public, target=both, kind=RelationshipType.BUYS_FROM
    )
    factories.RelationshipFactory(cluster=others_draft, source=secret, target=secret_too)
    return {"own_draft": own_draft, "published": published, "others_draft": others_draft}


def ask(client, capture, kind, filters="", **extra):
    """Ask for an export job, its task enqueued as when the request's transaction commits."""
    with capture(execute=True):
        return client.post(reverse("jobs:job_export"), {"kind": kind, "filters": filters, **extra})


def download(client, job):
    response = client.get(reverse("jobs:job_download", args=[job.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def rows_of(content):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def run_export(client, capture, run_worker, kind, filters=""):
    """Ask for an export, run the worker; return the job (done) and its file's rows."""
    response = ask(client, capture, kind, filters)
    job = Job.objects.latest("created")
    assert response.url == job.get_absolute_url()
    run_worker()
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.message
    return job, rows_of(download(client, job))


# What each kind writes, for an editor and for a curator ------------------------------------


def test_a_stakeholder_export_has_the_editors_agencys_drafts_not_anothers(
    editor_client, world, run_worker, django_capture_on_commit_callbacks
):
    """One row per membership the editor may see: their agency's draft and published ones."""
    job, rows = run_export(
        editor_client, django_capture_on_commit_callbacks, run_worker, ExportKind.STAKEHOLDERS
    )
    assert (job.kind, job.file_format, job.total) == (JobKind.EXPORT, "stakeholders", 4)
    assert rows[0] == list(STAKEHOLDER_EXPORT_COLUMNS)
    assert sorted((row[0], row[3]) for row in rows[1:]) == [
        ("Own mill", "Own draft"),
        ("Public dyer", "Published"),
        ("Shared bank", "Own draft"),
        ("Shared bank", "Published"),
    ]


def test_a_relationship_export_has_the_editors_agencys_drafts_not_anothers(
    editor_client, world, run_worker, django_capture_on_commit_callbacks
):
    _job, rows = run_export(
        editor_client, django_capture_on_commit_callbacks, run_worker, ExportKind.RELATIONSHIPS
    )
    assert rows[0] == list(RELATIONSHIP_EXPORT_COLUMNS)
    assert sorted((row[0], row[4], row[5]) for row in rows[1:]) == [
        ("Own mill", "supplies", "Own draft"),
        ("Public dyer", "buys_from", "Published"),
    ]


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (ExportKind.CLUSTERS, 3),
        (ExportKind.STAKEHOLDERS, 6),
        (ExportKind.RELATIONSHIPS, 3),
    ],
)
def test_a_curators_export_has_every_record(
    kind, expected, client, world, run_worker, django_capture_on_commit_callbacks
):
    client.force_login(factories.CuratorFactory())
    job, rows = run_export(client, django_capture_on_commit_callbacks, run_worker, kind)
    assert len(rows) - 1 == job.created_count == expected


@pytest.mark.parametrize(
    ("kind", "public_url", "filters"),
    [
        (ExportKind.STAKEHOLDERS, "stakeholders:stakeholder_export", ""),
        (ExportKind.STAKEHOLDERS, "stakeholders:stakeholder_export", "kind=enterprise"),
        (ExportKind.RELATIONSHIPS, "relationships:relationship_export", ""),
        (ExportKind.RELATIONSHIPS, "relationships:relationship_export", "kind=buys_from"),
    ],
)
def test_a_job_writes_the_same_bytes_as_the_public_export(
    kind, public_url, filters, client, db, run_worker, django_capture_on_commit_callbacks
):
    """Over published records only, the job's file is byte for byte the public download."""
    cluster = factories.ClusterFactory(product='Knitwear, "fine"', status="published")
    mill = factories.StakeholderFactory(name="=Mill", kind=Kind.ENTERPRISE, place="Tirupur")
    bank = factories.StakeholderFactory(name="Bank", kind=Kind.INSTITUTION)
    for stakeholder in (mill, bank):
        factories.MembershipFactory(cluster=cluster, stakeholder=stakeholder, source="survey")
    factories.RelationshipFactory(cluster=cluster, source=mill, target=bank)
    factories.RelationshipFactory(
        cluster=cluster, source=bank, target=mill, kind=RelationshipType.BUYS_FROM
    )
    public = client.get(reverse(public_url, args=["csv"]) + "?" + filters)
    expected = b"".join(public.streaming_content)
    client.force_login(factories.CuratorFactory())
    ask(client, django_capture_on_commit_callbacks, kind, filters)
    run_worker()
    job = Job.objects.get()
    assert download(client, job) == expected


# Filters -------------------------------------------------------------------------------------


def hidden_filters(page, kind):
    """Return the `filters` of the page's export form of `kind`."""
    form = re.search(
        r'name="kind" value="' + kind + r'">\s*<input type="hidden" name="filters" value="([^"]*)"',
        page,
    )
    assert form, f"no export form of {kind}"
    return unescape(form.group(1))


def test_the_workspace_cluster_list_exports_the_clusters_it_shows(
    editor_client, editor, run_worker, django_capture_on_commit_callbacks
):
    """Filtered by words and status, the list and its export job have the same clusters."""
    for status in ("draft", "published"):
        for product in ("Silk saree", "Brass lamp"):
            factories.ClusterFactory(product=product, agency=editor.agency, status=status)
    factories.ClusterFactory(product="Silk yarn", status="published")  # another agency's
    page = editor_client.get(reverse("editing:cluster_list") + "?q=silk&status=draft")
    body = page.content.decode()
    shown = [c.product for c in page.context["clusters"]]
    assert shown == ["Silk saree"]
    filters = hidden_filters(body, "clusters")
    _job, rows = run_export(
        editor_client, django_capture_on_commit_callbacks, run_worker, "clusters", filters
    )
    assert sorted(row[0] for row in rows[1:]) == sorted(shown)


def test_the_unfiltered_workspace_list_of_an_editor_exports_their_agencys_clusters(
    editor_client, editor, run_worker, django_capture_on_commit_callbacks
):
    own = factories.ClusterFactory(agency=editor.agency, status="draft")
    factories.ClusterFactory(status="published")  # another agency's: not on "My clusters"
    page = editor_client.get(reverse("editing:cluster_list")).content.decode()
    filters = hidden_filters(page, "clusters")
    _job, rows = run_export(
        editor_client, django_capture_on_commit_callbacks, run_worker, "clusters", filters
    )
    assert [row[0] for row in rows[1:]] == [own.product]


def test_the_members_page_exports_the_members_of_the_draft_cluster(
    editor_client, world, run_worker, django_capture_on_commit_callbacks
):
    """From a draft cluster's stakeholder page (a filter the public list would refuse)."""
    draft = world["own_draft"]
    page = editor_client.get(reverse("editing:cluster_stakeholders", args=[draft.slug]))
    filters = hidden_filters(page.content.decode(), "stakeholders")
    assert filters == f"cluster={draft.slug}"
    job, rows = run_export(
        editor_client, django_capture_on_commit_callbacks, run_worker, "stakeholders", filters
    )
    names = {row[0] for row in rows[1:]}
    assert names == {m.stakeholder.name for m in draft.memberships.all()}
    assert job.total == len(rows) - 1 == 3  # the shared bank is in the published one too
    detail = editor_client.get(job.get_absolute_url()).content.decode()
    assert f"Stakeholders where Cluster: {draft}" in unescape(detail)  # by its name


def test_the_relationships_page_exports_the_clusters_relationships(
    editor_client, world, run_worker, django_capture_on_commit_callbacks
):
    draft = world["own_draft"]
    page = editor_client.get(reverse("editing:cluster_relationships", args=[draft.slug]))
    filters = hidden_filters(page.content.decode(), "relationships")
    _job, rows = run_export(
        editor_client, django_capture_on_commit_callbacks, run_worker, "relationships", filters
    )
    assert [(row[0], row[2]) for row in rows[1:]] == [("Own mill", "Shared bank")]


def test_stakeholder_filters_keep_the_same_rows_as_the_list(
    editor_client, world, run_worker, django_capture_on_commit_callbacks
):
    """The stakeholder list's FilterSet, over what the editor may see: `kind` and `q`."""
    _job, rows = run_export(
        editor_client,
        django_capture_on_commit_callbacks,
        run_worker,
        "stakeholders",
        "kind=institution",
    )
    assert {row[0] for row in rows[1:]} == {"Shared bank"}
    _job, rows = run_export(
        editor_client, django_capture_on_commit_callbacks, run_worker, "stakeholders", "q=dyer"
    )
    assert {row[0] for row in rows[1:]} == {"Public dyer"}
    public = editor_client.get(reverse("stakeholders:stakeholder_list") + "?q=dyer")
    assert "Public dyer" in public.content.decode()


@pytest.mark.parametrize(
    ("kind", "filters", "said"),
    [
        ("stakeholders", "kind=bogus", "kind:"),
        ("clusters", "enterprise_count_min=lots", "enterprise_count_min:"),
        ("relationships", "cluster=no-such-cluster", "cluster:"),
        ("stakeholders", "q=" + "silk+" * 1000, "more than 4000 characters"),
    ],
)
def test_an_invalid_filter_is_said_and_no_job_is_made(editor_client, world, kind, filters, said):
    response = editor_client.post(
        reverse("jobs:job_export"), {"kind": kind, "filters": filters}, follow=True
    )
    assert response.status_code == 200
    body = unescape(response.content.decode())
    assert "Nothing exported: a filter is invalid" in body
    assert said in body
    assert not Job.objects.exists()


def test_another_agencys_draft_cannot_be_named(editor_client, world):
    """A filter naming a cluster the editor may not see is invalid, as if it did not exist."""
    slug = world["others_draft"].slug
    response = editor_client.post(
        reverse("jobs:job_export"), {"kind": "stakeholders", "filters": f"cluster={slug}"}
    )
    assert response.status_code == 302
    assert not Job.objects.exists()


def test_an_unknown_kind_is_a_bad_request(editor_client, world):
    response = editor_client.post(reverse("jobs:job_export"), {"kind": "networks"})
    assert response.status_code == 400
    assert not Job.objects.exists()


def test_a_filter_gone_invalid_fails_the_job_with_a_message(
    editor_client, world, run_worker, django_capture_on_commit_callbacks
):
    draft = world["own_draft"]
    ask(editor_client, django_capture_on_commit_callbacks, "stakeholders", f"cluster={draft.slug}")
    draft.delete()
    run_worker()
    job = Job.objects.get()
    assert job.state == JobState.FAILED
    assert "a filter is no longer valid" in job.message
    assert not job.file_path
    assert not list(services.job_dir().glob("export-*"))
    page = editor_client.get(job.get_absolute_url()).content.decode()
    assert "a filter is no longer valid" in page


# Rights and files ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["stakeholders", "relationships"])
def test_the_file_is_the_requesters_and_curators_only(
    kind, editor_client, world, run_worker, client, django_capture_on_commit_callbacks
):
    job, _rows = run_export(editor_client, django_capture_on_commit_callbacks, run_worker, kind)
    address = reverse("jobs:job_download", args=[job.pk])
    editor_client.logout()
    response = editor_client.get(address)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    client.force_login(factories.AgencyEditorFactory().user)
    assert client.get(address).status_code == 404
    client.force_login(factories.CuratorFactory())
    assert client.get(address).status_code == 200


def test_rights_are_checked_again_when_the_job_runs(
    editor_client, editor, world, run_worker, django_capture_on_commit_callbacks
):
    """An editor who lost their agency before the worker ran gets a failed job, no file."""
    ask(editor_client, django_capture_on_commit_callbacks, "stakeholders")
    editor.delete()
    run_worker()
    job = Job.objects.get()
    assert job.state == JobState.FAILED
    assert "export" in job.message
    assert not list(services.job_dir().glob("export-*"))


def test_a_failed_export_leaves_no_file(
    editor_client, world, run_worker, monkeypatch, django_capture_on_commit_callbacks
):
    """An error half-way through the file removes its part: no file, nothing to download."""

    def broken(records, columns, **kwargs):
        yield ",".join(columns) + "\r\n"
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "iter_csv_records", broken)
    ask(editor_client, django_capture_on_commit_callbacks, "relationships")
    run_worker()  # the task fails; the worker goes on
    job = Job.objects.get()
    assert job.state == JobState.FAILED
    assert not list(services.job_dir().glob("export-*"))
    download_url = reverse("jobs:job_download", args=[job.pk])
    assert editor_client.get(download_url).status_code == 404


# Pages ---------------------------------------------------------------------------------------


def test_the_jobs_page_offers_every_kind(editor_client):
    page = editor_client.get(reverse("jobs:job_list")).content.decode()
    for kind in ExportKind.values:
        assert f'name="kind" value="{kind}"' in page


def test_the_job_page_says_what_was_exported(
    editor_client, world, run_worker, django_capture_on_commit_callbacks
):
    job, _rows = run_export(
        editor_client,
        django_capture_on_commit_callbacks,
        run_worker,
        "relationships",
        "kind=supplies&source_kind=enterprise",
    )
    page = unescape(editor_client.get(job.get_absolute_url()).content.decode())
    assert "Export: Relationships" in page
    assert "Relationships where Relationship: supplies; From kind: Enterprise" in page
    assert "1 relationship written to the file." in page
    listing = unescape(editor_client.get(reverse("jobs:job_list")).content.decode())
    assert "Export: Relationships" in listing


@pytest.mark.parametrize("jobs", [1, 15])
def test_the_job_pages_of_exports_take_few_queries(
    jobs, editor_client, editor, django_assert_max_num_queries
):
    """The list of export jobs and an export job's page: a bounded number of queries."""
    for index in range(jobs):
        job = Job.objects.create(
            user=editor.user,
            kind=JobKind.EXPORT,
            file_format=list(ExportKind.values)[index % 3],
            filters="cluster=a-cluster&kind=enterprise&q=silk&state=west-bengal&state_id=1",
            filename="stakeholders.csv",
            state=JobState.DONE,
            file_path="/nowhere.csv",
        )
    with django_assert_max_num_queries(8):
        assert editor_client.get(reverse("jobs:job_list")).status_code == 200
    with django_assert_max_num_queries(8):
        assert editor_client.get(job.get_absolute_url()).status_code == 200


def test_a_curators_list_filtered_by_agency_exports_that_agencys_clusters(
    client, db, run_worker, django_capture_on_commit_callbacks
):
    agency = factories.AgencyFactory()
    kept = factories.ClusterFactory(agency=agency, status="submitted")
    factories.ClusterFactory(status="published")
    client.force_login(factories.CuratorFactory())
    page = client.get(reverse("editing:cluster_list") + f"?agency={agency.slug}&status=")
    assert [c.pk for c in page.context["clusters"]] == [kept.pk]
    filters = hidden_filters(page.content.decode(), "clusters")
    assert filters == f"agency={agency.slug}"
    _job, rows = run_export(
        client, django_capture_on_commit_callbacks, run_worker, "clusters", filters
    )
    assert [row[0] for row in rows[1:]] == [kept.product]


@pytest.mark.parametrize(
    ("list_url", "kind", "query", "expected"),
    [
        ("clusters:cluster_list", "clusters", "q=published", {"Published"}),
        ("stakeholders:stakeholder_list", "stakeholders", "kind=institution", {"Shared bank"}),
        ("relationships:relationship_list", "relationships", "kind=buys_from", {"Public dyer"}),
    ],
)
def test_the_public_lists_offer_an_editor_their_export_as_a_job(
    list_url,
    kind,
    query,
    expected,
    editor_client,
    world,
    run_worker,
    django_capture_on_commit_callbacks,
):
    """The public list as filtered, for an editor (never for an anonymous visitor): the
    job's rows are the list's (their agency's unpublished ones would come too)."""
    address = reverse(list_url) + "?" + query
    assert reverse("jobs:job_export") not in Client().get(address).content.decode()
    page = editor_client.get(address).content.decode()
    filters = hidden_filters(page, kind)
    assert filters == query
    _job, rows = run_export(
        editor_client, django_capture_on_commit_callbacks, run_worker, kind, filters
    )
    assert {row[0] for row in rows[1:]} == expected
