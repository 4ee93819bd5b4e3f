"""CSV lines written by PostgreSQL, byte for byte as common.tabular writes them.

For exports of a million rows the Python side of csv.writer (a tuple per row, a check of
every cell for a formula) costs more than the query. Here the database renders each row as
one line of text, so the process only joins lines: every text cell neutralised as
`neutralise_cell` does (a quote before text a spreadsheet would run as a formula, or before
text that looks neutralised already), then quoted as csv.writer's QUOTE_MINIMAL does (when
it holds a comma, a double quote, a CR or an LF; double quotes doubled); cells joined by
commas, lines ended by CRLF. tests/common/test_csv_sql.py checks it against iter_csv.
"""

from django.db import connection, connections, transaction

# neutralise_cell's test: after any quotes, one of FORMULA_PREFIXES (=, +, -, @, tab, CR),
# with string functions (cheaper than a regular expression on a million rows).
_FORMULA_FIRST = "('=', '+', '-', '@', E'\\t', E'\\r')"
# csv.writer's QUOTE_MINIMAL test: the delimiter, the quote character or the line end.
_NEEDS_QUOTES = r"[,\"\r\n]"
LINE_BATCH = 2000


def _literal(text):
    return "'" + text.replace("'", "''") + "'"


def cell_sql(column, *, number=False):
    """Return SQL of the CSV cell of the SQL expression `column` (a number when `number`)."""
    text = f"coalesce({column}::text, '')"
    if number:
        # A number is written as it is, as csv.writer writes an int or a Decimal: never
        # neutralised (only text is), never quoted (its text holds no comma or quote).
        return text
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


def _runs(count, alone):
    """Split the columns 0..count-1 into runs: each column of `alone` by itself, the
    others in runs of consecutive columns; return [(first, end, is_alone)]."""
    runs, first = [], 0
    for index in range(count):
        if index in alone:
            if first < index:
                runs.append((first, index, False))
            runs.append((index, index + 1, True))
            first = index + 1
    if first < count:
        runs.append((first, count, False))
    return runs


def csv_lines_sql(sql, count, *, numbers=(), alone=(), extra=0):
    """Return SQL that turns the first `count` columns of each row of `sql` into one CSV line
    (without its CRLF), the rows in the order `sql` gives them, followed by its `extra`
    further columns as they are.

    The columns are text, but for those at the indexes in `numbers`: integers or decimals,
    written as their text without neutralising (as common.tabular writes a number). The
    columns at the indexes in `alone` (text that often needs quoting, such as a sentence
    with figures like "3,200") are rendered cell by cell, so that they never send the rest
    of their line down the slow path.
    """
    names = ", ".join(f"c{i}" for i in range(count + extra))
    runs = _runs(count, alone)
    # Most rows need neither quoting nor neutralising: a run's text is its cells joined by
    # commas as they are. That holds when the joined text has exactly one comma fewer than
    # cells (no cell holds one, so the commas are the cell boundaries), no double quote, CR
    # or LF, and no cell (at the start or after a comma) is a formula: one test per run
    # instead of two per cell. The other runs take the cell-by-cell expression.
    formula_or_quoting = _literal(r"[\"\r\n]|(^|,)'*[-=+@\t\r]")
    joined, parts = [], []
    for number, (first, end, is_alone) in enumerate(runs):
        cells = " || ',' || ".join(
            cell_sql(f"plain_.c{i}", number=i in numbers) for i in range(first, end)
        )
        if is_alone:
            parts.append(cells)
            continue
        raw = ", ".join(f"coalesce(row_.c{i}::text, '')" for i in range(first, end))
        joined.append(f"concat_ws(',', {raw}) AS run{number}_")
        run = f"plain_.run{number}_"
        parts.append(
            f"CASE WHEN {run} !~ {formula_or_quoting} "
            # Bytes, not characters: a comma is one byte, and counting bytes is cheaper.
            f"AND octet_length({run}) - octet_length(replace({run}, ',', '')) "
            f"= {end - first - 1} "
            f"THEN {run} ELSE {cells} END"
        )
    passed = "".join(f", plain_.c{i}" for i in range(count, count + extra))
    line = " || ',' || ".join(f"({part})" for part in parts)
    return (
        f"SELECT {line}{passed} "
        f"FROM (SELECT row_.*, {', '.join(joined) or 'NULL AS run_'} "
        # OFFSET 0 keeps each run's text computed once per row (not inlined where used).
        f"FROM ({sql}) AS row_({names}) OFFSET 0) AS plain_"
    )


def iter_csv_lines(queryset, count, *, numbers=(), batch=LINE_BATCH):
    """Yield the CSV text of a values_list `queryset` of `count` columns (without header;
    `numbers` as csv_lines_sql), from a server-side cursor, `batch` lines a piece.
    PostgreSQL only (`supported()`).

    The queryset's ORDER BY is kept by the outer SELECT, which PostgreSQL flattens into
    the query itself (a plain projection of a subquery without aggregates).
    """
    for rows in iter_csv_line_rows(queryset, count, numbers=numbers, batch=batch):
        yield "".join([line + "\r\n" for (line,) in rows])


def iter_csv_line_rows(queryset, count, *, numbers=(), alone=(), extra=0, batch=LINE_BATCH):
    """Yield lists of at most `batch` rows of a values_list `queryset`: (the CSV line of its
    first `count` columns without CRLF, then its `extra` further columns as read), as
    csv_lines_sql renders them (`numbers`, `alone`), from a server-side cursor. PostgreSQL only."""
    sql, params = queryset.query.sql_with_params()
    sql = csv_lines_sql(sql, count, numbers=numbers, alone=alone, extra=extra)
    # The queryset's database: a public download reads the replica (common.db_router).
    using = queryset.db
    connection = connections[using]
    # In a transaction the server-side cursor streams rows as they come (outside one it is
    # WITH HOLD: the whole result is stored before the first row), planned for the whole
    # result (not the first tenth, which picks index loops ten times slower here), and
    # without JIT, whose compilation of these expressions cost seconds on a million rows.
    if connection.in_atomic_block:
        # Inside the caller's transaction (a test's, a job's): no savepoint of our own, which
        # a response left unread and collected later would release out of order.
        yield from _fetch_rows(connection, sql, params, batch)
        return
    with transaction.atomic(using=using), connection.cursor() as setting:
        setting.execute("SET LOCAL jit = off")
        setting.execute("SET LOCAL cursor_tuple_fraction = 1.0")
        yield from _fetch_rows(connection, sql, params, batch)


def _fetch_rows(connection, sql, params, batch):
    with connection.chunked_cursor() as cursor:
        cursor.itersize = batch
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(batch):
            yield rows


def supported():
    """Return whether the database renders the lines (PostgreSQL)."""
    return connection.vendor == "postgresql"
