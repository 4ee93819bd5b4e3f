"""Uploading indicator measurements on the site (/manage/upload/): the format offered with
its template, preview first with every mistake by row and column, nothing written until
confirmed, then one change set; an editor only for the clusters their agency may measure."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from clusters.choices import PublicationStatus
from jobs.models import Job
from programmes.imports import INDICATOR_COLUMNS
from programmes.models import IndicatorMeasurement
from tests import factories

HEADER = "cluster_product,cluster_place,cluster_state,indicator,year,value,source,estimated\n"


@pytest.fixture
def editor(db, settings, tmp_path):
    settings.REGISTRY_UPLOAD_DIR = str(tmp_path / "uploads")
    settings.REGISTRY_JOB_ROWS = 10_000
    return factories.AgencyEditorFactory()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor.user)
    return client


@pytest.fixture
def own_cluster(editor):
    """A draft cluster of the editor's agency."""
    return factories.ClusterFactory(
        product="Jute products",
        place="Kolkata",
        agency=editor.agency,
        status=PublicationStatus.DRAFT,
    )


def upload(client, content, name="indicators.csv"):
    return client.post(
        reverse("uploads:upload"),
        {"kind": "indicators", "file": SimpleUploadedFile(name, content.encode("utf-8"))},
    )


def confirm(client, preview):
    body = preview.content.decode()
    fields = dict(re.findall(r'name="(kind|token|digest|filename)" value="([^"]*)"', body))
    return client.post(reverse("uploads:confirm"), fields)


def rows(n, cluster="Jute products,Kolkata,West Bengal"):
    indicators = ["new-markets", "new-enterprises", "quality-certifications"]
    return "".join(
        f"{cluster},{indicators[i % 3]},{2000 + i // 3},{i},CDA report,no\n" for i in range(n)
    )


def test_the_upload_page_offers_the_indicator_format_and_its_templates(editor_client):
    """The choice 'Indicator measurements' and templates holding exactly its columns."""
    page = editor_client.get(reverse("uploads:upload")).content.decode()
    assert 'value="indicators"' in page
    assert "Indicator measurements" in page
    assert "<code>indicator*</code>" in page and "<code>unit</code>" in page
    csv_file = editor_client.get(reverse("uploads:template", args=["indicators", "csv"]))
    assert csv_file.content.decode("utf-8-sig").splitlines()[0] == ",".join(INDICATOR_COLUMNS)
    xlsx = editor_client.get(reverse("uploads:template", args=["indicators", "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == list(INDICATOR_COLUMNS)


def test_preview_then_confirm_records_the_measurements_as_one_change_set(
    editor_client, editor, own_cluster
):
    """The preview counts the rows and writes nothing; confirmed, every row is written in
    one change set naming the editor."""
    preview = upload(editor_client, HEADER + rows(6))
    body = preview.content.decode()
    assert preview.status_code == 200
    assert "The file is valid: 6 to create, 0 to update, 0 unchanged." in body
    assert "Jute products, Kolkata: new-markets 2000" in body
    assert IndicatorMeasurement.objects.count() == 0
    done = confirm(editor_client, preview)
    assert done.status_code == 200, done.content.decode()[:500]
    assert IndicatorMeasurement.objects.filter(cluster=own_cluster).count() == 6
    reasons = set(IndicatorMeasurement.history.values_list("history_change_reason", flat=True))
    assert len(reasons) == 1 and next(iter(reasons)).startswith("upload indicators.csv #")
    assert set(IndicatorMeasurement.history.values_list("history_user", flat=True)) == {
        editor.user.pk
    }
    again = upload(editor_client, HEADER + rows(6))
    assert "0 to create, 0 to update, 6 unchanged" in again.content.decode()


def test_mistakes_are_listed_by_row_and_column_and_nothing_is_written(editor_client, own_cluster):
    """A misspelt slug, a computed indicator, a bad year and another agency's published
    cluster are each shown with their row and column; "Import it" is not offered."""
    factories.ClusterFactory(product="Brassware", place="Moradabad")  # another agency's
    content = HEADER + (
        "Jute products,Kolkata,West Bengal,new-markts,2023,4,,\n"
        "Jute products,Kolkata,West Bengal,bds-providers,2023,4,,\n"
        "Jute products,Kolkata,West Bengal,new-markets,2023-25,4,,\n"
        "Brassware,Moradabad,West Bengal,new-markets,2023,4,,\n"
    )
    response = upload(editor_client, content)
    body = response.content.decode()
    assert response.status_code == 200
    for row, column in [(2, "indicator"), (3, "indicator"), (4, "year"), (5, "cluster_product")]:
        assert re.search(rf"<td class=\"num\">{row}</td><td><code>{column}</code>", body), (
            row,
            column,
        )
    assert "did you mean new-markets?" in body
    assert "computed from the registry" in body
    assert "your agency has no initiative there" in body
    assert "Import it" not in body
    assert IndicatorMeasurement.objects.count() == 0


def test_an_editor_records_for_a_cluster_where_their_agency_has_an_initiative(
    editor_client, editor
):
    """Another agency's published cluster, but the editor's agency runs an initiative
    there: the editor may record its measurements."""
    cluster = factories.ClusterFactory(product="Brassware", place="Moradabad")
    factories.InitiativeFactory(cluster=cluster, agency=editor.agency)
    preview = upload(editor_client, HEADER + rows(2, cluster="Brassware,Moradabad,West Bengal"))
    assert "2 to create" in preview.content.decode()
    assert confirm(editor_client, preview).status_code == 200
    assert IndicatorMeasurement.objects.filter(cluster=cluster).count() == 2


def test_the_preview_asks_the_database_the_same_for_3_rows_as_for_90(
    editor_client, own_cluster, django_assert_max_num_queries
):
    """The clusters, the catalogue and the user's rights are read once per file, not per
    row: 90 rows cost no more queries than 3."""
    with django_assert_max_num_queries(30) as small:
        assert upload(editor_client, HEADER + rows(3)).status_code == 200
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert "90 to create" in upload(editor_client, HEADER + rows(90)).content.decode()


def test_a_big_indicator_file_becomes_a_check_job(editor_client, editor, own_cluster, settings):
    """Over REGISTRY_JOB_ROWS rows the file is checked by a background job."""
    settings.REGISTRY_JOB_ROWS = 5
    response = upload(editor_client, HEADER + rows(9))
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    assert (job.file_format, job.total, job.dry_run) == ("indicators", 9, True)
    assert IndicatorMeasurement.objects.count() == 0
