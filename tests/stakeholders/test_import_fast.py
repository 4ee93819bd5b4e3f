"""The fast path of the stakeholder and relationship imports cleans a clearly valid row into
exactly what the row form gives, and leaves every other row to the form: the rows accepted
and refused, and what is written, are the same with and without it."""

import pytest

from stakeholders.imports import RelationshipImporter, StakeholderImporter
from stakeholders.models import ClusterMembership, Relationship, Stakeholder
from tests.factories import ClusterFactory, foreign_region

REA = "Rajkot Engineering Association (REA)"
CMTI = "Central Manufacturing Technology Institute (CMTI)"

STAKEHOLDER = {
    "name": "Atul Auto Ltd",
    "kind": "enterprise",
    "role": "manufacturer",
    "cluster_product": "Aluminium castings",
    "cluster_place": "Rajkot",
    "cluster_state": "Gujarat",
    "cluster_country": "IN",
    "source": "a list",
}
STAKEHOLDER_VARIANTS = {
    "name": [
        "  Atul   Auto  Ltd ",
        "Atul\u00a0Auto\tLtd",
        "Ünïcödé Ñame – ஆ",
        "x" * 300,
        "x" * 301,
        " " * 301 + "x",
        "",
        "=SUM(1)",
        "'=SUM(1)",
        "\ufeffAtul",
        "nul\x00byte",
    ],
    "kind": ["Enterprise", "ENTERPRISE", " enterprise ", "enterprize", "", "İnstitution", "1"],
    "role": ["", "Manufacturer", "EXPORTER", "training", "bogus"],
    "cluster_product": [
        "aluminium CASTINGS",
        "Aluminium  castings",
        "Alumınium castings",
        "Unknown product",
        "x" * 201,
        "",
    ],
    "cluster_place": ["RAJKOT", "", "Elsewhere"],
    "cluster_state": ["gujarat", " GUJARAT ", "Gujrat", "", "x" * 101, "Tamil Nadu"],
    "cluster_country": ["in", "", " in ", "IND", "I1", "ın", "IT"],
    "cluster_district": ["Rajkot", "x" * 100, "x" * 101],
    "place": [" Aji   GIDC ", "x" * 200, "x" * 201],
    "state": ["", "maharashtra", "Nowhere", "x" * 101],
    "website": [
        "example.org",
        "www.example.org/a/b",
        "https://example.org/a/b-c_d.e~f%20",
        "http://example.org/",
        "HTTPS://Example.org",
        "https://EXAMPLE.org",
        "http://localhost:8000",
        "ftp://example.org",
        "not a url",
        "https://exa mple.org",
        "https://example.org/?q=1",
        "//example.org",
        "https://-bad.org",
        "https://example.o",
        "https://" + "a" * 63 + ".org",
        "https://" + "a" * 64 + ".org",
        "https://example.org/" + "p" * 480,
        "example.org/" + "p" * 480,
        "1,000",
        "https://xn--bcher-kva.example",
        "https://bücher.example",
    ],
    "email": [
        "a@b.co",
        "A.B+c_d-e@Example.ORG",
        " a@example.org ",
        "a..b@example.org",
        ".a@example.org",
        "@example.org",
        "a@b",
        "a@localhost",
        '"q"@example.org',
        "a@-example.org",
        "a@example..org",
        "a" * 250 + "@b.org",
        "a@" + "b" * 64 + ".org",
        "ü@example.org",
    ],
    "phone": ["+91  98250 12345", "x" * 50, "x" * 51, "  "],
    "source": ["x" * 500, "x" * 501, "  a   list  "],
}


def stakeholder_rows():
    yield dict(STAKEHOLDER)
    for column, cells in STAKEHOLDER_VARIANTS.items():
        for cell in cells:
            yield {**STAKEHOLDER, column: cell}
    for column in ("role", "cluster_state", "cluster_country", "source", "name", "kind"):
        yield {name: cell for name, cell in STAKEHOLDER.items() if name != column}


