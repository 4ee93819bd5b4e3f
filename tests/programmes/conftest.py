"""Study documents written by the tests go to a temporary directory."""

import pytest


@pytest.fixture(autouse=True)
def _study_documents_in_tmp(settings, tmp_path):
    settings.REGISTRY_STUDY_DOCUMENT_DIR = str(tmp_path / "study-documents")
