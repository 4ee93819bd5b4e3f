"""Spreadsheet upload on the site: preview first, every mistake by row and column, nothing
written until confirmed, one transaction and one change set, scoped to the editor's agency."""

import io
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from clusters.models import Cluster
from tests import factories
from tests.common.workbooks import SHEET, declaring, repetitive, workbook_bytes

HEADER = "product,place,state,cluster_type,enterprise_count,figures_year,source\n"


@pytest.fixture
def editor(db, settings, tmp_path):
    settings.REGISTRY_UPLOAD_DIR = str(tmp_path / "uploads")
    # These tests confirm in the request; bigger files become jobs (tests/jobs).
    settings.REGISTRY_JOB_ROWS = 10_000
    return factories.AgencyEditorFactory()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor.user)
    return client


def upload(client, content, name="clusters.csv", kind="clusters"):
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    return client.post(
        reverse("uploads:upload"), {"kind": kind, "file": SimpleUploadedFile(name, data)}
    )


def confirm(client, preview):
    body = preview.content.decode()
    fields = dict(re.findall(r'name="(kind|token|digest|filename)" value="([^"]*)"', body))
    return client.post(reverse("uploads:confirm"), fields)


def rows(n, start=0):
    return "".join(
        f"Product {i},Place {i},Gujarat,industrial,{100 + i},2020-21,survey\n"
        for i in range(start, start + n)
    )


