"""Read and write the registry's tabular files (CSV and XLSX).

Reading is forgiving about what spreadsheets produce (a UTF-8 byte-order mark, Windows-1252
from Excel, `;` as delimiter, headers in any case with spaces around them) and strict about
what it returns: every row numbered as a person sees it in the file (header = row 1).
Writing neutralises cells a spreadsheet would execute as a formula.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAGIC = b"PK\x03\x04"


class TableError(Exception):
    """The file as a whole cannot be read (not CSV/XLSX, no header, missing columns)."""


@dataclass
class Table:
    """A file's header (normalised column names) and its rows as (row number, values)."""

    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)


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
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _xlsx_records(data):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise TableError(f"the file is not a readable XLSX workbook ({exc})") from exc
    sheet = workbook.worksheets[0]
    records = []
    for values in sheet.iter_rows(values_only=True):
        records.append(["" if value is None else _xlsx_text(value) for value in values])
    workbook.close()
    return records


def _xlsx_text(value):
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_table(source, *, required=(), known=()):
    """Read a CSV or XLSX file (a path, bytes or a binary file object) into a `Table`.

    Raise `TableError` when the file has no header or lacks a `required` column; columns not
    in `known` (when given) are listed in `unknown_columns` and dropped from the rows.
    """
    if isinstance(source, (str, Path)):
        data = Path(source).read_bytes()
    elif isinstance(source, bytes):
        data = source
    else:
        data = source.read()
    if data.startswith(XLSX_MAGIC):
        records = _xlsx_records(data)
    else:
        if b"\x00" in data[:4096]:
            raise TableError("the file is neither CSV nor XLSX")
        if b"\x00" in data:  # a database cannot store it; name the line instead of failing
            line = data[: data.index(b"\x00")].count(b"\n") + 1
            raise TableError(f"line {line} holds a NUL character: the file is damaged")
        records = _csv_records(data)
    if not records or not any(cell.strip() for cell in records[0]):
        raise TableError("the file is empty: the first row must name the columns")
    columns = [normalise_header(name) for name in records[0]]
    missing = [name for name in required if name not in columns]
    if missing:
        raise TableError("the header lacks the required column(s): " + ", ".join(missing))
    unknown = [name for name in columns if known and name and name not in known]
    table = Table(columns=columns, unknown_columns=unknown)
    for index, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        values = {}
        for name, cell in zip(columns, record, strict=False):
            if name and name not in unknown:
                values[name] = restore_cell(cell.strip())
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
