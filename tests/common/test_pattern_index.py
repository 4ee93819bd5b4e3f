"""The imported tables carry no pattern index beside their unique slug (common.pattern_index):
a slug is only looked up whole, and each imported row would pay a write into it."""

import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL adds the pattern indexes"
)


@pytest.mark.parametrize("table", ["clusters_cluster", "stakeholders_stakeholder"])
def test_the_slug_has_its_unique_index_only(db, table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
            [table, "%(slug%"],
        )
        indexes = cursor.fetchall()
    assert len(indexes) == 1, indexes
    assert "UNIQUE" in indexes[0][1] and "pattern_ops" not in indexes[0][1]
