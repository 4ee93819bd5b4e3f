"""manage.py rebuild_network_summaries: recompute the kept network summary of every cluster."""

import time

from django.core.management.base import BaseCommand

from stakeholders.network.summary import network_summaries_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the network summary (actors, links, density, isolated, absent kinds, "
        "unlinked enterprises) that the cluster exports read, for every cluster. Run it "
        "after loading networks by other means than the registry's services."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = network_summaries_rebuild()
        self.stdout.write(
            f"rebuilt {count} network summaries in {time.perf_counter() - started:.1f} s"
        )
