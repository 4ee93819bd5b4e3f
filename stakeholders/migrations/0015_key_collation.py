"""A stakeholder's identity key and slug, and the retired slugs they are checked against,
compared byte by byte on PostgreSQL (common.key_collation)."""

from django.db import migrations

from common.key_collation import key_collation


class Migration(migrations.Migration):
    dependencies = [("stakeholders", "0014_local_names")]

    operations = [
        key_collation("stakeholders.Stakeholder", "identity_key", "slug"),
        key_collation("stakeholders.RetiredStakeholderSlug", "slug"),
    ]
