"""A cluster's identity key and slug, and the retired slugs they are checked against,
compared byte by byte on PostgreSQL (common.key_collation)."""

from django.db import migrations

from common.key_collation import key_collation


class Migration(migrations.Migration):
    dependencies = [("clusters", "0016_local_names")]

    operations = [
        key_collation("clusters.Cluster", "identity_key", "slug"),
        key_collation("clusters.RetiredClusterSlug", "slug"),
    ]
