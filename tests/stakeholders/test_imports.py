"""Import of stakeholders (with their memberships) and of relationships: one record per
stakeholder however many rows name it, every bad row reported, all or nothing."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from stakeholders.imports import RelationshipImporter, StakeholderImporter
from stakeholders.models import ClusterMembership, Relationship, Stakeholder
from tests.conftest import STAKEHOLDERS_CSV

REA = "Rajkot Engineering Association (REA)"
CMTI = "Central Manufacturing Technology Institute (CMTI)"


def import_stakeholders(text):
    return StakeholderImporter().run(text.encode("utf-8"))


def import_relationships(text):
    return RelationshipImporter().run(text.encode("utf-8"))


def command(name, path):
    out, err = io.StringIO(), io.StringIO()
    call_command(name, str(path), stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


# Stakeholders from the fixture profiles -------------------------------------------------


def test_a_stakeholder_on_two_rows_is_one_record_with_two_memberships(india_stakeholders):
    """Rajkot Engineering Association serves two clusters: one record, two memberships."""
    association = Stakeholder.objects.get(name=REA)
    assert association.kind == "association"
    assert association.role == "industry_association"
    assert sorted(association.clusters.values_list("product", flat=True)) == [
        "Aluminium castings",
        "Auto components",
    ]
    assert Stakeholder.objects.filter(name=CMTI).count() == 1
    assert Stakeholder.objects.get(name=CMTI).memberships.count() == 2


def test_every_row_is_a_membership(india_stakeholders):
    """70 rows give 70 memberships; repeated stakeholders are counted as updated, not created."""
    assert ClusterMembership.objects.count() == 70
    created, updated = india_stakeholders.created, india_stakeholders.updated
    assert created == Stakeholder.objects.count()
    assert created + updated == 70
    assert updated >= 2


def test_memberships_keep_the_rows_source(india_stakeholders):
    """Each membership records the page the row came from."""
    membership = ClusterMembership.objects.get(
        stakeholder__name=REA, cluster__product="Auto components"
    )
    assert "id=267" in membership.source


def test_reimporting_stakeholders_changes_nothing(india_stakeholders, row_counts):
    """A second import of the same file reports all 70 rows unchanged and writes nothing."""
    before = row_counts()

    result = StakeholderImporter().run(STAKEHOLDERS_CSV)

    assert result.summary() == "created 0, updated 0, unchanged 70"
    assert row_counts() == before


def test_import_stakeholders_command(india_clusters):
    """manage.py import_stakeholders prints the summary; run again it reports no change."""
    out, err = command("import_stakeholders", STAKEHOLDERS_CSV)
    assert out.startswith("created ")
    assert err == ""

    out, _err = command("import_stakeholders", STAKEHOLDERS_CSV)
    assert out == "created 0, updated 0, unchanged 70"


def test_cluster_is_named_in_any_case_and_state_spelling(india_clusters):
    """'  hosiery ', 'LUDHIANA', 'punjab' name the Hosiery cluster of Ludhiana."""
    result = import_stakeholders(
        "name,kind,role,cluster_product,cluster_place,cluster_state\n"
        "Knitwear Club,association,industry_association,  hosiery ,LUDHIANA,punjab\n"
        "Nadia Terracotta Society,association,cooperative,Terracotta,Ghruni,W Bengal\n"
    )

    assert result.summary() == "created 2, updated 0, unchanged 0"
    assert Stakeholder.objects.get(name="Knitwear Club").clusters.get().place == "Ludhiana"


def test_stakeholder_state_is_part_of_its_identity(india_clusters):
    """The same name and kind in two states are two records; a state spelling is mapped."""
    result = import_stakeholders(
        "name,kind,role,cluster_product,cluster_place,cluster_state,state\n"
        "District Industries Centre,institution,government,Aluminium castings,Rajkot,Gujarat,Gujarat\n"
        "District Industries Centre,institution,government,Forgings,Pune,Maharashtra,Maharashtra\n"
        "District Industries Centre,institution,government,Auto components,Rajkot,Gujarat,gujarat\n"
    )

    assert result.summary() == "created 2, updated 1, unchanged 0"
    gujarat = Stakeholder.objects.get(name="District Industries Centre", region__name="Gujarat")
    assert gujarat.memberships.count() == 2


def test_names_differing_only_in_punctuation_are_one_stakeholder(india_stakeholders):
    """'MSME-DI, Ahmedabad/Rajkot)' with a stray bracket is the same institute on both rows."""
    institute = Stakeholder.objects.get(
        name__startswith="MSME Development Institute (MSME-DI), Ahm"
    )
    assert sorted(institute.clusters.values_list("product", flat=True)) == [
        "Aluminium castings",
        "Auto components",
    ]


def test_a_foreign_stakeholder_state_is_looked_up_in_its_clusters_country(db):
    """A stakeholder of an Italian cluster may name an Italian region as its state."""
    from clusters.imports import ClusterImporter

    ClusterImporter().run(
        b"product,place,state,country,cluster_type\nKnitwear,Prato,Tuscany,IT,industrial\n"
    )
    result = import_stakeholders(
        "name,kind,cluster_product,cluster_place,cluster_state,cluster_country,state\n"
        "Confindustria Toscana Nord,association,Knitwear,Prato,Tuscany,IT,Tuscany\n"
    )
    assert result.summary() == "created 1, updated 0, unchanged 0"
    association = Stakeholder.objects.get()
    assert (association.country, association.region.name) == ("IT", "Tuscany")


def test_blank_cells_do_not_erase_stakeholder_details(india_clusters):
    """A later file without the website keeps the website stored earlier."""
    header = "name,kind,role,cluster_product,cluster_place,cluster_state,website,email\n"
    import_stakeholders(
        header
        + "Godrej,enterprise,buyer,Aluminium castings,Rajkot,Gujarat,godrej.com,info@godrej.com\n"
    )

    result = import_stakeholders(
        header + "Godrej,enterprise,,Aluminium castings,Rajkot,Gujarat,,\n"
    )

    assert result.summary() == "created 0, updated 0, unchanged 1"
    godrej = Stakeholder.objects.get(name="Godrej")
    assert (godrej.role, godrej.website, godrej.email) == (
        "buyer",
        "https://godrej.com",
        "info@godrej.com",
    )


def test_new_details_update_the_stakeholder(india_clusters):
    """A row with a new e-mail for a known stakeholder updates it."""
    header = "name,kind,cluster_product,cluster_place,cluster_state,email\n"
    import_stakeholders(header + "Godrej,enterprise,Aluminium castings,Rajkot,Gujarat,\n")

    result = import_stakeholders(
        header + "Godrej,enterprise,Aluminium castings,Rajkot,Gujarat,buyers@godrej.com\n"
    )

    assert result.summary() == "created 0, updated 1, unchanged 0"
    assert Stakeholder.objects.get(name="Godrej").email == "buyers@godrej.com"


# Invalid stakeholder files ----------------------------------------------------------------

BAD_STAKEHOLDERS = """name,kind,role,cluster_product,cluster_place,cluster_state,email
Kanchipuram Silk Weavers,association,cooperative,Silk sarees,Kanchipuram,Tamil Nadu,
Indian Oil,supplier,exporter,Forgings,Pune,Maharashtra,
Some Guild,guild,,Forgings,Pune,Maharashtra,
,enterprise,buyer,Forgings,Pune,Maharashtra,
Bharat Forge,enterprise,astronaut,Forgings,Pune,Maharashtra,
Tata Motors,enterprise,buyer,Forgings,Pune,Atlantis,
Kalyani,enterprise,buyer,Forgings,Pune,Maharashtra,not-an-address
Chakan Industries Association,association,industry_association,Forgings,Pune,Maharashtra,
chakan  industries association,association,industry_association,forgings,PUNE,maharashtra,
Mahindra,enterprise,buyer,,Pune,Maharashtra,
"""

BAD_STAKEHOLDER_ERRORS = [
    "row 2, cluster_product: no cluster 'Silk sarees' in Kanchipuram, Tamil Nadu is registered: "
    "import the cluster first",
    "row 3, role: 'exporter' is not a role of a supplier; "
    "use one of: raw_material, machinery, energy, transport.",
    "row 4, kind: 'guild' is not a stakeholder kind; "
    "use one of: enterprise, supplier, institution, association, bds_provider.",
    "row 5, name: the name is missing",
    "row 6, role: 'astronaut' is not a role; use one of:",
    "row 7, cluster_state: 'Atlantis' is not a state or union territory of India.",
    "row 8, email: Enter a valid email address.",
    "row 10, name: duplicate of row 9: the same record appears twice in the file",
    "row 11, cluster_product: the cluster's product is missing",
]


def test_every_bad_stakeholder_row_is_reported_and_nothing_written(india_clusters, row_counts):
    """Missing clusters, roles of another kind, unknown kinds... each reported by row and column."""
    before = row_counts()

    result = import_stakeholders(BAD_STAKEHOLDERS)

    errors = [str(error) for error in result.errors]
    assert len(errors) == len(BAD_STAKEHOLDER_ERRORS)
    for error, expected in zip(errors, BAD_STAKEHOLDER_ERRORS, strict=True):
        assert error.startswith(expected)
    assert row_counts() == before


def test_import_stakeholders_command_fails_with_status_1(india_clusters, write_file, row_counts):
    """The command prints each error and exits with status 1, writing nothing."""
    path = write_file(BAD_STAKEHOLDERS)
    before = row_counts()
    err = io.StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("import_stakeholders", str(path), stdout=io.StringIO(), stderr=err)

    assert caught.value.returncode == 1
    assert str(caught.value) == "9 error(s) in 9 row(s); nothing was written."
    assert len(err.getvalue().splitlines()) == 9
    assert row_counts() == before


def test_stakeholders_before_their_cluster_are_refused(db):
    """Importing stakeholders before the clusters names the missing cluster on every row."""
    result = StakeholderImporter().run(STAKEHOLDERS_CSV)

    assert len(result.errors) == 70
    assert {error.column for error in result.errors} == {"cluster_product"}
    assert not Stakeholder.objects.exists()


def test_dry_run_of_stakeholders_writes_nothing(india_clusters, row_counts):
    """A dry run counts what it would create and leaves the database alone."""
    before = row_counts()

    result = StakeholderImporter().run(STAKEHOLDERS_CSV, dry_run=True)

    assert result.ok
    assert result.created + result.updated == 70
    assert row_counts() == before


# Relationships -----------------------------------------------------------------------------

RELATIONSHIP_HEADER = (
    "source_name,source_kind,target_name,target_kind,relationship,"
    "cluster_product,cluster_place,cluster_state,since,until,source\n"
)
RELATIONSHIPS = RELATIONSHIP_HEADER + (
    f"Atul Auto Ltd,enterprise,{REA},association,member_of,"
    "Aluminium castings,Rajkot,Gujarat,2010,,REA members list\n"
    f"{CMTI},institution,Godrej,enterprise,trains,Aluminium castings,Rajkot,Gujarat,2015-06,,\n"
    "Godrej,enterprise,Atul Auto Ltd,enterprise,BUYS_FROM,Aluminium castings,Rajkot,Gujarat,"
    "2012-04-01,2019-03-31,\n"
)


def test_relationships_between_members_are_created(india_stakeholders):
    """Typed, dated relationships are created between members of the cluster."""
    result = import_relationships(RELATIONSHIPS)

    assert result.summary() == "created 3, updated 0, unchanged 0"
    member_of = Relationship.objects.get(kind="member_of")
    assert (member_of.source.name, member_of.target.name) == ("Atul Auto Ltd", REA)
    assert member_of.since == datetime.date(2010, 1, 1)
    assert member_of.provenance == "REA members list"
    assert Relationship.objects.get(kind="trains").since == datetime.date(2015, 6, 1)
    buys = Relationship.objects.get(kind="buys_from")
    assert (buys.since, buys.until) == (datetime.date(2012, 4, 1), datetime.date(2019, 3, 31))
    association = Stakeholder.objects.get(name=REA)
    assert association.incoming_relationships.get() == member_of


def test_reimporting_relationships_changes_nothing(india_stakeholders, row_counts):
    """The same relationships file again reports every row unchanged."""
    import_relationships(RELATIONSHIPS)
    before = row_counts()

    result = import_relationships(RELATIONSHIPS)

    assert result.summary() == "created 0, updated 0, unchanged 3"
    assert row_counts() == before


def test_import_relationships_command(india_stakeholders, write_file):
    """manage.py import_relationships prints the summary, then 'unchanged' on a re-run."""
    path = write_file(RELATIONSHIPS)

    assert command("import_relationships", path) == ("created 3, updated 0, unchanged 0", "")
    assert command("import_relationships", path)[0] == "created 0, updated 0, unchanged 3"


def test_a_new_end_date_updates_the_relationship(india_stakeholders):
    """Re-importing a relationship with an end date updates it."""
    import_relationships(RELATIONSHIPS)

    result = import_relationships(
        RELATIONSHIP_HEADER
        + f"Atul Auto Ltd,enterprise,{REA},association,member_of,Aluminium castings,Rajkot,Gujarat,,2020,\n"
    )

    assert result.summary() == "created 0, updated 1, unchanged 0"
    member_of = Relationship.objects.get(kind="member_of")
    assert (member_of.since, member_of.until) == (
        datetime.date(2010, 1, 1),
        datetime.date(2020, 1, 1),
    )


BAD_RELATIONSHIPS = RELATIONSHIP_HEADER + (
    # Godrej is a member of the aluminium cluster, not of auto components.
    f"Godrej,enterprise,{REA},association,member_of,Auto components,Rajkot,Gujarat,,,\n"
    "Godrej,enterprise,Godrej,enterprise,collaborates,Aluminium castings,Rajkot,Gujarat,,,\n"
    "Godrej,enterprise,Atul Auto Ltd,enterprise,hates,Aluminium castings,Rajkot,Gujarat,,,\n"
    f"Atul Auto Ltd,enterprise,{REA},enterprise,member_of,Aluminium castings,Rajkot,Gujarat,,,\n"
    "Godrej,enterprise,Atul Auto Ltd,enterprise,supplies,Aluminium castings,Rajkot,Gujarat,2016,2015,\n"
    "Godrej,enterprise,Atul Auto Ltd,enterprise,supplies,Aluminium castings,Rajkot,Gujarat,2015-13,,\n"
    "Godrej,enterprise,Atul Auto Ltd,enterprise,supplies,Silk sarees,Kanchipuram,Tamil Nadu,,,\n"
    "Godrej,enterprise,Atul Auto Ltd,enterprise,buys_from,Aluminium castings,Rajkot,Gujarat,,,\n"
    "GODREJ,enterprise,atul auto ltd,enterprise,buys_from,aluminium castings,rajkot,gujarat,,,\n"
)

BAD_RELATIONSHIP_ERRORS = [
    "row 2, source_name: no enterprise 'Godrej' belongs to the cluster Auto components, Rajkot",
    "row 3, target_name: a stakeholder cannot have a relationship with itself",
    "row 4, relationship: 'hates' is not a relationship type; use one of: supplies, buys_from,",
    f"row 5, target_name: no enterprise '{REA}' belongs to the cluster Aluminium castings, Rajkot",
    "row 6, until: 'until' 2015 is before 'since' 2016",
    "row 7, since: '2015-13' has no month 13: months run from 01 to 12.",
    "row 8, cluster_product: no cluster 'Silk sarees' in Kanchipuram, Tamil Nadu is registered",
    "row 10, source_name: duplicate of row 9: the same record appears twice in the file",
]


def test_every_bad_relationship_row_is_reported_and_nothing_written(india_stakeholders, row_counts):
    """Non-members, self-links, unknown types and bad dates are each reported by row."""
    before = row_counts()

    result = import_relationships(BAD_RELATIONSHIPS)

    errors = [str(error) for error in result.errors]
    assert len(errors) == len(BAD_RELATIONSHIP_ERRORS), errors
    for error, expected in zip(errors, BAD_RELATIONSHIP_ERRORS, strict=True):
        assert error.startswith(expected)
    assert row_counts() == before


def test_import_relationships_command_fails_with_status_1(india_stakeholders, write_file):
    """The command exits with status 1 and lists the errors; no relationship is written."""
    path = write_file(BAD_RELATIONSHIPS)
    err = io.StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("import_relationships", str(path), stdout=io.StringIO(), stderr=err)

    assert caught.value.returncode == 1
    assert len(err.getvalue().splitlines()) == len(BAD_RELATIONSHIP_ERRORS)
    assert not Relationship.objects.exists()


def test_an_editors_import_asks_permission_once_not_per_stakeholder(db):
    """Re-importing 5 or 40 existing stakeholders as an editor takes the same queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import AgencyEditorFactory, ClusterFactory

    editor = AgencyEditorFactory()
    ClusterFactory(product="Hosiery", place="Ludhiana", agency=editor.agency, status="draft")
    header = "name,kind,cluster_product,cluster_place,cluster_state,website\n"

    def queries(count):
        text = header + "".join(
            f"Firm {i},enterprise,Hosiery,Ludhiana,West Bengal,https://firm{i}.example\n"
            for i in range(count)
        )
        StakeholderImporter(user=editor.user).run(text.encode())
        with CaptureQueriesContext(connection) as captured:
            result = StakeholderImporter(user=editor.user).run(text.encode())
        assert result.summary() == f"created 0, updated 0, unchanged {count}"
        return len(captured)

    assert queries(5) == queries(40)


