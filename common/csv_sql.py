"""CSV lines written by PostgreSQL, byte for byte as common.tabular writes them.

For exports of a million rows the Python side of csv.writer (a tuple per row, a check of
every cell for a formula) costs more than the query. Here the database renders each row as
one line of text, so the process only joins lines: every text cell neutralised as
`neutralise_cell` does (a quote before text a spreadsheet would run as a formula, or before
text that looks neutralised already), then quoted as csv.writer's QUOTE_MINIMAL does (when
it holds a comma, a double quote, a CR or an LF; double quotes doubled); cells joined by
commas, lines ended by CRLF. tests/common/test_csv_sql.py checks it against iter_csv.
"""

from django.db import connection

# neutralise_cell's test: quotes, then one of FORMULA_PREFIXES (=, +, -, @, tab, CR).
_FORMULA = r"^'*[-=+@\t\r]"
# csv.writer's QUOTE_MINIMAL test: the delimiter, the quote character or the line end.
_NEEDS_QUOTES = r"[,\"\r\n]"
LINE_BATCH = 2000


def _literal(text):
    return "'" + text.replace("'", "''") + "'"


def _cell_sql(column):
    text = f"coalesce({column}::text, '')"
    neutral = f"(CASE WHEN {text} ~ {_literal(_FORMULA)} THEN '''' || {text} ELSE {text} END)"
    return (
        f"(CASE WHEN {neutral} ~ {_literal(_NEEDS_QUOTES)} "
        f"""THEN '"' || replace({neutral}, '"', '""') || '"' ELSE {neutral} END)"""
    )


def csv_lines_sql(sql, count):
    """Return SQL that turns the `count` text columns of each row of `sql` into one CSV line
    (without its CRLF), the rows in the order `sql` gives them."""
    cells = " || ',' || ".join(_cell_sql(f"row_.c{i}") for i in range(count))
    names = ", ".join(f"c{i}" for i in range(count))
    return f"SELECT {cells} FROM ({sql}) AS row_({names})"


def iter_csv_lines(queryset, count, *, batch=LINE_BATCH):
    """Yield the CSV text of a values_list `queryset` of `count` text columns (without
    header), from a server-side cursor, `batch` lines a piece. PostgreSQL only (`supported()`).

    The queryset's ORDER BY is kept by the outer SELECT, which PostgreSQL flattens into
    the query itself (a plain projection of a subquery without aggregates).
    """
    sql, params = queryset.query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        cursor.itersize = batch
        cursor.execute(csv_lines_sql(sql, count), params)
        while rows := cursor.fetchmany(batch):
            yield "".join([line + "\r\n" for (line,) in rows])


def supported():
    """Return whether the database renders the lines (PostgreSQL)."""
    return connection.vendor == "postgresql"
