"""Responses that stream a list as CSV, XLSX or JSON, memory flat however long the list.

CSV and JSON are generated row by row as the client reads; XLSX is written row by row to a
temporary file (openpyxl's write-only mode) and streamed from disk. Text a spreadsheet would
run as a formula is neutralised in CSV and XLSX (common.tabular).
"""

import itertools
import json
import tempfile
from datetime import date

from django.http import FileResponse, StreamingHttpResponse

from .tabular import iter_csv_records, write_xlsx

FORMATS = ("csv", "xlsx", "json")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filename(name, extension):
    return f"{name}-{date.today().isoformat()}.{extension}"


def attachment(name, extension):
    """Return the Content-Disposition of a download: `<name>-<today>.<extension>`, the
    extension last so that the file opens in the program for it."""
    return f'attachment; filename="{_filename(name, extension)}"'


def _with_bom(lines):
    # A byte-order mark first, so that Excel reads the file as UTF-8 (₹, accents).
    yield "\ufeff"
    yield from lines


def _json_default(value):
    return str(value)


def iter_json(rows):
    """Yield a JSON array of `rows` piece by piece."""
    yield "["
    for number, row in enumerate(rows):
        yield (
            ("," if number else "")
            + "\n"
            + json.dumps(row, ensure_ascii=False, default=_json_default)
        )
    yield "\n]\n"


def _with_header(pieces, columns):
    yield from iter_csv_records((), columns)
    yield from pieces


def _first_row_read(rows):
    """Return an iterator over `rows` whose first row has already been read.

    So the list's query runs in the view, before the response starts: a database that cannot
    be reached is answered 503 (common/health.py), not with a 200 whose download breaks off.
    """
    rows = iter(rows)
    try:
        first = next(rows)
    except StopIteration:
        return iter(())
    return itertools.chain((first,), rows)


def export_response(
    rows, columns, *, file_format, name, sheet_title="Sheet", records=False, csv_text=None
):
    """Return a response that downloads `rows` as `file_format`: dicts with `columns`, or
    with `records`, sequences of values in `columns` order (the fastest for CSV).

    `csv_text`, when given, is the CSV of the same rows already rendered (pieces of text
    after the header, as iter_csv_records writes them, by common.csv_sql): a CSV download
    sends it instead of writing `rows`, which are then never read.
    """
    if records:
        as_dicts = (dict(zip(columns, record, strict=True)) for record in rows)
        as_records = rows
    else:
        as_dicts = rows
        as_records = ([row.get(column) for column in columns] for row in rows)
    if file_format == "xlsx":
        # Closed by FileResponse once sent, hence no `with`.
        handle = tempfile.TemporaryFile()  # noqa: SIM115
        write_xlsx(as_dicts, columns, handle, title=sheet_title)
        handle.seek(0)
        return FileResponse(
            handle,
            as_attachment=True,
            filename=_filename(name, "xlsx"),
            content_type=XLSX_TYPE,
        )
    if file_format == "json":
        response = StreamingHttpResponse(
            iter_json(
                {column: row.get(column) for column in columns} for row in _first_row_read(as_dicts)
            ),
            content_type="application/json; charset=utf-8",
        )
    elif csv_text is not None:
        response = StreamingHttpResponse(
            _with_bom(_with_header(_first_row_read(csv_text), columns)),
            content_type="text/csv; charset=utf-8",
        )
        file_format = "csv"
    else:
        response = StreamingHttpResponse(
            _with_bom(iter_csv_records(_first_row_read(as_records), columns)),
            content_type="text/csv; charset=utf-8",
        )
        file_format = "csv"
    response["Content-Disposition"] = attachment(name, file_format)
    return response