# Big files: chunks, one transaction ---------------------------------------------------------


class SmallStakeholderChunks(StakeholderImporter):
    chunk_rows = 2


class SmallRelationshipChunks(RelationshipImporter):
    chunk_rows = 2


def test_stakeholders_in_chunks_give_what_one_chunk_gives(india_clusters):
    """A stakeholder named in several chunks is one record; the outcomes match one chunk."""
    whole = StakeholderImporter().run(STAKEHOLDERS_CSV, dry_run=True)

    chunked = SmallStakeholderChunks().run(STAKEHOLDERS_CSV)

    assert chunked.ok, chunked.errors
    assert chunked.summary() == whole.summary()
    assert Stakeholder.objects.filter(name=REA).count() == 1
    again = SmallStakeholderChunks().run(STAKEHOLDERS_CSV)
    assert again.summary() == f"created 0, updated 0, unchanged {whole.row_count}"


def test_a_duplicate_in_a_later_chunk_is_reported_and_nothing_is_written(
    india_clusters, row_counts
):
    """The same stakeholder and cluster in two chunks is a duplicate; the file writes nothing."""
    lines = STAKEHOLDERS_CSV.read_text(encoding="utf-8-sig").rstrip("\n").split("\n")
    before = row_counts()

    result = SmallStakeholderChunks().run("\n".join([*lines, lines[1]]).encode())

    assert [e.message for e in result.errors] == [
        "duplicate of row 2: the same record appears twice in the file"
    ]
    assert result.errors[0].row == len(lines) + 1
    assert row_counts() == before


