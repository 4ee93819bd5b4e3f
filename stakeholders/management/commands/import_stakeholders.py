"""manage.py import_stakeholders FILE [--dry-run]"""

from common.importing import ImportCommand
from stakeholders.imports import StakeholderImporter


class Command(ImportCommand):
    help = (
        "Create or update stakeholders from a CSV or XLSX file in the stakeholders format. "
        "Every invalid row is reported as 'row N, COLUMN: message' and nothing is written."
    )
    importer_class = StakeholderImporter
    import_reason = "import_stakeholders"
