"""CSV lines rendered by PostgreSQL are byte for byte those common.tabular writes."""

import datetime

from common.tabular import iter_csv_records
from stakeholders.choices import RelationshipType
from stakeholders.exports import (
    RELATIONSHIP_EXPORT_COLUMNS,
    STAKEHOLDER_EXPORT_COLUMNS,
    relationship_export_csv,
    relationship_export_records,
    stakeholder_export_csv,
    stakeholder_export_records,
)
from stakeholders.models import Relationship, Stakeholder
from tests.factories import ClusterFactory, MembershipFactory, StakeholderFactory

TRICKY = [
    "plain",
    "",
    '=HYPERLINK("http://x")',
    "+91 98",
    "-1",
    "@SUM(A1)",
    "\tTab first",
    "\rCR first",
    "'=already neutralised",
    "''+twice",
    "'just a quote",
    "comma, inside",
    'double "quote"',
    "line\nbreak",
    "carriage\rreturn",
    "  spaces  ",
    "₹ 1,350 crore; accents: é ü",
    "back\\slash \\.",
]


def python_text(queryset):
    text = "".join(
        iter_csv_records(stakeholder_export_records(queryset), STAKEHOLDER_EXPORT_COLUMNS)
    )
    return text.split("\r\n", 1)[1]  # without the header


def test_database_lines_equal_the_python_writer_on_tricky_text(db):
    """Formulas, quotes, commas, line breaks and Unicode come out as csv.writer writes them."""
    cluster = ClusterFactory()
    for number, text in enumerate(TRICKY):
        stakeholder = StakeholderFactory(
            name=f"Actor {number:02d} {text}", place=text, phone=text[:50]
        )
        MembershipFactory(stakeholder=stakeholder, cluster=cluster, source=text)
    queryset = Stakeholder.objects.all()
    rendered = "".join(stakeholder_export_csv(queryset))
    assert rendered == python_text(queryset)
    assert rendered.count("Actor") == len(TRICKY)


def test_the_stakeholder_csv_download_is_rendered_by_the_database_in_one_query(
    client, db, django_assert_max_num_queries
):
    """The download's rows come from one query, whatever their number (with the two
    settings of its transaction and, in a test, the savepoint around it)."""
    cluster = ClusterFactory()
    for _ in range(3):
        MembershipFactory(stakeholder=StakeholderFactory(), cluster=cluster)
    with django_assert_max_num_queries(5):
        response = client.get("/stakeholders/export.csv")
        content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert content.count("\r\n") == 4
    assert content == "\r\n".join(
        [",".join(STAKEHOLDER_EXPORT_COLUMNS), python_text(Stakeholder.objects.all())]
    )


def test_relationship_lines_equal_the_python_writer(db):
    """Dates as ISO text (blank when unknown) and tricky provenance, as csv.writer writes."""
    cluster = ClusterFactory()
    ends = [StakeholderFactory(name=f"End {number}") for number in range(len(TRICKY) + 1)]
    for stakeholder in ends:
        MembershipFactory(stakeholder=stakeholder, cluster=cluster)
    for number, text in enumerate(TRICKY):
        Relationship.objects.create(
            cluster=cluster,
            source=ends[number],
            target=ends[number + 1],
            kind=RelationshipType.SUPPLIES,
            since=datetime.date(2001, 2, 3) if number % 2 else None,
            until=datetime.date(2020, 12, 31) if number % 3 else None,
            provenance=text,
        )
    queryset = Relationship.objects.all()
    rendered = "".join(relationship_export_csv(queryset))
    python = "".join(
        iter_csv_records(relationship_export_records(queryset), RELATIONSHIP_EXPORT_COLUMNS)
    ).split("\r\n", 1)[1]
    assert rendered == python
    assert "2001-02-03" in rendered
    assert "2020-12-31" in rendered
