"""The shape every import shares: validate every row, report every error, write all or nothing.

An importer supplies a form class that validates one row, a function that returns a row's
identity (for duplicates within the file) and a function that applies a valid row through
the services and says what happened (created, updated or unchanged).

A file is read and written in chunks (`CHUNK_ROWS`) inside one transaction, so that memory
stays flat whatever its size: each chunk is validated, then written while no row so far has
failed; the first invalid row stops the writing (the rest is still validated, so that every
error is reported) and the transaction is rolled back at the end, as it is for a dry run.
An importer may validate the rows that are clearly valid with plain functions
(`fast_clean`); any other row goes through the form, which gives the exact message.

A caller may follow an import as it runs (a background job's progress bar): `run(progress=f)`
calls `f(validated=N, written=N)` every PROGRESS_ROWS rows validated and after each chunk
written. It runs inside the import's transaction, so it must publish outside it (a cache).
"""

import gc
import hashlib
import tempfile
from collections import Counter
from dataclasses import dataclass, field

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import fingerprints
from .history import change_set
from .tabular import TableError, open_table

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
# A row an agency editor's import would change in a published cluster: kept as a proposed
# revision for a curator instead of written (clusters.revisions).
PROPOSED = "proposed"
FILE = "file"  # the column of an error of the whole file (such as its header)
IDENTITY = "_identity"  # the key of a validated row's cleaned data holding its identity
# ... and the digests of its cells, identity and record (common.fingerprints)
FINGERPRINT = "_fingerprint"
CHUNK_ROWS = 5000  # rows validated and written at a time
KEPT_ERRORS = 100_000  # errors kept in memory; the rest wait in a temporary file
KEPT_ROWS = 1000  # row outcomes kept for a preview (the upload page shows 200)
PROGRESS_ROWS = 1000  # rows validated between two calls of a progress callback
ANALYZE_ROWS = 10_000  # rows written from which an import refreshes the planner's statistics
# The sample of that refresh (PostgreSQL's statistics target: 300 rows sampled per unit): its
# row counts and key distinctness are what the look-ups are planned by. Analyzing a list of
# columns leaves autovacuum's count of changes alone, so it still analyzes the tables whole,
# with the full target, in its time. (10 takes 50 ms where the default 100 took 400-700 ms
# on 170,000 clusters.)
ANALYZE_STATISTICS_TARGET = 10
ANALYZE_LOCK_WAIT_MS = 100  # the longest that refresh waits for a table's lock
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's error code of a lock_timeout


@dataclass(frozen=True)
class RowError:
    """One problem with one cell: `row` is the line in the file (header = 1)."""

    row: int
    column: str
    message: str

    def __str__(self):
        return row_error_text(row=self.row, column=self.column, message=self.message)


def row_error_text(*, row, column, message):
    """Return an error as one line, "row 4, enterprise_count: ..." (the column is the file's,
    so it stays as written in any language; the message is in the active one). An error of
    the whole file is reported under the column "file", which a reader reads as a word."""
    if column == FILE:
        return _("row %(row)s, file: %(message)s") % {"row": row, "message": message}
    return _("row %(row)s, %(column)s: %(message)s") % {
        "row": row,
        "column": column,
        "message": message,
    }


