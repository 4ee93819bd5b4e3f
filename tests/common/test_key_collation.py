"""Machine keys are compared byte by byte on PostgreSQL (common.key_collation): the
migrations give them the C collation, and a later change of one of these fields that gave
it back the database's default would fail here."""

import pytest
from django.db import connection

from clusters.models import Cluster, RetiredClusterSlug
from common.key_collation import KEY_COLLATION
from common.models import ImportFingerprint
from stakeholders.models import RetiredStakeholderSlug, Stakeholder
from tests.factories import ClusterFactory, StakeholderFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="collations are PostgreSQL's"
)

KEYS = {
    Cluster: ("identity_key", "slug"),
    RetiredClusterSlug: ("slug",),
    Stakeholder: ("identity_key", "slug"),
    RetiredStakeholderSlug: ("slug",),
    ImportFingerprint: ("importer",),
}


def column_collations(table):
    """Return {column: collation name} of `table`'s columns with an explicit collation."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attname, c.collname FROM pg_attribute a "
            "JOIN pg_collation c ON c.oid = a.attcollation "
            "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped",
            [table],
        )
        return dict(cursor.fetchall())


@pytest.mark.parametrize("model", KEYS, ids=lambda model: model.__name__)
def test_the_machine_keys_have_the_c_collation(db, model):
    collations = column_collations(model._meta.db_table)
    for field in KEYS[model]:
        column = model._meta.get_field(field).column
        assert collations[column] == KEY_COLLATION, (model.__name__, column)


def test_keys_are_still_found_and_told_apart_exactly(db):
    """Equal only when every byte is: an identity differing in case or accent is another."""
    cluster = ClusterFactory(product="Knitwear", place="Ludhiana")
    stakeholder = StakeholderFactory(name="Ōshima Works")
    assert Cluster.objects.get(identity_key=cluster.identity_key) == cluster
    assert Cluster.objects.get(slug=cluster.slug) == cluster
    assert not Cluster.objects.filter(identity_key=cluster.identity_key.upper()).exists()
    assert Stakeholder.objects.get(identity_key=stakeholder.identity_key) == stakeholder
    assert Stakeholder.objects.get(slug=stakeholder.slug) == stakeholder
