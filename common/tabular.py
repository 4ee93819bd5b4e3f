"""Read and write the registry's tabular files (CSV and XLSX).

Reading is forgiving about what spreadsheets produce (a UTF-8 byte-order mark, Windows-1252
from Excel, `;` as delimiter, headers in any case with spaces around them) and strict about
what it returns: every row numbered as a person sees it in the file (header = row 1).
Writing neutralises cells a spreadsheet would execute as a formula.

Reading is bounded (`ReadLimits`, from the REGISTRY_UPLOAD_MAX_* settings): a file of more
rows or cells than the limits, a cell longer than the limit, or a workbook that would unpack
to more than the limit (or is compressed like a zip bomb) is refused with a message that
names the limit, before the work or memory it would take.
"""

import csv
import io
import itertools
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAGIC = b"PK\x03\x04"
# A workbook part below this size is never called a bomb, whatever its compression.
BOMB_CHECK_FROM_BYTES = 1_000_000


class TableError(Exception):
    """The file as a whole cannot be read (not CSV/XLSX, no header, missing columns)."""


@dataclass(frozen=True)
class ReadLimits:
    """How much one file may hold: rows after the header, cells (rows x columns as read),
    characters in one cell, and for XLSX the declared unpacked size of the archive and the
    compression ratio of any part of it."""

    rows: int = 200_000
    cells: int = 5_000_000
    cell_chars: int = 131_072
    xlsx_unpacked_bytes: int = 300_000_000
    xlsx_ratio: int = 100

    @classmethod
    def from_settings(cls):
        """Return the limits of the REGISTRY_UPLOAD_MAX_* settings (these defaults without)."""
        from django.conf import settings

        default = cls()
        return cls(
            rows=getattr(settings, "REGISTRY_UPLOAD_MAX_ROWS", default.rows),
            cells=getattr(settings, "REGISTRY_UPLOAD_MAX_CELLS", default.cells),
            cell_chars=getattr(settings, "REGISTRY_UPLOAD_MAX_CELL_CHARS", default.cell_chars),
            xlsx_unpacked_bytes=getattr(
                settings, "REGISTRY_UPLOAD_MAX_XLSX_UNPACKED_BYTES", default.xlsx_unpacked_bytes
            ),
            xlsx_ratio=getattr(settings, "REGISTRY_UPLOAD_MAX_XLSX_RATIO", default.xlsx_ratio),
        )


@dataclass
class Table:
    """A file's header (normalised column names) and its rows as (row number, values).

    `errors` holds (row number, column, message) for rows left out because a cell could not
    be taken (longer than the limit); an importer reports them like any other row error.
    """

    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)


def normalise_header(name):
    """Return a column name as the registry spells it: 'Cluster Type ' -> 'cluster_type'."""
    return "_".join((name or "").strip().lower().split())


def _is_neutralised(value):
    """Return whether `value` looks neutralised: quotes, then what would run as a formula."""
    unquoted = value.lstrip("'")
    return unquoted != value and unquoted.startswith(FORMULA_PREFIXES)


def restore_cell(value):
    """Undo `neutralise_cell`, so that an exported file imports back unchanged."""
    return value[1:] if _is_neutralised(value) else value


def neutralise_cell(value):
    """Return `value` safe for a spreadsheet: text that would run as a formula gets a quote.

    Text that already looks neutralised ("'=x") gets one more, so that restoring gives it back.
    """
    if isinstance(value, str) and (value.startswith(FORMULA_PREFIXES) or _is_neutralised(value)):
        return "'" + value
    return value


