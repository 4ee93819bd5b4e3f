"""Where study documents are kept: a private directory the web server never serves; the
documents leave it only through a permission-checked view."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class StudyDocumentStorage(FileSystemStorage):
    """The files under settings.REGISTRY_STUDY_DOCUMENT_DIR, read at each use (so a test or
    a deployment can move it), with no public URL."""

    @property
    def base_location(self):
        return settings.REGISTRY_STUDY_DOCUMENT_DIR

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Study documents have no public URL: serve them through the view.")


def study_document_storage():
    """Return the private storage of study documents."""
    return StudyDocumentStorage()