@dataclass
class ImportResult:
    """What an import did, or would do in a dry run, and every error it found.

    `errors` holds the first KEPT_ERRORS errors; `iter_errors()` gives every one of them
    (`error_count` in all, in `error_rows` rows). `rows` holds the outcome of the first
    KEPT_ROWS rows, for a preview; `row_count` counts them all.
    """

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    proposed: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    change_set_id: str = ""
    rows: list[tuple[int, str, str]] = field(default_factory=list)
    row_count: int = 0
    error_count: int = 0
    error_rows: int = 0
    _spilled: object = field(default=None, repr=False)
    _last_error_row: int = field(default=None, repr=False)

    @property
    def ok(self):
        """Return whether the file was valid (and so, unless a dry run, written)."""
        return not self.error_count

    def summary(self):
        """Return the one-line summary: 'created N, updated N, unchanged N' (then
        ', proposed N' when an editor's import proposed changes to published records)."""
        line = f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}"
        return f"{line}, proposed {self.proposed}" if self.proposed else line

    def count(self, outcome, row=None, label=""):
        """Add one row's outcome to the totals (and, given its number, to `rows`)."""
        setattr(self, outcome, getattr(self, outcome) + 1)
        if row is not None:
            self.row_count += 1
            if len(self.rows) < KEPT_ROWS:
                self.rows.append((row, outcome, label))

    def wants_labels(self):
        """Return whether a row's label would still be kept (so worth computing)."""
        return len(self.rows) < KEPT_ROWS

    def add_error(self, error):
        """Record one error (in row order); beyond KEPT_ERRORS it goes to a temporary file."""
        self.error_count += 1
        if error.row != self._last_error_row:
            self.error_rows += 1
            self._last_error_row = error.row
        if len(self.errors) < KEPT_ERRORS:
            self.errors.append(error)
            return
        if self._spilled is None:
            self._spilled = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        message = error.message.replace("\\", "\\\\").replace("\n", "\\n")
        self._spilled.write(f"{error.row}\t{error.column}\t{message}\n")

    def iter_errors(self):
        """Yield every error, in row order (those kept, then those in the temporary file)."""
        yield from self.errors
        if self._spilled is None:
            return
        self._spilled.seek(0)
        for line in self._spilled:
            row, column, message = line.rstrip("\n").split("\t", 2)
            message = message.replace("\\n", "\n").replace("\\\\", "\\")
            yield RowError(int(row), column, message)

    def clear_errors(self):
        """Forget every error recorded so far."""
        self.errors = []
        self.error_count = self.error_rows = 0
        self._last_error_row = None
        if self._spilled is not None:
            self._spilled.close()
            self._spilled = None


class _DryRunRollback(Exception):
    pass


def form_errors(row, form, columns):
    """Return the RowErrors of a bound, invalid row form, each named by its column."""
    errors = []
    for name, messages in form.errors.items():
        column = name if name in columns else columns[0]
        errors.extend(RowError(row, column, str(message)) for message in messages)
    return errors


def identity_digest(key):
    """Return a short fingerprint of a row's identity, to find duplicates across chunks
    without keeping every identity (16 bytes: a collision is beyond practical odds)."""
    return hashlib.blake2b(repr(key).encode(), digest_size=16).digest()


SHORT_TEXT = 64  # a text column at most this long is cheap to sample


def lookup_columns(model):
    """Return the columns of `model` an import finds rows by, for `_analyze`: its key,
    foreign keys, unique fields and the fields of its unique constraints, and the fields of
    its plain indexes but long text (a list's ordering index on names serves pages, and
    sampling long text is most of what a full ANALYZE of a wide table costs; autovacuum
    analyzes the rest in its time)."""
    opts = model._meta
    # A composite primary key (models.CompositePrimaryKey) is its fields.
    names = [field.name for field in getattr(opts.pk, "fields", None) or [opts.pk]]
    for model_field in opts.concrete_fields:
        if model_field.is_relation or model_field.unique:
            names.append(model_field.name)
    for constraint in opts.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            names.extend(constraint.fields)
    for index in opts.indexes:
        if type(index) is models.Index and not index.opclasses:
            names.extend(
                name for name in index.fields if not _long_text(opts.get_field(name.lstrip("-")))
            )
    columns = [opts.get_field(name.lstrip("-")).column for name in names]
    return list(dict.fromkeys(columns))


def _long_text(field):
    if isinstance(field, models.TextField):
        return True
    return isinstance(field, models.CharField) and (field.max_length or 0) > SHORT_TEXT


