"""New ids for bulk inserts are drawn from the table's sequence in one statement."""

import pytest
from django.db import connection

from clusters.models import Sector
from common.bulk import draw_ids
from tests.factories import SectorFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the sequence is PostgreSQL's"
)


def test_drawn_ids_are_new_distinct_and_taken_from_the_sequence(db):
    existing = SectorFactory()
    with connection.cursor() as cursor:
        ids = draw_ids(cursor, Sector._meta.db_table, "id", 500)
        again = draw_ids(cursor, Sector._meta.db_table, "id", 3)
    assert len(ids) == len(set(ids)) == 500
    assert min(ids) > existing.pk
    assert min(again) > max(ids)  # the sequence moved past them: no later insert reuses one
    assert SectorFactory().pk > max(again)
