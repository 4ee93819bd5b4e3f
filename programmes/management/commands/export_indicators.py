"""manage.py export_indicators [--format csv|json] [--initiatives]"""

import json
import sys

from django.core.management.base import BaseCommand

from common.tabular import write_csv
from programmes.exports import (
    INITIATIVE_EXPORT_COLUMNS,
    MEASUREMENT_EXPORT_COLUMNS,
    initiative_export_rows,
    measurement_export_rows,
)
from programmes.models import IndicatorMeasurement, Initiative


def _json_default(value):
    return str(value)


class Command(BaseCommand):
    help = (
        "Write every indicator measurement to standard output in the indicator import format "
        "(import_indicators reads it back unchanged); with --initiatives, the initiatives."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument(
            "--initiatives", action="store_true", help="export the initiatives instead"
        )

    def handle(self, *args, **options):
        # An operator's export: every record, as export_clusters writes drafts too.
        if options["initiatives"]:
            rows, columns = (
                initiative_export_rows(Initiative.objects.all()),
                INITIATIVE_EXPORT_COLUMNS,
            )
        else:
            rows = measurement_export_rows(IndicatorMeasurement.objects.all())
            columns = MEASUREMENT_EXPORT_COLUMNS
        out = self.stdout._out if hasattr(self.stdout, "_out") else sys.stdout
        if options["format"] == "json":
            json.dump(list(rows), out, ensure_ascii=False, indent=1, default=_json_default)
            out.write("\n")
        else:
            write_csv(rows, columns, out)
