"""The fast path of the cluster import cleans a clearly valid row into exactly what the row
form gives, and leaves every other row to the form: the rows accepted and refused, and what
is written, are the same with and without it."""

import csv
import io

import pytest
from django.db import transaction

from clusters.imports import CLUSTER_COLUMNS, ClusterImporter
from clusters.models import Cluster, ClusterFigure

CLUSTER = {
    "product": "Brass ware",
    "place": "Moradabad",
    "state": "Uttar Pradesh",
    "cluster_type": "industrial",
    "sector": "Metal",
    "enterprise_count": "1200",
    "employment": "45000",
    "annual_turnover": "50000000",
    "figures_year": "2015-16",
    "source": "a survey",
    "latitude": "28.83",
    "longitude": "78.77",
}
VARIANTS = {
    "product": ["  Brass   WARE ", "Ünïcode – ஆ", "x" * 200, "x" * 201, "", "'=SUM(1)", "=1"],
    "place": ["moradabad", "", "x" * 201],
    "district": ["Moradabad", "x" * 100, "x" * 101],
    "state": ["", "uttar pradesh", "UP", "Utar Pradesh", "x" * 101],
    "country": ["in", "", "IT", "IND", "I1", "ın"],
    "cluster_type": ["Industrial", " HANDICRAFT ", "", "industry"],
    "sector": ["  metal  ware ", "x" * 100, "x" * 101],
    "enterprise_count": [
        "",
        "0",
        "007",
        "1,200",
        "12,00,000",
        "1 200",
        "1200.0",
        "1200.5",
        "-5",
        "1e3",
        "１２",
        "100000000",
        "100000001",
        "abc",
    ],
    "annual_turnover": ["1,350,00,00,000", "100000000000000000", "100000000000000001", "0"],
    "currency": ["", "usd", "US", "US$"],
    "figures_year": ["", "2016", " 2015-16 ", "2015-17", "1899", "2015 - 16", "x" * 21],
    "estimated": ["", "yes", "Y", "TRUE", "0", "maybe"],
    "exporting": ["", "No", "1", "nope"],
    "source": ["x" * 500, "x" * 501],
    "origin": ["", "traditional", "bogus"],
    "structure": ["", "BOGUS"],
    "stage": ["", "nonsense"],
    "latitude": ["", "90", "90.0000001", "-90", "91", "22.1234567", "abc", "1e1", " 22.5 ", "+22"],
    "longitude": ["180", "-180.0", "180.01", "72.5000005"],
    "description": ["  a long   text ", "x" * 5000],
}


def cluster_rows():
    yield dict(CLUSTER)
    for column, cells in VARIANTS.items():
        for cell in cells:
            yield {**CLUSTER, column: cell}
    for column in ("state", "sector", "latitude", "figures_year"):
        yield {name: cell for name, cell in CLUSTER.items() if name != column}


def test_plain_cluster_rows_take_the_fast_path(db):
    """A plainly valid cluster row is cleaned without the form."""
    importer = ClusterImporter()
    assert importer.fast_clean(dict(CLUSTER)) is not None
    assert importer.fast_clean({**CLUSTER, "cluster_type": " Industrial "}) is not None


def test_fast_cluster_cleaning_equals_the_form(db):
    """On tricky cells the fast path gives exactly the form's cleaned data, or defers."""
    importer = ClusterImporter()
    form = importer.form_class(data={}, **importer.form_kwargs())
    rows, fast_count = list(cluster_rows()), 0
    for values in rows:
        form.data, form._errors = values, None
        valid = form.is_valid()
        fast = importer.fast_clean(values)
        if fast is not None:
            fast_count += 1
            assert valid, (values, form.errors)
            assert fast == form.cleaned_data, values
            assert {k: type(v) for k, v in fast.items()} == {
                k: type(v) for k, v in form.cleaned_data.items()
            }
    assert fast_count > len(rows) // 3


@pytest.mark.parametrize("valid_only", [True, False])
def test_cluster_import_is_the_same_with_and_without_the_fast_path(db, monkeypatch, valid_only):
    """A file of tricky rows (BOM, neutralised formulas) gives the same summary, errors and
    records with the fast path as without."""
    rows = list(cluster_rows())
    if valid_only:
        importer = ClusterImporter()
        form = importer.form_class(data={}, **importer.form_kwargs())
        kept, seen = [], set()
        for values in rows:
            form.data, form._errors = values, None
            if form.is_valid() and importer.identity(form.cleaned_data) not in seen:
                seen.add(importer.identity(form.cleaned_data))
                kept.append(values)
        rows = kept
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, CLUSTER_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    data = ("\ufeff" + buffer.getvalue()).encode("utf-8")

    def snapshot():
        clusters = Cluster.objects.values_list(
            "product",
            "place",
            "region__name",
            "region__country",
            "sector__name",
            "enterprise_count",
            "latitude",
        )
        figures = ClusterFigure.objects.values_list("cluster__product", "measure", "value", "year")
        return sorted(clusters, key=str), sorted(figures, key=str)

    results = []
    for fast in (True, False):
        with monkeypatch.context() as patch:
            if not fast:
                patch.setattr(ClusterImporter, "fast_clean", lambda self, values: None)
            savepoint = transaction.savepoint_create()
            result = ClusterImporter().run(data)
            results.append((result.summary(), [str(e) for e in result.iter_errors()], snapshot()))
            transaction.savepoint_rollback(savepoint)
    assert results[0] == results[1]
    assert bool(results[0][1]) != valid_only