def compare_paths(importer, rows):
    """Assert that the fast path gives the form's cleaned data or leaves the row to the form
    (never accepting what the form refuses); return how many rows it cleaned."""
    importer.lookups.prefetch([(2, values, None) for values in rows], members=True)
    form = importer.form_class(data={}, **importer.form_kwargs())
    fast_count = 0
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
            }, values
    return fast_count


def test_plain_stakeholder_rows_take_the_fast_path(india_stakeholders):
    """A plainly valid row, in any case and spacing, is cleaned without the form."""
    importer = StakeholderImporter()
    rows = [
        dict(STAKEHOLDER),
        {**STAKEHOLDER, "kind": " Enterprise ", "cluster_state": "gujarat", "name": " a  b "},
        {**STAKEHOLDER, "website": "example.org", "email": "A.B@Example.org"},
    ]
    assert compare_paths(importer, rows) == len(rows)


def test_fast_stakeholder_cleaning_equals_the_form(india_stakeholders):
    """On tricky cells the fast path gives exactly the form's cleaned data, or defers."""
    ClusterFactory(product="Aluminium castings", place="Rajkot", region=foreign_region())
    rows = list(stakeholder_rows())
    assert compare_paths(StakeholderImporter(), rows) > len(rows) // 3


def test_fast_stakeholder_cleaning_for_an_editor_defers_refused_clusters(india_stakeholders):
    """An editor's row naming a cluster they may not change is left to the form."""
    from tests.factories import AgencyEditorFactory

    editor = AgencyEditorFactory().user
    importer = StakeholderImporter(user=editor)
    assert importer.fast_clean(dict(STAKEHOLDER)) is None
    compare_paths(importer, list(stakeholder_rows()))


RELATIONSHIP = {
    "source_name": "Atul Auto Ltd",
    "source_kind": "enterprise",
    "target_name": REA,
    "target_kind": "association",
    "relationship": "member_of",
    "cluster_product": "Aluminium castings",
    "cluster_place": "Rajkot",
    "cluster_state": "Gujarat",
    "since": "2010",
}
RELATIONSHIP_VARIANTS = {
    "source_name": ["atul auto ltd.", "  Atul  Auto Ltd ", "Nobody", "", "x" * 301, REA],
    "source_kind": ["ENTERPRISE", "association", "", "firm"],
    "target_name": [REA.upper(), "Atul Auto Ltd", "", "Nobody"],
    "target_kind": ["Association", "enterprise", ""],
    "relationship": ["MEMBER_OF", " member_of ", "member of", "", "buys_from"],
    "since": [
        "",
        " 2015 ",
        "2015-6",
        "2015-06-30",
        "1799",
        "2101",
        "2015-13",
        "2015-02-30",
        "15",
        "2015/06",
        "２０１５",
    ],
    "until": ["", "2009", "2010", "2010-01-01", "2011-02", "bad"],
    "cluster_product": ["ALUMINIUM castings", "Hosiery", ""],
    "cluster_state": ["", "gujarat", "Gujrat"],
    "cluster_country": ["", "in", "IT", "XX1"],
    "source": ["  REA   list ", "x" * 500, "x" * 501],
}


def relationship_rows():
    yield dict(RELATIONSHIP)
    for column, cells in RELATIONSHIP_VARIANTS.items():
        for cell in cells:
            yield {**RELATIONSHIP, column: cell}
    yield {**RELATIONSHIP, "target_name": "Atul Auto Ltd", "target_kind": "enterprise"}
    yield {name: cell for name, cell in RELATIONSHIP.items() if name != "since"}


def test_plain_relationship_rows_take_the_fast_path(india_stakeholders):
    """A plainly valid relationship row is cleaned without the form."""
    rows = [dict(RELATIONSHIP), {**RELATIONSHIP, "relationship": "MEMBER_OF", "since": ""}]
    assert compare_paths(RelationshipImporter(), rows) == len(rows)


