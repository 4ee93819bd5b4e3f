"""A re-imported file's unchanged rows are recognised by their cells (common.fingerprints),
and only while what they wrote is as they left it: a record changed by any other path since,
a cluster renamed, a member removed or a region added sends the row the ordinary way, so the
outcome and what is stored are exactly those of reading every row."""

from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.db.models import Count
from django.test import RequestFactory

from clusters import services as cluster_services
from clusters.admin import ClusterFigureAdmin
from clusters.imports import ClusterImporter
from clusters.models import Cluster, ClusterFigure, Region
from common import fingerprints
from common.models import ImportFingerprint
from stakeholders import services
from stakeholders.imports import RelationshipImporter, StakeholderImporter
from stakeholders.models import ClusterMembership, Relationship, Stakeholder
from tests.factories import CuratorFactory

CLUSTERS = (
    "product,place,state,cluster_type,enterprise_count,figures_year,source\n"
    "Knitwear,Ludhiana,Punjab,industrial,1200,2021-22,a survey\n"
    "Brassware,Moradabad,Uttar Pradesh,handicraft,800,2019,a report\n"
)
STAKEHOLDERS = (
    "name,kind,role,cluster_product,cluster_place,cluster_state,phone,source\n"
    "Knitters Association,association,industry_association,Knitwear,Ludhiana,Punjab,111,a list\n"
    "Yarn House,supplier,raw_material,Knitwear,Ludhiana,Punjab,222,a list\n"
    "Brass Works,enterprise,manufacturer,Brassware,Moradabad,Uttar Pradesh,333,a list\n"
)
RELATIONSHIPS = (
    "source_name,source_kind,target_name,target_kind,relationship,"
    "cluster_product,cluster_place,cluster_state,since\n"
    "Yarn House,supplier,Knitters Association,association,collaborates,"
    "Knitwear,Ludhiana,Punjab,2015\n"
)


class Counting:
    """An importer that counts the rows it reads (validates) the ordinary way."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.read = 0

    def _clean(self, number, values, cells):
        self.read += 1
        return super()._clean(number, values, cells)


class CountingClusters(Counting, ClusterImporter):
    pass


class CountingStakeholders(Counting, StakeholderImporter):
    pass


class CountingRelationships(Counting, RelationshipImporter):
    pass


def run(importer_class, text, **kwargs):
    importer = importer_class(**kwargs)
    result = importer.run(text.encode())
    assert result.ok, result.errors
    return importer, result


@pytest.fixture
def imported(db):
    """The clusters, stakeholders and relationship above, imported once each."""
    run(CountingClusters, CLUSTERS)
    run(CountingStakeholders, STAKEHOLDERS)
    run(CountingRelationships, RELATIONSHIPS)


@pytest.mark.parametrize(
    ("importer_class", "text", "rows"),
    [
        (CountingClusters, CLUSTERS, 2),
        (CountingStakeholders, STAKEHOLDERS, 3),
        (CountingRelationships, RELATIONSHIPS, 1),
    ],
)
def test_an_unchanged_file_is_recognised_without_reading_a_row(
    imported, importer_class, text, rows
):
    importer, result = run(importer_class, text)
    assert result.summary() == f"created 0, updated 0, unchanged {rows}"
    assert importer.read == 0


def test_the_first_import_leaves_one_fingerprint_per_row(imported):
    counts = dict(ImportFingerprint.objects.values_list("importer").annotate(n=Count("identity")))
    assert counts == {"clusters": 2, "stakeholders": 3, "relationships": 1}


def test_a_stakeholder_changed_on_the_site_is_read_again_and_restored(imported):
    """An editor changed a phone number: re-importing the file puts the file's back."""
    stakeholder = Stakeholder.objects.get(name="Yarn House")
    services.stakeholder_update(stakeholder=stakeholder, data={"phone": "999"})
    importer, result = run(CountingStakeholders, STAKEHOLDERS)
    assert result.summary() == "created 0, updated 1, unchanged 2"
    assert importer.read == 1
    assert Stakeholder.objects.get(name="Yarn House").phone == "222"
    importer, result = run(CountingStakeholders, STAKEHOLDERS)
    assert (result.summary(), importer.read) == ("created 0, updated 0, unchanged 3", 0)


