"""The importers a job may run, by the format of the file."""

from clusters.imports import ClusterImporter
from programmes.imports import IndicatorImporter
from stakeholders.imports import RelationshipImporter, StakeholderImporter

IMPORTERS = {
    "clusters": ClusterImporter,
    "stakeholders": StakeholderImporter,
    "relationships": RelationshipImporter,
    "indicators": IndicatorImporter,
}


def importer_for(file_format, *, user):
    """Return the importer of `file_format` for `user` (agency editors are scoped)."""
    return IMPORTERS[file_format](user=user)
