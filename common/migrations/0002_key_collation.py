"""The importer's name in the fingerprints' two indexes compared byte by byte on
PostgreSQL (common.key_collation)."""

from django.db import migrations

from common.key_collation import key_collation


class Migration(migrations.Migration):
    dependencies = [("common", "0001_import_fingerprint")]

    operations = [key_collation("common.ImportFingerprint", "importer")]