def test_relationships_in_chunks_give_what_one_chunk_gives(india_stakeholders):
    """Relationships imported a chunk at a time: the same outcomes, once each."""
    whole = RelationshipImporter().run(RELATIONSHIPS.encode(), dry_run=True)

    chunked = SmallRelationshipChunks().run(RELATIONSHIPS.encode())

    assert chunked.ok, chunked.errors
    assert chunked.summary() == whole.summary()
    assert Relationship.objects.count() == whole.created
    again = SmallRelationshipChunks().run(RELATIONSHIPS.encode())
    assert again.created == 0 and again.updated == 0


# Dates at the precision typed (issue 16) ---------------------------------------------------


def test_relationship_dates_are_kept_at_the_precision_typed(india_stakeholders):
    """'2010' is kept as the year 2010, '2015-06' as June 2015, a full date as that day."""
    import_relationships(RELATIONSHIPS)

    typed = {
        kind: (r.since_partial.iso(), r.since_precision)
        for kind, r in ((r.kind, r) for r in Relationship.objects.all())
    }
    assert typed == {
        "member_of": ("2010", "year"),
        "trains": ("2015-06", "month"),
        "buys_from": ("2012-04-01", "day"),
    }
    buys = Relationship.objects.get(kind="buys_from")
    assert (buys.until_partial.iso(), buys.until_precision) == ("2019-03-31", "day")


