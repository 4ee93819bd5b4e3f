"""CSV lines written by PostgreSQL, byte for byte as common.tabular writes them.

For exports of a million rows the Python side of csv.writer (a tuple per row, a check of
every cell for a formula) costs more than the query. Here the database renders each row as
one line of text, so the process only joins lines: every text cell neutralised as
`neutralise_cell` does (a quote before text a spreadsheet would run as a formula, or before
text that looks neutralised already), then quoted as csv.writer's QUOTE_MINIMAL does (when
it holds a comma, a double quote, a CR or an LF; double quotes doubled); cells joined by
commas, lines ended by CRLF. tests/common/test_csv_sql.py checks it against iter_csv.
"""

from django.db import connection, transaction

# neutralise_cell's test: after any quotes, one of FORMULA_PREFIXES (=, +, -, @, tab, CR),
# with string functions (cheaper than a regular expression on a million rows).
_FORMULA_FIRST = "('=', '+', '-', '@', E'\\t', E'\\r')"
# csv.writer's QUOTE_MINIMAL test: the delimiter, the quote character or the line end.
_NEEDS_QUOTES = r"[,\"\r\n]"
LINE_BATCH = 2000


def _literal(text):
    return "'" + text.replace("'", "''") + "'"


def _cell_sql(column):
    text = f"coalesce({column}::text, '')"
    quote = _literal("'")
    neutral = (
        f"(CASE WHEN left(ltrim({text}, {quote}), 1) IN {_FORMULA_FIRST} "
        f"THEN {quote} || {text} ELSE {text} END)"
    )
    # Neutralising adds a quote, which needs no quoting: test the text itself, and compute
    # the neutralised text in the one branch taken (PostgreSQL evaluates no other).
    return (
        f"(CASE WHEN {text} ~ {_literal(_NEEDS_QUOTES)} "
        f"""THEN '"' || replace({neutral}, '"', '""') || '"' ELSE {neutral} END)"""
    )


def csv_lines_sql(sql, count):
    """Return SQL that turns the `count` text columns of each row of `sql` into one CSV line
    (without its CRLF), the rows in the order `sql` gives them."""
    names = ", ".join(f"c{i}" for i in range(count))
    raw = ", ".join(f"coalesce(row_.c{i}::text, '')" for i in range(count))
    cells = " || ',' || ".join(_cell_sql(f"plain_.c{i}") for i in range(count))
    # Most rows need neither quoting nor neutralising: their line is the cells joined by
    # commas as they are. That holds when the joined line has exactly count - 1 commas
    # (no cell holds one, so the commas are the cell boundaries), no double quote, CR or
    # LF, and no cell (at the start or after a comma) is a formula: one test per row
    # instead of two per cell. The other rows take the cell-by-cell expression.
    formula_or_quoting = _literal(r"[\"\r\n]|(^|,)'*[-=+@\t\r]")
    return (
        f"SELECT CASE WHEN plain_.line_ !~ {formula_or_quoting} "
        f"AND length(plain_.line_) - length(replace(plain_.line_, ',', '')) = {count - 1} "
        f"THEN plain_.line_ ELSE {cells} END "
        f"FROM (SELECT row_.*, concat_ws(',', {raw}) AS line_ "
        # OFFSET 0 keeps the line computed once per row (not inlined where it is used).
        f"FROM ({sql}) AS row_({names}) OFFSET 0) AS plain_"
    )


def iter_csv_lines(queryset, count, *, batch=LINE_BATCH):
    """Yield the CSV text of a values_list `queryset` of `count` text columns (without
    header), from a server-side cursor, `batch` lines a piece. PostgreSQL only (`supported()`).

    The queryset's ORDER BY is kept by the outer SELECT, which PostgreSQL flattens into
    the query itself (a plain projection of a subquery without aggregates).
    """
    sql, params = queryset.query.sql_with_params()
    # In a transaction the server-side cursor streams rows as they come (outside one it is
    # WITH HOLD: the whole result is stored before the first row), planned for the whole
    # result (not the first tenth, which picks index loops ten times slower here), and
    # without JIT, whose compilation of these expressions cost seconds on a million rows.
    if connection.in_atomic_block:
        # Inside the caller's transaction (a test's, a job's): no savepoint of our own, which
        # a response left unread and collected later would release out of order.
        yield from _fetch_lines(csv_lines_sql(sql, count), params, batch)
        return
    with transaction.atomic(), connection.cursor() as setting:
        setting.execute("SET LOCAL jit = off")
        setting.execute("SET LOCAL cursor_tuple_fraction = 1.0")
        yield from _fetch_lines(csv_lines_sql(sql, count), params, batch)


def _fetch_lines(sql, params, batch):
    with connection.chunked_cursor() as cursor:
        cursor.itersize = batch
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(batch):
            yield "".join([line + "\r\n" for (line,) in rows])


def supported():
    """Return whether the database renders the lines (PostgreSQL)."""
    return connection.vendor == "postgresql"
