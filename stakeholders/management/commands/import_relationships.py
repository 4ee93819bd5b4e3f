"""manage.py import_relationships FILE [--dry-run]"""

from common.importing import ImportCommand
from stakeholders.imports import RelationshipImporter


class Command(ImportCommand):
    help = (
        "Create or update relationships from a CSV or XLSX file in the relationships format. "
        "Every invalid row is reported as 'row N, COLUMN: message' and nothing is written."
    )
    importer_class = RelationshipImporter
    import_reason = "import_relationships"
