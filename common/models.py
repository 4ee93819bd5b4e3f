"""The abstract base every registry model shares."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Record when a row was created and last changed."""

    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class ImportFingerprint(models.Model):
    """What the last import of a row read and the stored record it left (common.fingerprints).

    One per row identity and importer: a digest of the row's cells as read (`cells`), of
    its identity (for duplicates in a file) and of the record it writes (`record`, shared
    by the rows of a stakeholder in several clusters), the record's id (and a scope such
    as its cluster) and an md5 of the record as stored just after (`state`). A later row
    with the same cells whose record still has that state is unchanged, unread.
    """

    pk = models.CompositePrimaryKey("importer", "identity")
    importer = models.CharField(max_length=40)
    identity = models.BinaryField(max_length=16)
    cells = models.BinaryField(max_length=16)
    record = models.BinaryField(max_length=16)
    record_id = models.BigIntegerField()
    scope_id = models.BigIntegerField(null=True)
    state = models.CharField(max_length=32)

    class Meta:
        indexes = [models.Index(fields=["importer", "cells"], name="import_fingerprint_cells")]

    def __str__(self):
        return f"{self.importer} row {self.identity.hex()}"