def test_fast_relationship_cleaning_equals_the_form(india_stakeholders):
    """On tricky cells the fast path gives exactly the form's cleaned data, or defers."""
    rows = list(relationship_rows())
    assert compare_paths(RelationshipImporter(), rows) > len(rows) // 3


def as_csv(columns, rows):
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


@pytest.mark.parametrize("valid_only", [True, False])
def test_stakeholder_import_accepts_and_refuses_the_same_with_and_without_the_fast_path(
    india_stakeholders, monkeypatch, valid_only
):
    """A file of tricky rows (BOM, neutralised formulas, duplicates) gives the same summary,
    errors and records with the fast path as without."""
    from django.db import transaction

    from stakeholders.imports import STAKEHOLDER_COLUMNS

    rows = list(stakeholder_rows())
    rows += [{**STAKEHOLDER, "name": "Atul  auto ltd"}, {**STAKEHOLDER, "name": "'=HYPERLINK(1)"}]
    if valid_only:
        importer = StakeholderImporter()
        importer.lookups.prefetch([(2, values, None) for values in rows])
        form = importer.form_class(data={}, **importer.form_kwargs())
        kept, seen = [], set()
        for values in rows:
            form.data, form._errors = values, None
            if form.is_valid():
                key = importer.identity(form.cleaned_data)
                if key not in seen:
                    seen.add(key)
                    kept.append(values)
        rows = kept
    text = as_csv(STAKEHOLDER_COLUMNS, rows)

    def snapshot():
        return (
            sorted(
                Stakeholder.objects.values_list(
                    "name", "kind", "role", "region_id", "website", "email", "phone", "place"
                ),
                key=str,
            ),
            sorted(ClusterMembership.objects.values_list("cluster_id", "stakeholder__name")),
        )

    results = []
    for fast in (True, False):
        with monkeypatch.context() as patch:
            if not fast:
                patch.setattr(StakeholderImporter, "fast_clean", lambda self, values: None)
            sid = transaction.savepoint_create()
            result = StakeholderImporter().run(("\ufeff" + text).encode("utf-8"))
            results.append(
                (result.summary(), [str(error) for error in result.iter_errors()], snapshot())
            )
            transaction.savepoint_rollback(sid)
    assert results[0] == results[1]
    assert bool(results[0][1]) != valid_only


@pytest.mark.parametrize("valid_only", [True, False])
def test_relationship_import_accepts_and_refuses_the_same_with_and_without_the_fast_path(
    india_stakeholders, monkeypatch, valid_only
):
    """A file of tricky relationship rows gives the same summary, errors and records with
    the fast path as without."""
    from django.db import transaction

    from stakeholders.imports import RELATIONSHIP_COLUMNS

    rows = list(relationship_rows())
    if valid_only:
        importer = RelationshipImporter()
        importer.lookups.prefetch([(2, values, None) for values in rows], members=True)
        form = importer.form_class(data={}, **importer.form_kwargs())
        kept, seen = [], set()
        for values in rows:
            form.data, form._errors = values, None
            if form.is_valid():
                key = importer.identity(form.cleaned_data)
                if key not in seen:
                    seen.add(key)
                    kept.append(values)
        rows = kept

    def snapshot():
        return sorted(
            Relationship.objects.values_list(
                "cluster_id", "source_id", "target_id", "kind", "since", "until", "provenance"
            )
        )

    results = []
    for fast in (True, False):
        with monkeypatch.context() as patch:
            if not fast:
                patch.setattr(RelationshipImporter, "fast_clean", lambda self, values: None)
            sid = transaction.savepoint_create()
            text = as_csv(RELATIONSHIP_COLUMNS, rows)
            result = RelationshipImporter().run(("\ufeff" + text).encode("utf-8"))
            results.append(
                (result.summary(), [str(error) for error in result.iter_errors()], snapshot())
            )
            transaction.savepoint_rollback(sid)
    assert results[0] == results[1]
    assert bool(results[0][1]) != valid_only
