"""manage.py classify_clusters"""

from django.core.management.base import BaseCommand

from clusters.services import clusters_reclassify
from common.history import change_set


class Command(BaseCommand):
    help = "Recompute the classification of every cluster from its figures and the benchmarks."

    def handle(self, *args, **options):
        with change_set(reason="classify_clusters"):
            changed = clusters_reclassify()
        self.stdout.write(f"reclassified: {changed} cluster(s) changed")