def _decode(data):
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _csv_records(data):
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    # The csv module refuses a field over its (process-wide) limit of 131,072 characters
    # with an error that names neither row nor column. The whole text is in memory anyway,
    # so let it read any field, and let read_table report a long cell by row and column.
    if csv.field_size_limit() <= len(text):
        csv.field_size_limit(len(text) + 1)
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _check_archive(data, limits):
    """Refuse a workbook whose parts would unpack to more than the limits allow, before any
    of it is unpacked (zipfile never unpacks a part beyond its declared size)."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise TableError(f"the file is not a readable XLSX workbook ({exc})") from exc
    unpacked = sum(part.file_size for part in parts)
    if unpacked > limits.xlsx_unpacked_bytes:
        raise TableError(
            f"the workbook would unpack to {unpacked / 1e6:,.0f} MB, more than the "
            f"{limits.xlsx_unpacked_bytes / 1e6:,.0f} MB accepted: split it into smaller "
            "files or save it as CSV"
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > BOMB_CHECK_FROM_BYTES and ratio > limits.xlsx_ratio:
            raise TableError(
                f"the workbook is compressed {ratio:,.0f} to 1, more than the {limits.xlsx_ratio} "
                "to 1 of any real spreadsheet, so it is refused unread: save it again from "
                "your spreadsheet program, or as CSV"
            )


def _xlsx_records(data, limits):
    from openpyxl import load_workbook

    _check_archive(data, limits)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise TableError(f"the file is not a readable XLSX workbook ({exc})") from exc
    try:
        sheet = workbook.worksheets[0]
        # Read the rows the sheet holds, not the size it claims (its "dimension"), which may
        # be stale (rows beyond it would be lost) or huge (every row padded to it).
        sheet.reset_dimensions()
        for values in sheet.iter_rows(values_only=True):
            yield ["" if value is None else _xlsx_text(value) for value in values]
    finally:
        workbook.close()


def _xlsx_text(value):
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_table(source, *, required=(), known=(), limits=None):
    """Read a CSV or XLSX file (a path, bytes or a binary file object) into a `Table`.

    Raise `TableError` when the file has no header or lacks a `required` column, or holds
    more than `limits` allow (default: ReadLimits.from_settings()); columns not in `known`
    (when given) are listed in `unknown_columns` and dropped from the rows. A row with a
    cell longer than the limit is left out and named in `errors`.
    """
    limits = limits or ReadLimits.from_settings()
    if isinstance(source, (str, Path)):
        data = Path(source).read_bytes()
    elif isinstance(source, bytes):
        data = source
    else:
        data = source.read()
    if data.startswith(XLSX_MAGIC):
        records = _xlsx_records(data, limits)
    else:
        if b"\x00" in data[:4096]:
            raise TableError("the file is neither CSV nor XLSX")
        if b"\x00" in data:  # a database cannot store it; name the line instead of failing
            line = data[: data.index(b"\x00")].count(b"\n") + 1
            raise TableError(f"line {line} holds a NUL character: the file is damaged")
        records = _csv_records(data)
    try:
        return _table(iter(records), required=required, known=known, limits=limits)
    finally:
        if hasattr(records, "close"):  # stop reading a workbook that was refused half-way
            records.close()


def _table(records, *, required, known, limits):
    header = next(records, None)
    if header is None or not any(cell.strip() for cell in header):
        raise TableError("the file is empty: the first row must name the columns")
    if any(len(cell) > limits.cell_chars for cell in header):
        raise TableError(f"a column name is longer than {limits.cell_chars:,} characters")
    columns = [normalise_header(name) for name in header]
    missing = [name for name in required if name not in columns]
    if missing:
        raise TableError("the header lacks the required column(s): " + ", ".join(missing))
    unknown = [name for name in columns if known and name and name not in known]
    table = Table(columns=columns, unknown_columns=unknown)
    cells = len(header)
    for index, record in enumerate(records, start=2):
        if index - 1 > limits.rows:
            raise TableError(
                f"the file has more than {limits.rows:,} rows; split it into files of at "
                f"most {limits.rows:,} rows each"
            )
        cells += len(record)
        if cells > limits.cells:
            raise TableError(
                f"the file has more than {limits.cells:,} cells (rows times columns); split "
                "it into smaller files"
            )
        if not any(cell.strip() for cell in record):
            continue
        values, too_long = {}, None
        for name, cell in zip(columns, record, strict=False):
            if name and name not in unknown:
                if len(cell) > limits.cell_chars:
                    too_long = name
                    break
                values[name] = restore_cell(cell.strip())
        if too_long is not None:
            message = f"the cell is longer than {limits.cell_chars:,} characters"
            table.errors.append((index, too_long, message))
            continue
        table.rows.append((index, values))
    return table


def write_csv(rows, columns, stream):
    """Write dict `rows` as CSV with `columns` to a text `stream`, formulas neutralised."""
    writer = csv.writer(stream)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_value(row.get(name)) for name in columns])


def _csv_value(value):
    if value is None:
        return ""
    return neutralise_cell(value)


class Echo:
    """A file-like object whose write returns the line, for streaming CSV responses."""

    def write(self, value):
        """Return `value` instead of storing it."""
        return value


def iter_csv(rows, columns):
    """Yield CSV lines for `rows`, header first, formulas neutralised (for streaming)."""
    writer = csv.writer(Echo())
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow([_csv_value(row.get(name)) for name in columns])


# The first characters of a cell neutralise_cell may change (a formula, or a quote that
# might be one already neutralised); any other cell is written as it is.
_RISKY_FIRST = frozenset((*FORMULA_PREFIXES, "'"))


def neutralise_record(record):
    """Return the values of `record` as CSV cells, formulas neutralised (None is blank)."""
    return [
        neutralise_cell(value) if value.__class__ is str and value[:1] in _RISKY_FIRST else value
        for value in record
    ]


def iter_csv_records(records, columns, *, batch=2000):
    """Yield CSV text for `records` (sequences in `columns` order), header first, formulas
    neutralised, `batch` rows a piece: the same text as iter_csv, in fewer, bigger pieces
    (a streamed response writes each piece to the socket)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    records = iter(records)
    while True:
        before = buffer.tell()
        writer.writerows(map(neutralise_record, itertools.islice(records, batch)))
        if buffer.tell() == before:
            break
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def write_xlsx(rows, columns, stream, *, title="Sheet"):
    """Write dict `rows` as an XLSX workbook with `columns` to a binary `stream`.

    The workbook is write-only (rows go to disk as they come, so memory stays flat) and
    every cell is neutralised, so text such as '=HYPERLINK(...)' is never run as a formula.
    """
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(columns))
    for row in rows:
        sheet.append([_xlsx_value(row.get(name)) for name in columns])
    workbook.save(stream)


def _xlsx_value(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (bool, int, float)):
        return value
    return neutralise_cell(str(value))
