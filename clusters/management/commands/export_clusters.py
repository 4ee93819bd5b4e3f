"""manage.py export_clusters [--format csv|json] [FILTER=VALUE ...]"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from clusters.exports import cluster_export_rows, export_columns
from clusters.filtersets import ClusterFilterSet
from clusters.selectors import cluster_export_list
from common.tabular import write_csv


def _json_default(value):
    return str(value)


class Command(BaseCommand):
    help = (
        "Write clusters to standard output in the cluster format plus slug and classification; "
        "filters as on the public list, e.g. state=west-bengal cluster_type=handloom."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("filters", nargs="*", metavar="FILTER=VALUE")

    def handle(self, *args, **options):
        query = QueryDict(mutable=True)
        for item in options["filters"]:
            name, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"'{item}' is not FILTER=VALUE")
            query.appendlist(name, value)
        unknown = sorted(set(query) - set(ClusterFilterSet.base_filters))
        if unknown:
            raise CommandError("unknown filter(s): " + ", ".join(unknown))
        filterset = ClusterFilterSet(query, queryset=cluster_export_list(published_only=False))
        if not filterset.is_valid():
            raise CommandError("invalid filter: " + "; ".join(filterset.error_messages()))
        rows = cluster_export_rows(filterset.qs)
        out = self.stdout._out if hasattr(self.stdout, "_out") else sys.stdout
        if options["format"] == "json":
            json.dump(list(rows), out, ensure_ascii=False, indent=1, default=_json_default)
            out.write("\n")
        else:
            write_csv(rows, export_columns(), out)