def test_a_date_retyped_at_another_precision_is_an_update(india_stakeholders, row_counts):
    """'2010-01' is not '2010' although both start on 1 January: the row is updated once,
    then unchanged."""
    import_relationships(RELATIONSHIPS)
    retyped = RELATIONSHIPS.replace("Gujarat,2010,,", "Gujarat,2010-01,,")

    assert import_relationships(retyped).summary() == "created 0, updated 1, unchanged 2"
    member_of = Relationship.objects.get(kind="member_of")
    assert (member_of.since_partial.iso(), member_of.since_precision) == ("2010-01", "month")
    before = row_counts()
    assert import_relationships(retyped).summary() == "created 0, updated 0, unchanged 3"
    assert row_counts() == before


def test_until_in_the_period_of_since_is_accepted_and_before_it_refused(india_stakeholders):
    """until=2018 with since=2018-06 is fine (the year 2018 does not end before June);
    until=2018-05 with since=2018-06 is refused by row and field, and nothing is written."""
    row = (
        "Godrej,enterprise,Atul Auto Ltd,enterprise,{kind},Aluminium castings,Rajkot,Gujarat,"
        "{since},{until},\n"
    )
    fine = import_relationships(
        RELATIONSHIP_HEADER + row.format(kind="supplies", since="2018-06", until="2018")
    )
    assert fine.summary() == "created 1, updated 0, unchanged 0", fine.errors
    supplies = Relationship.objects.get(kind="supplies")
    assert (supplies.since_partial.iso(), supplies.until_partial.iso()) == ("2018-06", "2018")

    refused = import_relationships(
        RELATIONSHIP_HEADER + row.format(kind="buys_from", since="2018-06", until="2018-05")
    )
    assert [str(error) for error in refused.errors] == [
        "row 2, until: 'until' 2018-05 is before 'since' 2018-06"
    ]
    assert not Relationship.objects.filter(kind="buys_from").exists()
