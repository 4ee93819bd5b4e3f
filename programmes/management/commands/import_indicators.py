"""manage.py import_indicators FILE [--dry-run]"""

from common.importing import ImportCommand
from programmes.imports import IndicatorImporter


class Command(ImportCommand):
    help = (
        "Create or update indicator measurements from a CSV or XLSX file in the indicator "
        "format (one row per cluster, indicator and year). Every invalid row is reported as "
        "'row N, COLUMN: message' and nothing is written."
    )
    importer_class = IndicatorImporter
    import_reason = "import_indicators"
