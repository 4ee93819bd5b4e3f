"""Reading and writing tabular files: what spreadsheets produce is read, rows are numbered as
people see them, and nothing written runs as a formula."""

import io
import re
import time
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from common.tabular import (
    ReadLimits,
    TableError,
    iter_csv,
    neutralise_cell,
    normalise_header,
    read_table,
    restore_cell,
    write_csv,
    write_xlsx,
)
from tests.common.workbooks import SHEET, declaring, repetitive


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("product", "product"),
        (" Product ", "product"),
        ("Cluster Type", "cluster_type"),
        ("ENTERPRISE  COUNT", "enterprise_count"),
        ("", ""),
        (None, ""),
    ],
)
def test_headers_are_normalised(header, name):
    """Headers in any case, with spaces around or inside, name the registry's columns."""
    assert normalise_header(header) == name


@pytest.mark.parametrize(
    "value",
    ["=cmd|' /C calc'!A0", "+91 22 1234", "-5", "@SUM(A1)", "\tTabbed", "\rReturn"],
)
def test_formula_looking_text_is_neutralised(value):
    """Text a spreadsheet would run as a formula is written with a leading quote."""
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Hosiery", "Rs 1,350 crore", "'quoted", "", 42, None])
def test_ordinary_values_are_left_alone(value):
    """Plain text, numbers and blanks are written as they are."""
    assert neutralise_cell(value) == value


@pytest.mark.parametrize(
    "value",
    [
        "=1+1",
        "-negative note",
        "@mention",
        "plain",
        "'quoted",
        "'",
        "'=already quoted formula",
        "''=twice quoted",
        "",
    ],
)
def test_restore_undoes_neutralise(value):
    """Whatever text is exported comes back exactly as it was: restore(neutralise(x)) == x."""
    assert restore_cell(neutralise_cell(value)) == value


def test_read_table_numbers_rows_as_lines_of_the_file():
    """The header is row 1; blank lines are skipped but keep the numbering."""
    table = read_table(b"Product,Place\nHosiery,Ludhiana\n\n,\nBrass,Moradabad\n")

    assert table.columns == ["product", "place"]
    assert table.rows == [
        (2, {"product": "Hosiery", "place": "Ludhiana"}),
        (5, {"product": "Brass", "place": "Moradabad"}),
    ]


def test_read_table_strips_cells_and_restores_neutralised_ones():
    """Cells lose surrounding spaces; a quoted formula is restored to its text."""
    table = read_table(b"product,description\n  Hosiery  ,'=1+1\n")

    assert table.rows == [(2, {"product": "Hosiery", "description": "=1+1"})]


def test_short_rows_leave_the_missing_cells_out():
    """A row with fewer cells than the header has only the cells it gives."""
    table = read_table(b"product,place,state\nHosiery,Ludhiana\n")

    assert table.rows == [(2, {"product": "Hosiery", "place": "Ludhiana"})]


@pytest.mark.parametrize(
    ("data", "label"),
    [
        (b"\xef\xbb\xbfproduct,place\nCaf\xc3\xa9,Pondich\xc3\xa9ry\n", "utf-8 with BOM"),
        (b"product,place\nCaf\xc3\xa9,Pondich\xc3\xa9ry\n", "utf-8"),
        (b"product,place\nCaf\xe9,Pondich\xe9ry\n", "windows-1252"),
        (b"product;place\r\nCaf\xe9;Pondich\xe9ry\r\n", "semicolons and CRLF"),
        (b"product\tplace\nCaf\xc3\xa9\tPondich\xc3\xa9ry\n", "tabs"),
    ],
)
def test_read_table_decodes_what_spreadsheets_save(data, label):
    """UTF-8 with or without BOM, Windows-1252, ';' or tab delimiters all read the same."""
    table = read_table(data)

    assert table.columns == ["product", "place"], label
    assert table.rows == [(2, {"product": "Café", "place": "Pondichéry"})], label


def test_windows_1252_punctuation_is_decoded():
    """Excel's curly quotes and dashes (bytes 0x91-0x97) come out as the characters meant."""
    table = read_table("name\nIndia’s “best” – 1\n".encode("cp1252"))

    assert table.rows[0][1]["name"] == "India’s “best” – 1"


def test_quoted_cells_keep_their_delimiters():
    """A quoted cell may contain the delimiter and line breaks."""
    table = read_table(b'product,description\nHosiery,"Knitwear, yarn\nand dyeing"\n')

    assert table.rows[0][1]["description"] == "Knitwear, yarn\nand dyeing"


def test_read_table_accepts_a_path_and_a_file_object(tmp_path):
    """A path (str or Path) and a binary file object are read like bytes."""
    path = tmp_path / "clusters.csv"
    path.write_bytes(b"product\nHosiery\n")

    for source in (path, str(path), io.BytesIO(b"product\nHosiery\n")):
        assert read_table(source).rows == [(2, {"product": "Hosiery"})]