def test_a_membership_removed_since_is_made_again(imported):
    membership = ClusterMembership.objects.get(stakeholder__name="Brass Works")
    services.membership_delete(membership=membership)
    _importer, result = run(CountingStakeholders, STAKEHOLDERS)
    assert result.summary() == "created 0, updated 1, unchanged 2"
    assert ClusterMembership.objects.filter(stakeholder__name="Brass Works").exists()


def change_figure_in_the_admin(figure, **changes):
    """Save `figure` with `changes` as the admin's figure page does (its save_model)."""
    form = SimpleNamespace(changed_data=list(changes))
    for name, value in changes.items():
        setattr(figure, name, value)
    request = RequestFactory().post("/admin/")
    request.user = CuratorFactory()
    ClusterFigureAdmin(ClusterFigure, admin.site).save_model(request, figure, form, change=True)


def test_a_figure_edited_in_the_admin_is_read_again(imported):
    """A curator changed a figure in the admin: the file's row puts the file's back."""
    figure = ClusterFigure.objects.get(cluster__product="Knitwear", measure="enterprise_count")
    change_figure_in_the_admin(figure, value=1000)
    importer, result = run(CountingClusters, CLUSTERS)
    assert importer.read == 1
    assert result.summary() == "created 0, updated 1, unchanged 1"


def test_a_figure_moved_to_another_cluster_in_the_admin_reads_both_again(imported):
    """Both clusters are re-saved (their current values refreshed), so both rows are read."""
    figure = ClusterFigure.objects.get(cluster__product="Knitwear", measure="enterprise_count")
    change_figure_in_the_admin(figure, cluster=Cluster.objects.get(product="Brassware"))
    assert Cluster.objects.get(product="Knitwear").enterprise_count is None
    importer, result = run(CountingClusters, CLUSTERS)
    assert importer.read == 2
    knitwear = Cluster.objects.get(product="Knitwear")
    assert knitwear.enterprise_count == 1200


def test_a_figure_recorded_through_the_services_is_read_again(imported):
    """The site's edit page and the API record figures through cluster_record_figures."""
    cluster = Cluster.objects.get(product="Brassware")
    cluster_services.cluster_record_figures(
        cluster=cluster,
        values={"employment": 5000},
        provenance=cluster_services.Provenance(
            year="2023", source="a census", estimated=False, currency=""
        ),
    )
    importer, result = run(CountingClusters, CLUSTERS)
    assert importer.read == 1
    assert result.summary() == "created 0, updated 0, unchanged 2"


def test_a_cluster_written_by_a_query_update_is_read_again(imported):
    """Even a write that bypasses the services (QuerySet.update) is seen: a new row version."""
    Cluster.objects.filter(product="Knitwear").update(description="changed by SQL")
    importer, result = run(CountingClusters, CLUSTERS)
    assert importer.read == 1
    assert result.summary() == "created 0, updated 0, unchanged 2"


def test_a_renamed_cluster_is_no_longer_found_by_its_old_rows(imported):
    """The rows name the cluster by its old product: an error, as without fingerprints."""
    cluster = Cluster.objects.get(product="Brassware")
    cluster_services.cluster_update(cluster=cluster, data={"product": "Brass and copperware"})
    result = StakeholderImporter().run(STAKEHOLDERS.encode())
    assert [(e.row, e.column) for e in result.errors] == [(4, "cluster_product")]


