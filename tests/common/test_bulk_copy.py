"""Rows are copied into PostgreSQL a block at a time (common.bulk.CopySource): the same
text as writing them all at once, NULL kept apart from an empty string, every row there."""

import csv
import io

import pytest
from django.db import connection

from clusters.models import Cluster
from common.bulk import CopySource, insert_rows


def _all_at_once(rows):
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_NOTNULL).writerows(rows)
    return buffer.getvalue()


def test_the_source_renders_a_block_of_rows_per_read_then_nothing():
    rows = [(number, f"name {number}", None, "") for number in range(25)]
    source = CopySource(iter(rows), block_rows=10)
    blocks = []
    while block := source.read(8192):
        blocks.append(block)
    assert [block.count("\n") for block in blocks] == [10, 10, 5]
    assert "".join(blocks) == _all_at_once(rows)
    assert source.read(8192) == ""  # and stays at its end


def test_awkward_cells_are_rendered_as_csv_reads_them():
    rows = [(1, 'a "quoted", comma', "two\nlines", None, ""), (2, "\\back", "", None, "x")]
    source = CopySource(rows)
    text = "".join(iter(source.read, ""))
    read = list(csv.reader(io.StringIO(text)))
    assert read == [["1", 'a "quoted", comma', "two\nlines", "", ""], ["2", "\\back", "", "", "x"]]
    # Unquoted empty: NULL to COPY; quoted empty: an empty string.
    assert text.startswith('"1","a ""quoted"", comma","two\nlines",,""\r\n')


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_insert_rows_copies_every_row_across_blocks_with_nulls_and_empty_strings(db):
    """2,500 rows (three blocks): each stored as given; None is NULL, "" an empty string
    (the column refuses NULL), quotes, commas and line breaks kept."""
    names = (
        "product",
        "place",
        "identity_key",
        "slug",
        "enterprise_count",
        "exporting",
        "district",
    )
    rows = [
        (
            f'Product "{number}", knit',
            f"Place\n{number}",
            f"IN||place {number}|product {number}",
            f"copy-{number}",
            None if number % 2 else number,
            None if number % 3 else True,
            "" if number % 5 else f"District {number}",
        )
        for number in range(2500)
    ]
    ids = insert_rows(Cluster, names, rows)
    assert len(ids) == len(set(ids)) == 2500
    stored = {
        pk: tuple(values)
        for pk, *values in Cluster.objects.filter(pk__in=ids).values_list("pk", *names)
    }
    assert [stored[pk] for pk in ids] == rows
    assert Cluster.objects.filter(pk__in=ids, enterprise_count__isnull=True).count() == 1250
    assert Cluster.objects.filter(pk__in=ids, district="").count() == 2000