def test_anonymous_users_are_sent_to_sign_in(client, db):
    """The upload page asks an anonymous visitor to sign in."""
    response = client.get(reverse("uploads:upload"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_user_without_an_agency_is_forbidden(client, db):
    """Signed in but neither editor nor curator: 403."""
    client.force_login(factories.UserFactory())
    assert client.get(reverse("uploads:upload")).status_code == 403


def test_upload_page_offers_templates_that_match_the_formats(editor_client):
    """The CSV and Excel templates hold exactly the format's columns."""
    page = editor_client.get(reverse("uploads:upload"))
    assert page.status_code == 200
    assert "enterprise_count" in page.content.decode()
    csv_file = editor_client.get(reverse("uploads:template", args=["stakeholders", "csv"]))
    assert csv_file.content.decode("utf-8-sig").splitlines()[0].startswith("name,kind,role,")
    xlsx = editor_client.get(reverse("uploads:template", args=["relationships", "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]][:2] == ["source_name", "source_kind"]


def test_mistakes_are_listed_by_row_and_column_and_nothing_is_written(editor_client):
    """A file with three bad rows among good ones shows each mistake; nothing is written."""
    content = (
        HEADER
        + rows(2)
        + "Locks,,Uttar Pradesh,industrial,120,,\n"
        + "Bell metal,Khagra,West Bengal,handcraft,80,,\n"
        + "Looms,Sualkuchi,Assam,handloom,-3,2015-17,\n"
    )
    response = upload(editor_client, content)
    body = response.content.decode()
    assert response.status_code == 200
    for row, column in [
        (4, "place"),
        (5, "cluster_type"),
        (6, "enterprise_count"),
        (6, "figures_year"),
    ]:
        assert re.search(rf"<td class=\"num\">{row}</td><td><code>{column}</code>", body), (
            row,
            column,
        )
    assert "Import it" not in body
    assert Cluster.objects.count() == 0


def test_preview_then_confirm_writes_drafts_of_the_editors_agency_as_one_change_set(
    editor_client, editor
):
    """3,000 rows: the preview counts them, nothing is written until confirmed, then all is."""
    preview = upload(editor_client, HEADER + rows(3000))
    assert "3000 to create, 0 to update, 0 unchanged" in preview.content.decode()
    assert Cluster.objects.count() == 0
    done = confirm(editor_client, preview)
    assert done.status_code == 200, done.content.decode()[:500]
    assert Cluster.objects.count() == 3000
    assert set(Cluster.objects.values_list("agency_id", "status").distinct()) == {
        (editor.agency_id, "draft")
    }
    reasons = set(Cluster.history.values_list("history_change_reason", flat=True))
    assert len(reasons) == 1 and next(iter(reasons)).startswith("upload clusters.csv #")
    assert set(Cluster.history.values_list("history_user", flat=True)) == {editor.user.pk}


def test_uploading_the_same_file_again_changes_nothing(editor_client):
    """Re-importing the same rows reports them all unchanged."""
    confirm(editor_client, upload(editor_client, HEADER + rows(5)))
    again = upload(editor_client, HEADER + rows(5))
    assert "0 to create, 0 to update, 5 unchanged" in again.content.decode()


def test_excel_encodings_delimiters_and_header_spelling_are_understood(editor_client):
    """Windows-1252 bytes, ';' and ' Product ' headers import like a clean UTF-8 file."""
    content = " Product ;PLACE;State;Cluster_Type;Enterprise_Count\nCafé tables;Morbi;Gujarat;industrial;120\n"
    preview = upload(editor_client, content.encode("cp1252"))
    assert "1 to create" in preview.content.decode()
    confirm(editor_client, preview)
    assert Cluster.objects.get().product == "Café tables"


def test_xlsx_upload(editor_client):
    """An Excel workbook is read from its first sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["product", "place", "state", "cluster_type", "enterprise_count"])
    sheet.append(["Scissors", "Meerut", "Uttar Pradesh", "industrial", 150])
    stream = io.BytesIO()
    workbook.save(stream)
    preview = upload(editor_client, stream.getvalue(), name="clusters.xlsx")
    confirm(editor_client, preview)
    assert Cluster.objects.get().enterprise_count == 150


def test_unknown_columns_are_warned_and_ignored(editor_client):
    """A column the format does not know is named in a warning and ignored."""
    preview = upload(
        editor_client, "product,place,cluster_type,colour\nLocks,Aligarh,industrial,red\n"
    )
    assert "ignored unknown column: colour" in preview.content.decode()


def test_missing_required_column_is_refused(editor_client):
    """A header without cluster_type is refused before any row is read."""
    preview = upload(editor_client, "product,place\nLocks,Aligarh\n")
    assert "cluster_type" in preview.content.decode()
    assert "Import it" not in preview.content.decode()


def test_files_that_are_not_csv_or_xlsx_or_too_large_are_refused(editor_client, settings):
    """A PDF and a file over the size limit get a clear message (400)."""
    pdf = upload(editor_client, b"%PDF-1.4 binary\x00data", name="report.pdf")
    assert pdf.status_code == 400 and "CSV or XLSX" in pdf.content.decode()
    settings.REGISTRY_UPLOAD_MAX_BYTES = 100
    big = upload(editor_client, HEADER + rows(10))
    assert big.status_code == 400 and "the limit is" in big.content.decode()


def test_an_editor_cannot_update_another_agencys_cluster_by_upload(editor_client):
    """A row for a cluster another agency maintains is refused by row; nothing is written."""
    other = factories.ClusterFactory(
        product="Brass", place="Moradabad", region=factories.region("Uttar Pradesh")
    )
    preview = upload(
        editor_client,
        "product,place,state,cluster_type,enterprise_count\nBrass,Moradabad,Uttar Pradesh,handicraft,999\n",
    )
    assert "maintained by another agency" in preview.content.decode()
    other.refresh_from_db()
    assert other.enterprise_count is None


def test_a_tampered_confirmation_is_refused(editor_client, client):
    """Another user's token or a changed digest cannot confirm an upload."""
    preview = upload(editor_client, HEADER + rows(1))
    fields = dict(
        re.findall(r'name="(kind|token|digest|filename)" value="([^"]*)"', preview.content.decode())
    )
    assert (
        editor_client.post(reverse("uploads:confirm"), {**fields, "digest": "0" * 64}).status_code
        == 403
    )
    intruder = factories.AgencyEditorFactory()
    client.force_login(intruder.user)
    assert client.post(reverse("uploads:confirm"), fields).status_code == 403
    assert Cluster.objects.count() == 0


def test_stakeholder_upload_links_to_the_editors_clusters(editor_client, editor):
    """Stakeholders upload into a cluster of the editor's agency."""
    factories.ClusterFactory(
        product="Hosiery",
        place="Ludhiana",
        agency=editor.agency,
        region=factories.region("Punjab"),
        status="draft",
    )
    content = "name,kind,role,cluster_product,cluster_place,cluster_state\nKnitwear Club,association,industry_association,Hosiery,Ludhiana,Punjab\n"
    preview = upload(editor_client, content, name="s.csv", kind="stakeholders")
    assert "1 to create" in preview.content.decode()
    confirm(editor_client, preview)
    assert Cluster.objects.get().stakeholders.get().name == "Knitwear Club"


def test_an_upload_into_a_published_cluster_is_proposed(editor_client, editor):
    """An editor's upload changing a published cluster says it proposes, and writes a
    pending revision instead of the cluster."""
    from clusters.models import ClusterRevision

    cluster = factories.ClusterFactory(
        product="Hosiery", place="Ludhiana", agency=editor.agency, region=factories.region("Punjab")
    )
    content = "product,place,state,cluster_type,enterprise_count\nHosiery,Ludhiana,Punjab,industrial,900\n"
    preview = upload(editor_client, content)
    assert "will be proposed for a curator" in preview.content.decode()
    done = confirm(editor_client, preview)
    if done.status_code == 302:
        done = editor_client.get(done["Location"])
    assert "Proposed 1 change to published clusters" in done.content.decode()
    assert ClusterRevision.objects.get(cluster=cluster).changes["figures"][0]["value"] == 900
    assert Cluster.objects.get(pk=cluster.pk).enterprise_count is None


# Limits: long cells, too many rows, workbooks that unpack to far more than they weigh --------


def test_a_cell_over_131072_characters_is_a_row_error_not_a_server_error(editor_client):
    """A CSV description of 200,000 characters gives 'row 3, description: the cell is longer
    than 131,072 characters' on the preview (not a 500), and nothing can be imported."""
    content = (
        "product,place,state,cluster_type,description\n"
        "Locks,Aligarh,Uttar Pradesh,industrial,short\n"
        f"Brass,Moradabad,Uttar Pradesh,handicraft,{'x' * 200_000}\n"
    )
    response = upload(editor_client, content)
    body = response.content.decode()
    assert response.status_code == 200
    assert re.search(
        r'<td class="num">3</td><td><code>description</code></td>'
        r"<td>the cell is longer than 131,072 characters</td>",
        body,
    )
    assert "Import it" not in body
    assert Cluster.objects.count() == 0


def test_a_file_one_row_over_the_limit_is_refused_naming_the_limit(editor_client, settings):
    """With REGISTRY_UPLOAD_MAX_ROWS rows the file previews; one more and the preview says
    the file has more than that many rows and to split it."""
    settings.REGISTRY_UPLOAD_MAX_ROWS = 100
    assert "100 to create" in upload(editor_client, HEADER + rows(100)).content.decode()
    body = upload(editor_client, HEADER + rows(101)).content.decode()
    assert "the file has more than 100 rows; split it into files of at most 100 rows" in body
    assert "Import it" not in body


def test_the_default_row_limit_is_named_when_a_file_is_over_it(editor_client):
    """The default limit is 200,000 rows, well above a 100,000-row import."""
    body = upload(editor_client, HEADER + rows(1) * 200_001).content.decode()
    assert "the file has more than 200,000 rows" in body


def test_an_xlsx_that_declares_a_huge_size_is_refused_quickly(editor_client):
    """A workbook of a few kilobytes that declares gigabytes unpacked is refused at once,
    with a message, without unpacking it."""
    data = declaring(
        workbook_bytes([["product", "place", "cluster_type"], ["Locks", "Aligarh", "industrial"]]),
        SHEET,
        4_000_000_000,
    )
    started = time.monotonic()
    response = upload(editor_client, data, name="clusters.xlsx")
    assert time.monotonic() - started < 5
    body = response.content.decode()
    assert "the workbook would unpack to 4,000 MB, more than the 300 MB accepted" in body
    assert "Import it" not in body


def test_an_xlsx_bomb_is_refused_quickly(editor_client):
    """A sheet that packs a thousand to one (1M rows in under a megabyte) is refused unread."""
    started = time.monotonic()
    response = upload(editor_client, repetitive(50_000_000), name="clusters.xlsx")
    assert time.monotonic() - started < 5
    assert "more than the 100 to 1 of any real spreadsheet" in response.content.decode()