def test_a_renamed_end_is_no_longer_found_by_the_relationship_row(imported):
    stakeholder = Stakeholder.objects.get(name="Yarn House")
    services.stakeholder_update(stakeholder=stakeholder, data={"name": "Yarn House Pvt Ltd"})
    result = RelationshipImporter().run(RELATIONSHIPS.encode())
    assert [(e.row, e.column) for e in result.errors] == [(2, "source_name")]


def test_a_new_region_makes_every_fingerprint_of_the_file_untrusted(imported):
    """What a state cell means depends on the region table: a change to it, and every row
    is read again (nothing else changed: all unchanged)."""
    Region.objects.create(country="IN", name="Test Territory", slug="test-territory")
    importer, result = run(CountingClusters, CLUSTERS)
    assert (result.summary(), importer.read) == ("created 0, updated 0, unchanged 2", 2)


def test_a_repeated_row_is_still_a_duplicate(imported):
    text = CLUSTERS + CLUSTERS.splitlines(keepends=True)[1]
    result = ClusterImporter().run(text.encode())
    assert [(e.row, e.message) for e in result.errors] == [
        (4, "duplicate of row 2: the same record appears twice in the file")
    ]


def test_rows_of_one_stakeholder_that_disagree_are_read_in_order(imported):
    """Two rows name one stakeholder (two clusters) with different phones: read the ordinary
    way, the later row wins, every time, and neither is taken as unchanged by its
    fingerprint."""
    text = (
        "name,kind,cluster_product,cluster_place,cluster_state,phone\n"
        "Common Facility Centre,institution,Knitwear,Ludhiana,Punjab,444\n"
        "Common Facility Centre,institution,Brassware,Moradabad,Uttar Pradesh,555\n"
    )
    for expected in ("created 1, updated 1, unchanged 0", "created 0, updated 2, unchanged 0"):
        importer, result = run(CountingStakeholders, text)
        assert result.summary() == expected
        assert importer.read == 2
        assert Stakeholder.objects.get(name="Common Facility Centre").phone == "555"


def test_a_fingerprinted_row_beside_a_row_writing_the_same_stakeholder_is_read(imported):
    """Yarn House's row is unchanged by its fingerprint, but a new row of the file links it to
    another cluster with another phone: both are read, in order."""
    text = (
        STAKEHOLDERS + "Yarn House,supplier,raw_material,Brassware,Moradabad,Uttar Pradesh,777,x\n"
    )
    importer, result = run(CountingStakeholders, text)
    assert result.summary() == "created 0, updated 1, unchanged 3"
    assert importer.read == 2
    assert Stakeholder.objects.get(name="Yarn House").phone == "777"


def test_a_dry_run_keeps_no_fingerprint(db):
    result = ClusterImporter().run(CLUSTERS.encode(), dry_run=True)
    assert result.summary() == "created 2, updated 0, unchanged 0"
    assert not ImportFingerprint.objects.exists()


def test_a_users_import_reads_every_row(imported):
    """A curator's upload is checked row by row against what they may change."""
    importer, result = run(CountingRelationships, RELATIONSHIPS, user=CuratorFactory())
    assert importer.read == 1
    assert result.summary() == "created 0, updated 0, unchanged 1"
    assert Relationship.objects.count() == 1


@pytest.mark.parametrize(
    "values",
    [{"product": "Knitwear", "place": "Ludhiana"}, {"product": "", "place": 'ü, "x"\n'}],
)
def test_a_cells_digest_is_the_one_fingerprints_were_kept_with(values):
    """The digest of a row's joined cells is still blake2b(prefix, 'j', cells): the
    fingerprints kept by earlier imports keep matching (FORMAT unchanged)."""
    prefix = b"clusters\x1e2\x1eproduct\x1fplace\x1e"
    joined = "\x1f".join(values.values()).encode()
    assert fingerprints.cells_digest(prefix, values) == fingerprints.digest(prefix + b"j" + joined)
    assert fingerprints.cells_digest(prefix + b"other", values) != fingerprints.cells_digest(
        prefix, values
    )
