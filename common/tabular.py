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

import codecs
import csv
import io
import itertools
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


def _check_archive(data, limits):
    """Refuse a workbook whose parts would unpack to more than the limits allow, before any
    of it is unpacked (zipfile never unpacks a part beyond its declared size)."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise TableError(
            _("the file is not a readable XLSX workbook (%(reason)s)") % {"reason": exc}
        ) from exc
    unpacked = sum(part.file_size for part in parts)
    if unpacked > limits.xlsx_unpacked_bytes:
        raise TableError(
            _(
                "the workbook would unpack to %(size)s MB, more than the %(limit)s MB "
                "accepted: split it into smaller files or save it as CSV"
            )
            % {
                "size": f"{unpacked / 1e6:,.0f}",
                "limit": f"{limits.xlsx_unpacked_bytes / 1e6:,.0f}",
            }
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > BOMB_CHECK_FROM_BYTES and ratio > limits.xlsx_ratio:
            raise TableError(
                _(
                    "the workbook is compressed %(ratio)s to 1, more than the %(limit)s to 1 "
                    "of any real spreadsheet, so it is refused unread: save it again from "
                    "your spreadsheet program, or as CSV"
                )
                % {"ratio": f"{ratio:,.0f}", "limit": limits.xlsx_ratio}
            )


def _xlsx_records(data, limits):
    from openpyxl import load_workbook

    _check_archive(data, limits)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise TableError(
            _("the file is not a readable XLSX workbook (%(reason)s)") % {"reason": exc}
        ) from exc
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
    with open_table(source, required=required, known=known, limits=limits) as stream:
        table = Table(columns=stream.columns, unknown_columns=stream.unknown_columns)
        for index, values, error in stream:
            if error is None:
                table.rows.append((index, values))
            else:
                table.errors.append((index, *error))
    return table


class TableStream:
    """A file's header and an iterator of its rows, read as they are needed.

    Iterating yields (row number, values, None) for a row, or (row number, None, (column,
    message)) for a row left out because a cell is longer than the limit, exactly as
    `read_table` would list them; a limit passed half-way raises `TableError` then. Use it
    as a context manager, so that a workbook or file is closed however the reading ends.
    """

    def __init__(self, records, *, required, known, limits, closing=()):
        self._records = records
        self._closing = closing
        self.limits = limits
        header = next(records, None)
        if header is None or not any(cell.strip() for cell in header):
            raise TableError(_("the file is empty: the first row must name the columns"))
        if any(len(cell) > limits.cell_chars for cell in header):
            raise TableError(
                _("a column name is longer than %(limit)s characters")
                % {"limit": f"{limits.cell_chars:,}"}
            )
        self.columns = [normalise_header(name) for name in header]
        missing = [name for name in required if name not in self.columns]
        if missing:
            raise TableError(
                ngettext(
                    "the header lacks the required column: %(columns)s",
                    "the header lacks the required columns: %(columns)s",
                    len(missing),
                )
                % {"columns": ", ".join(missing)}
            )
        self.unknown_columns = [
            name for name in self.columns if known and name and name not in known
        ]
        self._header_cells = len(header)

    def __iter__(self):
        limits, columns = self.limits, self.columns
        unknown = set(self.unknown_columns)
        # The kept columns: (name, position) of each named, known one, in file order.
        kept = [
            (name, position)
            for position, name in enumerate(columns)
            if name and name not in unknown
        ]
        last = max((position for _name, position in kept), default=-1)
        cells = self._header_cells
        for index, record in enumerate(self._records, start=2):
            if index - 1 > limits.rows:
                raise TableError(
                    _(
                        "the file has more than %(limit)s rows; split it into files of at "
                        "most %(limit)s rows each"
                    )
                    % {"limit": f"{limits.rows:,}"}
                )
            cells += len(record)
            if cells > limits.cells:
                raise TableError(
                    _(
                        "the file has more than %(limit)s cells (rows times columns); "
                        "split it into smaller files"
                    )
                    % {"limit": f"{limits.cells:,}"}
                )
            joined = "".join(record)
            if not joined.strip():
                continue
            # No cell can be too long when the whole row is not (the usual case, checked once).
            too_long = None
            if len(joined) > limits.cell_chars:
                too_long = next(
                    (
                        name
                        for name, position in kept
                        if position < len(record) and len(record[position]) > limits.cell_chars
                    ),
                    None,
                )
            if too_long is None:
                values = {}
                if len(record) > last:
                    for name, position in kept:
                        cell = record[position].strip()
                        values[name] = restore_cell(cell) if cell[:1] == "'" else cell
                else:  # a short row: its missing cells are left out
                    for name, position in kept:
                        if position < len(record):
                            cell = record[position].strip()
                            values[name] = restore_cell(cell) if cell[:1] == "'" else cell
            if too_long is not None:
                message = _("the cell is longer than %(limit)s characters") % {
                    "limit": f"{limits.cell_chars:,}"
                }
                yield index, None, (too_long, message)
                continue
            yield index, values, None

    def close(self):
        """Stop reading (a workbook refused half-way is closed at once)."""
        if hasattr(self._records, "close"):
            self._records.close()
        for handle in self._closing:
            handle.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def open_table(source, *, required=(), known=(), limits=None):
    """Open a CSV or XLSX file (a path, bytes or a binary file object) as a `TableStream`.

    The same rules and messages as `read_table`, but a CSV file is read a line at a time, so
    memory stays flat whatever its size. Raise `TableError` for the header's problems.
    """
    limits = limits or ReadLimits.from_settings()
    closing = []
    if isinstance(source, (str, Path)):
        handle = open(source, "rb")  # noqa: SIM115 (the stream closes it)
        closing.append(handle)
    elif isinstance(source, bytes):
        handle = io.BytesIO(source)
    else:
        handle = source
    try:
        start = handle.tell()
        if handle.read(4) == XLSX_MAGIC:
            handle.seek(start)
            records = _xlsx_records(handle.read(), limits)
        else:
            handle.seek(start)
            encoding, size = _scan_csv(handle)
            handle.seek(start)
            records = _csv_stream_records(handle, encoding, size)
        try:
            return TableStream(
                records, required=required, known=known, limits=limits, closing=closing
            )
        except BaseException:
            records.close()
            raise
    except BaseException:
        for opened in closing:
            opened.close()
        raise


SCAN_BYTES = 1 << 20


def _scan_csv(handle):
    """Return the encoding of a CSV file (the first of UTF-8 and Windows-1252 that decodes
    all of it, else Latin-1, as `_decode` chooses) and its size in bytes, reading it once
    in blocks; refuse a file that holds NUL characters, as `read_table` does."""
    candidates = ["utf-8-sig", "cp1252"]
    decoders = {name: codecs.getincrementaldecoder(name)() for name in candidates}
    size, lines = 0, 0
    while True:
        block = handle.read(SCAN_BYTES)
        if size == 0 and b"\x00" in block[:4096]:
            raise TableError(_("the file is neither CSV nor XLSX"))
        if b"\x00" in block:  # a database cannot store it; name the line instead of failing
            line = lines + block[: block.index(b"\x00")].count(b"\n") + 1
            raise TableError(
                _("line %(line)s holds a NUL character: the file is damaged") % {"line": line}
            )
        lines += block.count(b"\n")
        size += len(block)
        for name in list(candidates):
            try:
                decoders[name].decode(block, final=not block)
            except UnicodeDecodeError:
                candidates.remove(name)
        if not block:
            break
    return (candidates[0] if candidates else "latin-1"), size


def _csv_stream_records(handle, encoding, size):
    text = io.TextIOWrapper(handle, encoding=encoding, newline="")
    try:
        # The delimiter is the one the first line (up to its first newline) holds most of.
        head = []
        for line in text:
            head.append(line)
            if "\n" in line:
                break
        first_line = "".join(head).split("\n", 1)[0]
        delimiter = max((",", ";", "\t"), key=first_line.count)
        # The csv module refuses a field over its (process-wide) limit of 131,072 characters
        # with an error that names neither row nor column: let it read any field, and let
        # the stream report a long cell by row and column.
        if csv.field_size_limit() <= size:
            csv.field_size_limit(size + 1)
        yield from csv.reader(itertools.chain(head, text), delimiter=delimiter)
    finally:
        text.detach()


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


_QUOTED = frozenset(',"\r\n')
_NUMBERS = frozenset((int, float))


def _csv_cell(value):
    if value is None:
        return ""
    if value.__class__ is not str:
        return str(value)  # as csv.writer writes a number (a float as its repr)
    if value[:1] in _RISKY_FIRST:
        value = neutralise_cell(value)
    if _QUOTED.isdisjoint(value):
        return value
    return '"' + value.replace('"', '""') + '"'


def csv_cells(values):
    """Return `values` as one CSV line without its end, exactly as iter_csv_records writes
    a record of two or more values (formulas neutralised, quoted where csv.writer quotes)."""
    return ",".join(
        [str(value) if value.__class__ in _NUMBERS else _csv_cell(value) for value in values]
    )


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