def test_unknown_columns_are_listed_and_dropped():
    """Columns outside `known` are named in unknown_columns and left out of the rows."""
    table = read_table(b"product,Colour,slug\nHosiery,blue,hosiery\n", known=("product", "place"))

    assert table.unknown_columns == ["colour", "slug"]
    assert table.rows == [(2, {"product": "Hosiery"})]


def test_missing_required_columns_are_named():
    """A header without a required column is refused, naming every missing one."""
    with pytest.raises(TableError, match="lacks the required columns: place, cluster_type"):
        read_table(b"product\nHosiery\n", required=("product", "place", "cluster_type"))


@pytest.mark.parametrize("data", [b"", b"\n\n", b" , ,\nHosiery,Ludhiana\n"])
def test_a_file_without_a_header_is_refused(data):
    """An empty file, or one whose first row is blank, has no header."""
    with pytest.raises(TableError, match="the file is empty"):
        read_table(data)


def test_binary_data_is_refused():
    """Bytes that are neither text nor a workbook are refused."""
    with pytest.raises(TableError, match="neither CSV nor XLSX"):
        read_table(b"\x89PNG\r\n\x1a\n\x00\x00\x00")


def workbook_bytes(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def test_xlsx_is_read_from_the_first_sheet():
    """Numbers read as whole numbers where whole, empty cells as blank, rows as sheet rows."""
    data = workbook_bytes(
        [
            ["Product", "Loom Count", "Latitude", "Estimated"],
            ["Handloom sarees", 3200.0, 23.2346, True],
            [None, None, None, None],
            ["Terracotta", None, 23.4, False],
        ]
    )

    table = read_table(data)

    assert table.columns == ["product", "loom_count", "latitude", "estimated"]
    assert table.rows == [
        (
            2,
            {
                "product": "Handloom sarees",
                "loom_count": "3200",
                "latitude": "23.2346",
                "estimated": "True",
            },
        ),
        (4, {"product": "Terracotta", "loom_count": "", "latitude": "23.4", "estimated": "False"}),
    ]


def test_damaged_xlsx_is_a_table_error():
    """A file that starts like a workbook but is not one is refused with a reason."""
    with pytest.raises(TableError, match="not a readable XLSX workbook"):
        read_table(b"PK\x03\x04 not really a zip")


ROWS = [
    {"product": "Hosiery", "count": 12000, "note": '=HYPERLINK("http://x")', "year": None},
    {"product": "Brass", "count": None, "note": "-", "year": "2015-16"},
]
COLUMNS = ("product", "count", "note", "year")


def test_write_csv_neutralises_formulas_and_blanks_none():
    """The CSV writer quotes formula-looking text and writes None as an empty cell."""
    stream = io.StringIO()

    write_csv(ROWS, COLUMNS, stream)

    assert stream.getvalue().splitlines() == [
        "product,count,note,year",
        'Hosiery,12000,"\'=HYPERLINK(""http://x"")",',
        "Brass,,'-,2015-16",
    ]


def test_streamed_csv_is_the_same_as_written_csv():
    """iter_csv yields the same lines write_csv writes, for streaming responses."""
    stream = io.StringIO()
    write_csv(ROWS, COLUMNS, stream)

    assert "".join(iter_csv(ROWS, COLUMNS)) == stream.getvalue()


def test_written_csv_reads_back_unchanged():
    """What write_csv writes, read_table reads back to the same text."""
    stream = io.StringIO()
    write_csv(ROWS, COLUMNS, stream)

    table = read_table(stream.getvalue().encode("utf-8"))

    assert [values for _row, values in table.rows] == [
        {"product": "Hosiery", "count": "12000", "note": '=HYPERLINK("http://x")', "year": ""},
        {"product": "Brass", "count": "", "note": "-", "year": "2015-16"},
    ]


def test_written_xlsx_has_no_formulas_and_reads_back_unchanged():
    """An XLSX export stores formula-looking text as text, and it reads back as it was."""
    stream = io.BytesIO()

    write_xlsx(ROWS, COLUMNS, stream, title="Clusters")

    sheet = load_workbook(io.BytesIO(stream.getvalue())).active
    assert sheet.title == "Clusters"
    assert sheet["C2"].data_type == "s"
    table = read_table(stream.getvalue())
    number, values = table.rows[0]
    assert number == 2
    assert {name: value for name, value in values.items() if value} == {
        "product": "Hosiery",
        "count": "12000",
        "note": '=HYPERLINK("http://x")',
    }


def test_a_nul_character_deep_in_a_csv_is_refused_with_its_line():
    """A NUL byte after the first 4 KB is reported with its line, never passed on."""
    import pytest

    from common.tabular import TableError, read_table

    data = (
        b"product,place,cluster_type\n"
        + b"Locks,Aligarh,industrial\n" * 400
        + b"Bad\x00,X,industrial\n"
    )
    with pytest.raises(TableError, match="line 402 holds a NUL"):
        read_table(data)


# Limits: rows, cells, long cells, workbooks that unpack to far more than they weigh ----------


def test_a_cell_longer_than_the_limit_is_named_by_row_and_column_not_a_crash():
    """A CSV cell of 200,000 characters (over Python's csv limit of 131,072) is reported as
    'row 3, description: the cell is longer than 131,072 characters'; the other rows read."""
    data = (
        "product,place,cluster_type,description\n"
        "Locks,Aligarh,industrial,short\n"
        f"Brass,Moradabad,handicraft,{'x' * 200_000}\n"
        "Glass,Firozabad,industrial,\n"
    ).encode()

    table = read_table(data)

    assert table.errors == [(3, "description", "the cell is longer than 131,072 characters")]
    assert [number for number, _values in table.rows] == [2, 4]


def test_a_quoted_cell_over_the_csv_modules_limit_is_reported_the_same_way():
    """A long quoted cell (with commas and newlines inside) is a row error too."""
    data = b'product,place,cluster_type\n"' + b"a,b\n" * 40_000 + b'",Aligarh,industrial\n'

    table = read_table(data)

    assert table.errors == [(2, "product", "the cell is longer than 131,072 characters")]


def test_more_rows_than_the_limit_are_refused_naming_the_limit():
    """One row over the limit refuses the file with a message that names the limit; a file
    at the limit reads."""
    limits = ReadLimits(rows=50)
    header = "product,place,cluster_type\n"
    at_limit = header + "Locks,Aligarh,industrial\n" * 50
    assert len(read_table(at_limit.encode(), limits=limits).rows) == 50
    with pytest.raises(TableError, match="the file has more than 50 rows; split it"):
        read_table((at_limit + "Locks,Aligarh,industrial\n").encode(), limits=limits)


def test_the_default_limits_are_well_above_a_big_real_import(settings):
    """The defaults (settings REGISTRY_UPLOAD_MAX_*) take a 100,000-row file of every cluster
    column, and name 200,000 rows when refusing."""
    limits = ReadLimits.from_settings()
    assert limits.rows >= 200_000
    assert limits.cells >= 100_000 * 24
    settings.REGISTRY_UPLOAD_MAX_ROWS = 7
    assert ReadLimits.from_settings().rows == 7


def test_more_cells_than_the_limit_are_refused():
    """Rows as wide as a spreadsheet allows count against the cell limit."""
    wide = ",".join(["x"] * 1000)
    data = ("product,place,cluster_type\n" + (wide + "\n") * 20).encode()
    with pytest.raises(TableError, match="more than 10,000 cells"):
        read_table(data, limits=ReadLimits(cells=10_000))


def test_an_xlsx_row_limit_is_the_same_as_a_csvs():
    """The row limit holds for a workbook too."""
    data = workbook_bytes([["product", "place", "cluster_type"]] + [["a", "b", "industrial"]] * 11)
    with pytest.raises(TableError, match="more than 10 rows"):
        read_table(data, limits=ReadLimits(rows=10))


def test_a_workbook_declaring_a_huge_unpacked_size_is_refused_before_it_is_read():
    """A workbook of a few kilobytes whose sheet declares 4 GB unpacked is refused at once,
    with the size and the limit in the message."""
    data = declaring(workbook_bytes([["product"], ["Locks"]]), SHEET, 4_000_000_000)
    assert len(data) < 10_000

    started = time.monotonic()
    with pytest.raises(TableError, match=r"would unpack to 4,000 MB, more than the 300 MB"):
        read_table(data)
    assert time.monotonic() - started < 1


def test_a_workbook_compressed_like_a_bomb_is_refused_before_it_is_read():
    """A sheet of 20 MB that packs a thousand to one is refused unread."""
    data = repetitive(20_000_000)
    assert len(data) < 200_000

    started = time.monotonic()
    with pytest.raises(TableError, match=r"compressed [\d,]+ to 1, more than the 100 to 1"):
        read_table(data)
    assert time.monotonic() - started < 1


def test_a_sheet_is_read_whole_whatever_size_it_claims():
    """A workbook whose recorded size ("dimension") is stale or huge is read as it is: every
    row it holds, none padded to the claimed width."""
    data = workbook_bytes([["product", "place"], ["Locks", "Aligarh"], ["Brass", "Moradabad"]])
    archive = zipfile.ZipFile(io.BytesIO(data))
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as out:
        for info in archive.infolist():
            content = archive.read(info)
            if info.filename == SHEET:
                content = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD2"', content)
            out.writestr(info.filename, content)

    table = read_table(stream.getvalue(), limits=ReadLimits(cells=100))

    assert [values for _number, values in table.rows] == [
        {"product": "Locks", "place": "Aligarh"},
        {"product": "Brass", "place": "Moradabad"},
    ]
