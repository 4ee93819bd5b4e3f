"""manage.py import_clusters FILE [--dry-run] [--agency SLUG] [--status STATUS]"""

from django.core.management.base import CommandError

from clusters.choices import PublicationStatus
from clusters.imports import ClusterImporter
from clusters.models import Agency
from common.importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Create or update clusters from a CSV or XLSX file in the cluster format. "
        "Every invalid row is reported as 'row N, COLUMN: message' and nothing is written."
    )
    import_reason = "import_clusters"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--agency", help="slug of the agency that owns new clusters")
        parser.add_argument(
            "--status",
            default=PublicationStatus.PUBLISHED,
            choices=PublicationStatus.values,
            help="publication status of new clusters (default: published)",
        )

    def build_importer(self, options):
        agency = None
        if options["agency"]:
            agency = Agency.objects.filter(slug=options["agency"]).first()
            if agency is None:
                raise CommandError(f"no agency with the slug '{options['agency']}'")
        return ClusterImporter(agency=agency, status=options["status"])