class RowImporter:
    """Base for the registry's importers; subclasses set the columns and the row logic.

    `columns` lists the known columns (those marked required first), `form_class` validates
    one row, `identity(cleaned)` returns what makes two rows duplicates and
    `apply(cleaned)` writes a valid row and returns CREATED, UPDATED or UNCHANGED.
    """

    columns: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    form_class = None
    label = "rows"
    chunk_rows = CHUNK_ROWS
    # How rows are recognised as unchanged by their cells (common.fingerprints); None: never.
    fingerprints = None
    # The models whose tables an import writes: after a big one their planner statistics
    # are refreshed (see `_analyze`).
    written_models = ()

    def form_kwargs(self):
        """Return extra keyword arguments for the row form."""
        return {}

    def chunk_size(self):
        """Return how many rows to validate and write at a time (None: the whole file).

        An import on behalf of a user (an upload, bounded by the upload limits) is one
        chunk, so that what the user may change or see is decided over the whole file.
        """
        return None if getattr(self, "user", None) is not None else self.chunk_rows

    def fast_clean(self, values):
        """Return the cleaned data of a row that is clearly valid, exactly as the form would
        give it, or None to let the form decide (and name any error)."""
        return None

    def identity(self, cleaned):
        """Return a hashable identity of a valid row, or None for no duplicate check."""
        return None

    def row_label(self, cleaned):
        """Return a short description of a valid row for previews ("Hosiery, Ludhiana")."""
        return ", ".join(str(cleaned[name]) for name in self.required[:2] if cleaned.get(name))

    def prepare(self, rows):
        """Get ready to clean `rows` (a chunk's rows to be read), e.g. look up at once what
        they name."""

    def fingerprint_context(self):
        """Return bytes naming what the import's look-ups depend on besides the cells (such
        as the region table), so that a fingerprint is not trusted once it changes."""
        return b""

    def fingerprint_keys(self, cleaned):
        """Return the values of a written row that find its record (`fingerprints.keys`)."""
        raise NotImplementedError

    def fingerprint_record(self, cleaned, identity):
        """Return the digest of the record a valid row writes (by default its identity's:
        a record that several rows write, such as a stakeholder, overrides this)."""
        return identity

    def duplicate_column(self):
        """Return the column a duplicate row is reported under."""
        return self.required[0]

    def apply(self, cleaned):
        """Write one valid row; return CREATED, UPDATED or UNCHANGED."""
        raise NotImplementedError

    def apply_rows(self, valid, result):
        """Write the valid rows of a chunk, counting outcomes and recording errors in `result`.

        Row by row through `apply`; an importer of big files overrides this to write in bulk.
        """
        for number, cleaned in valid:
            try:
                result.count(self.apply(cleaned), number, self.row_label(cleaned))
            except RowApplyError as exc:
                result.add_error(RowError(number, exc.column, exc.message))

    def validate(self, rows, result, seen):
        """Return the valid rows of a chunk as (row number, cleaned data); record the errors
        of the others in `result`. `rows` are a TableStream's items; `seen` maps the
        identity digests of the file's valid rows so far to their row numbers.

        A row whose fingerprint says it is unchanged (common.fingerprints) is counted so
        without being read, unless a row of the chunk read the ordinary way writes the same
        record (then it is read too, so that the rows apply in order).
        """
        cells, matched = self._fingerprints_of(rows, result)
        self.prepare([row for index, row in enumerate(rows) if index not in matched])
        outcomes = {}  # row index -> a list of errors, or (identity digest, cleaned or None)
        progress, validated = self._progress, self._validated
        for index, (number, values, unreadable) in enumerate(rows):
            if progress is not None and index % PROGRESS_ROWS == 0 and index:
                progress(validated=validated + index, written=self._written)
            if unreadable is not None:
                outcomes[index] = [RowError(number, *unreadable)]
            elif index not in matched:
                outcomes[index] = self._clean(number, values, cells.get(index))
        written = {
            outcome[1][FINGERPRINT][2]
            for outcome in outcomes.values()
            if isinstance(outcome, tuple)
        }
        for index, (identity, record) in matched.items():
            if record in written:
                number, values, _unreadable = rows[index]
                outcomes[index] = self._clean(number, values, cells[index])
            else:
                outcomes[index] = (identity, None)
        valid = []
        for index, (number, _values, _unreadable) in enumerate(rows):
            outcome = outcomes[index]
            if isinstance(outcome, list):
                for error in outcome:
                    result.add_error(error)
                continue
            digest, cleaned = outcome
            if digest is not None:
                first = seen.get(digest)
                if first is not None:
                    result.add_error(
                        RowError(
                            number,
                            self.duplicate_column(),
                            _(
                                "duplicate of row %(first)s: the same record appears twice in "
                                "the file"
                            )
                            % {"first": first},
                        )
                    )
                    continue
                seen[digest] = number
            if cleaned is None:  # unchanged, by its fingerprint (no label: an operator's
                result.count(UNCHANGED)  # import, whose outcome is its summary)
                result.row_count += 1
            else:
                valid.append((number, cleaned))
        self._validated += len(rows)
        if progress is not None:
            progress(validated=self._validated, written=self._written)
        return valid

    def _clean(self, number, values, cells):
        """Return a row's errors (a list), or (its identity digest, its cleaned data)."""
        cleaned = self.fast_clean(values)
        if cleaned is None:
            form = self._form
            form.data, form._errors = values, None
            if not form.is_valid():
                return form_errors(number, form, self.columns)
            cleaned = form.cleaned_data
        key = self.identity(cleaned)
        digest = None if key is None else identity_digest(key)
        # Kept with the row, so that writing it does not normalise its names again.
        cleaned[IDENTITY] = key
        cleaned[FINGERPRINT] = (cells, digest, self.fingerprint_record(cleaned, digest))
        return digest, cleaned

    def _fingerprints_of(self, rows, result):
        """Return the cells digest of each readable row of a chunk ({row index: digest})
        and the rows unchanged by their fingerprint ({row index: (identity, record)}); two
        empty dicts when fingerprints are not used."""
        if self._prefix is None:
            return {}, {}
        cells = {
            index: fingerprints.cells_digest(self._prefix, values)
            for index, (_number, values, unreadable) in enumerate(rows)
            if unreadable is None
        }
        found = fingerprints.unchanged(self.fingerprints, list(set(cells.values())))
        return cells, {index: found[digest] for index, digest in cells.items() if digest in found}

    def _keep_fingerprints(self, valid):
        """Record the fingerprints of a written chunk's rows, but not of a record that two
        rows of it write (which of them left the record as it is depends on their order)."""
        records = Counter(cleaned[FINGERPRINT][2] for _number, cleaned in valid)
        kept = []
        for _number, cleaned in valid:
            cells, identity, record = cleaned[FINGERPRINT]
            if cells is not None and identity is not None and records[record] == 1:
                kept.append((cells, identity, record, *self.fingerprint_keys(cleaned)))
        fingerprints.keep(self.fingerprints, kept)

    _progress = None
    _validated = _written = 0

    def run(self, source, *, dry_run=False, user=None, reason="", progress=None):
        """Import `source` (path, bytes or file); write nothing unless every row is valid.

        `progress`, if given, is called as `progress(validated=N, written=N)` as the rows
        are validated and written (see the module's docstring).
        """
        self._progress, self._validated, self._written = progress, 0, 0
        # A chunk makes thousands of objects at once; the cyclic garbage collector would
        # scan them again and again as they accumulate. It runs afterwards.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._run(source, dry_run=dry_run, user=user, reason=reason)
        finally:
            if collecting:
                gc.enable()

    def _run(self, source, *, dry_run, user, reason):
        result = ImportResult(dry_run=dry_run)
        try:
            with open_table(source, required=self.required, known=self.columns) as stream:
                if stream.unknown_columns:
                    result.warnings.append(
                        ngettext(
                            "ignored unknown column: %(columns)s",
                            "ignored unknown columns: %(columns)s",
                            len(stream.unknown_columns),
                        )
                        % {"columns": ", ".join(stream.unknown_columns)}
                    )
                try:
                    with transaction.atomic(), change_set(user=user, reason=reason) as changes:
                        result.change_set_id = changes.id
                        self._import(stream, result)
                        if result.error_count or dry_run:
                            raise _DryRunRollback
                except _DryRunRollback:
                    pass
        except TableError as exc:  # the file as a whole: that is the only error reported
            result.clear_errors()
            result.add_error(RowError(1, FILE, str(exc)))
        if result.error_count:
            result.created = result.updated = result.unchanged = result.row_count = 0
            result.proposed = 0
            result.rows = []
            result.change_set_id = ""
        elif not dry_run:
            self._analyze(result)
        return result

    def _analyze(self, result):
        """Refresh PostgreSQL's statistics of the tables a big import wrote (ANALYZE, as
        PostgreSQL advises after a bulk load): planned with the counts of before, the next
        import's look-ups hashed whole tables or scanned them per row (ten times slower)
        until autovacuum came by. Below ANALYZE_ROWS written rows nothing is done.

        A table autovacuum is working on is left to it: waiting for its lock cost the import
        PostgreSQL's deadlock_timeout (1 s) and then cancelled autovacuum's work, which on a
        big table may then never finish."""
        if result.created + result.updated < ANALYZE_ROWS:
            return
        models = list(self.written_models)
        if fingerprints.available(self):
            models.append(fingerprints.ImportFingerprint)
        connection = transaction.get_connection()
        if connection.vendor != "postgresql" or connection.in_atomic_block or not models:
            return
        quote = connection.ops.quote_name
        for model in models:
            columns = ", ".join(quote(column) for column in lookup_columns(model))
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(
                        f"SET LOCAL default_statistics_target = {ANALYZE_STATISTICS_TARGET}"
                    )
                    cursor.execute(f"SET LOCAL lock_timeout = '{ANALYZE_LOCK_WAIT_MS}ms'")
                    cursor.execute(f"ANALYZE {quote(model._meta.db_table)} ({columns})")
            except OperationalError as exc:
                if getattr(exc.__cause__, "pgcode", None) != LOCK_NOT_AVAILABLE:
                    raise

    def _import(self, stream, result):
        """Validate every row of `stream` chunk by chunk, writing while all are valid."""
        self._form = self.form_class(data={}, **self.form_kwargs())
        self._prefix = None
        if fingerprints.available(self):
            kept = [name for name in stream.columns if name and name not in stream.unknown_columns]
            self._prefix = fingerprints.cells_prefix(
                self.fingerprints, kept, self.fingerprint_context()
            )
        size, seen, chunk = self.chunk_size(), {}, []
        for item in stream:
            chunk.append(item)
            if size is not None and len(chunk) >= size:
                self._import_chunk(chunk, result, seen)
                chunk = []
        self._import_chunk(chunk, result, seen)

    def _import_chunk(self, chunk, result, seen):
        valid = self.validate(chunk, result, seen)
        if valid and not result.error_count:
            self.apply_rows(valid, result)
            if self._prefix is not None and not result.error_count and not result.dry_run:
                self._keep_fingerprints(valid)
        if not result.error_count:
            self._written += len(chunk)
            if self._progress is not None:
                self._progress(validated=self._validated, written=self._written)


class RowApplyError(Exception):
    """A row that validated alone but cannot be written (e.g. it clashes with the database)."""

    def __init__(self, column, message):
        super().__init__(message)
        self.column = column
        self.message = message


class ImportCommand(BaseCommand):
    """A management command that runs a RowImporter on a file and reports the contract way."""

    importer_class = RowImporter

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8, with or without BOM) or XLSX file")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and count, write nothing"
        )

    def build_importer(self, options):
        """Return the importer for these options."""
        return self.importer_class()

    def handle(self, *args, **options):
        importer = self.build_importer(options)
        path = options["file"]
        try:  # read as it is imported (memory stays flat), but refuse what cannot be opened
            with open(path, "rb"):
                pass
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        result = importer.run(
            path,
            dry_run=options["dry_run"],
            reason=f"{self.import_reason} {path.rsplit('/', 1)[-1]}",
        )
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        if result.error_count:
            for error in result.iter_errors():
                self.stderr.write(str(error))
            raise CommandError(
                f"{result.error_count} error(s) in {result.error_rows} row(s); "
                "nothing was written.",
                returncode=1,
            )
        prefix = "dry run, nothing written: would have " if result.dry_run else ""
        self.stdout.write(prefix + result.summary())

    import_reason = "import"
