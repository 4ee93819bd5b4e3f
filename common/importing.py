"""The shape every import shares: validate every row, report every error, write all or nothing.

An importer supplies a form class that validates one row, a function that returns a row's
identity (for duplicates within the file) and a function that applies a valid row through
the services and says what happened (created, updated or unchanged).
"""

import gc
from dataclasses import dataclass, field

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from .history import change_set
from .tabular import TableError, read_table

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
IDENTITY = "_identity"  # the key of a validated row's cleaned data holding its identity


@dataclass(frozen=True)
class RowError:
    """One problem with one cell: `row` is the line in the file (header = 1)."""

    row: int
    column: str
    message: str

    def __str__(self):
        return f"row {self.row}, {self.column}: {self.message}"


@dataclass
class ImportResult:
    """What an import did, or would do in a dry run, and every error it found."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    change_set_id: str = ""
    rows: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def ok(self):
        """Return whether the file was valid (and so, unless a dry run, written)."""
        return not self.errors

    def summary(self):
        """Return the one-line summary: 'created N, updated N, unchanged N'."""
        return f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}"

    def count(self, outcome, row=None, label=""):
        """Add one row's outcome to the totals (and, given its number, to `rows`)."""
        setattr(self, outcome, getattr(self, outcome) + 1)
        if row is not None:
            self.rows.append((row, outcome, label))


class _DryRunRollback(Exception):
    pass


def form_errors(row, form, columns):
    """Return the RowErrors of a bound, invalid row form, each named by its column."""
    errors = []
    for name, messages in form.errors.items():
        column = name if name in columns else columns[0]
        errors.extend(RowError(row, column, str(message)) for message in messages)
    return errors


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

    def form_kwargs(self):
        """Return extra keyword arguments for the row form."""
        return {}

    def identity(self, cleaned):
        """Return a hashable identity of a valid row, or None for no duplicate check."""
        return None

    def row_label(self, cleaned):
        """Return a short description of a valid row for previews ("Hosiery, Ludhiana")."""
        return ", ".join(str(cleaned[name]) for name in self.required[:2] if cleaned.get(name))

    def duplicate_column(self):
        """Return the column a duplicate row is reported under."""
        return self.required[0]

    def apply(self, cleaned):
        """Write one valid row; return CREATED, UPDATED or UNCHANGED."""
        raise NotImplementedError

    def apply_rows(self, valid, result):
        """Write the valid rows, counting outcomes and collecting RowApplyErrors in `result`.

        Row by row through `apply`; an importer of big files overrides this to write in bulk.
        """
        for number, cleaned in valid:
            try:
                result.count(self.apply(cleaned), number, self.row_label(cleaned))
            except RowApplyError as exc:
                result.errors.append(RowError(number, exc.column, exc.message))

    def validate(self, table):
        """Return (valid rows as (row number, cleaned data), errors) for a read table."""
        valid, errors, seen = [], [], {}
        # One form is re-bound for every row: building a form deep-copies its fields, which
        # costs more than validating the row. Forms keep no state between rows but the
        # data, errors and cleaned data reset here (and the import's memoised look-ups).
        form = self.form_class(data={}, **self.form_kwargs())
        for number, values in table.rows:
            form.data, form._errors = values, None
            if not form.is_valid():
                errors.extend(form_errors(number, form, self.columns))
                continue
            key = self.identity(form.cleaned_data)
            if key is not None:
                if key in seen:
                    errors.append(
                        RowError(
                            number,
                            self.duplicate_column(),
                            f"duplicate of row {seen[key]}: the same record appears twice in the file",
                        )
                    )
                    continue
                seen[key] = number
            # Kept with the row, so that writing it does not normalise its names again.
            form.cleaned_data[IDENTITY] = key
            valid.append((number, form.cleaned_data))
        return valid, errors

    def run(self, source, *, dry_run=False, user=None, reason=""):
        """Import `source` (path, bytes or file); write nothing unless every row is valid."""
        # A big file makes hundreds of thousands of objects that live to the end of the
        # import; the cyclic garbage collector would scan them again and again as they
        # accumulate (2.5 s of 22 s on 100,000 stakeholder rows here). It runs afterwards.
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
            table = read_table(source, required=self.required, known=self.columns)
        except TableError as exc:
            result.errors.append(RowError(1, "file", str(exc)))
            return result
        if table.unknown_columns:
            result.warnings.append("ignored unknown column(s): " + ", ".join(table.unknown_columns))
        valid, errors = self.validate(table)
        unreadable = [RowError(*error) for error in table.errors]
        result.errors = sorted(unreadable + errors, key=lambda error: error.row)
        if result.errors:
            return result
        try:
            with transaction.atomic(), change_set(user=user, reason=reason) as changes:
                result.change_set_id = changes.id
                self.apply_rows(valid, result)
                if result.errors or dry_run:
                    raise _DryRunRollback
        except _DryRunRollback:
            pass
        if result.errors:
            result.created = result.updated = result.unchanged = 0
            result.rows = []
        return result


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
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        result = importer.run(
            data,
            dry_run=options["dry_run"],
            reason=f"{self.import_reason} {path.rsplit('/', 1)[-1]}",
        )
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            rows = len({error.row for error in result.errors})
            raise CommandError(
                f"{len(result.errors)} error(s) in {rows} row(s); nothing was written.",
                returncode=1,
            )
        prefix = "dry run, nothing written: would have " if result.dry_run else ""
        self.stdout.write(prefix + result.summary())

    import_reason = "import"
