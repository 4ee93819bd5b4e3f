"""Unchanged rows of a re-imported file, recognised by their cells without reading them again.

Validating a row and comparing it with what is stored costs far more than reading it. So
after an import writes a chunk, it keeps for each of its rows an `ImportFingerprint`: a
digest of the row's cells as read and an md5 of the record it left in the database, as
the database computes it from the whole stored row (`state`). A row of a later import with
the same cells, under the same import rules and region table, whose record still has that
state, would change nothing: it is counted unchanged without being validated or compared.
Anything else (a record changed by any path since, a spelling changed, a merge, another
release of the import rules: FORMAT) makes the state or the digest differ, and the row
takes the ordinary way.

Only on PostgreSQL, and only for an operator's import (a user's import is checked against
what that user may change, row by row).
"""

import functools
import hashlib
from dataclasses import dataclass

from django.db import connection

from .models import ImportFingerprint

# Bump when the import rules change what a row means (cleaning, defaults, identities).
FORMAT = b"2"
TABLE = ImportFingerprint._meta.db_table


@dataclass(frozen=True)
class FingerprintSpec:
    """How an importer's rows are found again and their records' state computed, in SQL.

    `keys` names the values of a row that find its record (SQL types, in order: `t.k1`,
    `t.k2`...), `record` is a SELECT of one column, the id of a row's record, over those
    keys, `scope_id` is SQL of the record's scope over them, and `state` is a SELECT of one
    column, a record's stored state, over `{record_id}` and `{scope_id}` (no row when the
    record is gone). Each is run per row as a LATERAL ... LIMIT 1, which PostgreSQL cannot
    flatten into a join: a chunk's few thousand rows are index probes, never a hash of the
    whole record table (which it chose for a join at 280,000 stakeholders or 480,000
    relationships: 150-210 ms a chunk, two thirds of keeping them; at 1,000,000 / 5,000,000
    it chose probes again, so the choice hung on the table's size and statistics).
    """

    importer: str
    keys: tuple[str, ...]
    record: str
    state: str
    scope_id: str = "NULL"


def digest(data):
    """Return a 16-byte digest of `data` (bytes)."""
    return hashlib.blake2b(data, digest_size=16).digest()


def available(importer):
    """Return whether `importer` may use fingerprints (an operator's import on PostgreSQL)."""
    return (
        importer.fingerprints is not None
        and getattr(importer, "user", None) is None
        and connection.vendor == "postgresql"
    )


def cells_prefix(spec, columns, context):
    """Return the bytes every cells digest of a file starts with: the import, its rules'
    FORMAT, the file's columns and the `context` the importer's look-ups depend on."""
    return b"\x1e".join([spec.importer.encode(), FORMAT, "\x1f".join(columns).encode(), context])


def cells_digest(prefix, values):
    """Return the digest of a row's cells (a TableStream row's values, in file order).

    The cells are joined by a separator that no cell holds (else, rarely, written as a
    tuple's repr), so that two rows have the same digest only when their cells are equal.
    """
    cells = tuple(values.values())
    joined = "\x1f".join(cells)
    if joined.count("\x1f") != len(cells) - 1:
        return digest(prefix + b"r" + repr(cells).encode())
    # digest(prefix + b"j" + joined), from a hash of the file's prefix taken once.
    hasher = _joined_hasher(prefix).copy()
    hasher.update(joined.encode())
    return hasher.digest()


@functools.lru_cache(maxsize=8)
def _joined_hasher(prefix):
    return hashlib.blake2b(prefix + b"j", digest_size=16)


def unchanged(spec, digests):
    """Return {cells digest: (identity digest, record digest)} of the `digests` whose
    fingerprint's record still has the state it was left in."""
    if not digests:
        return {}
    state = spec.state.format(record_id="f.record_id", scope_id="f.scope_id")
    # The fingerprints of those cells are found first (MATERIALIZED), and only their
    # records' states computed: left to itself, the planner computed the state of every
    # fingerprint of the importer, then kept the cells asked. The cells go as a constant
    # array (`= ANY`): looked up in the (importer, cells) index, one probe each, or, where
    # the statistics say the importer has hardly any fingerprints (just after the first
    # import), tested against a hash of the array; an array computed in the query was
    # searched element by element for every fingerprint (seconds a chunk).
    sql = (
        f"WITH found AS MATERIALIZED (SELECT f.* FROM {TABLE} f "
        "WHERE f.importer = %s AND f.cells = ANY(%s::bytea[])) "
        f"SELECT f.cells, f.identity, f.record FROM found f "
        f"JOIN LATERAL ({state} LIMIT 1) AS stored(state) ON stored.state = f.state"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [spec.importer, list(digests)])
        return {
            bytes(cells): (bytes(identity), bytes(record)) for cells, identity, record in cursor
        }


def keep(spec, rows):
    """Record the fingerprints of written rows: (cells, identity, record digests, keys...)
    each, identities distinct; a row whose record or state is not found is not recorded
    (a fingerprint it had before keeps a state its record no longer has: never trusted)."""
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.execute(*keep_statement(spec, rows))


def keep_statement(spec, rows):
    """Return the SQL and parameters that `keep` runs for `rows`."""
    columns = list(zip(*rows, strict=True))
    names = ["cells", "identity", "record", *(f"k{n}" for n in range(1, len(spec.keys) + 1))]
    types = ["bytea", "bytea", "bytea", *spec.keys]
    unnest = ", ".join(f"%s::{kind}[]" for kind in types)
    state = spec.state.format(record_id="found.id", scope_id=spec.scope_id)
    sql = (
        f"INSERT INTO {TABLE} (importer, cells, identity, record, record_id, scope_id, state) "
        f"SELECT %s, t.cells, t.identity, t.record, found.id, {spec.scope_id}, stored.state "
        f"FROM unnest({unnest}) AS t({', '.join(names)}) "
        # (Inner joins: a row whose record or state is not found is not recorded.)
        f"JOIN LATERAL ({spec.record} LIMIT 1) AS found(id) ON TRUE "
        f"JOIN LATERAL ({state} LIMIT 1) AS stored(state) ON TRUE "
        "ON CONFLICT (importer, identity) DO UPDATE SET cells = EXCLUDED.cells, "
        "record = EXCLUDED.record, record_id = EXCLUDED.record_id, "
        "scope_id = EXCLUDED.scope_id, state = EXCLUDED.state"
    )
    return sql, [spec.importer, *(list(values) for values in columns)]
