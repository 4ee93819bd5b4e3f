"""manage.py generate_scale_data --clusters N --stakeholders M --relationships R --seed S"""

import time

from django.core.management.base import BaseCommand, CommandError

from stakeholders import scale_data


class Command(BaseCommand):
    help = (
        "Fill the registry with synthetic data at national scale for measuring it: N clusters "
        "(agency 'Synthetic data', most published, figures giving every classification), M "
        "stakeholders of the five kinds spread over them by a Zipf law (some clusters have "
        "thousands), each a member of its cluster, and R relationships between members of "
        "the same cluster. Written with PostgreSQL COPY (refuses to run on any other "
        "database); deterministic for a seed; every record's source says "
        "'synthetic (generate_scale_data seed S)'. No history rows are written for the "
        "generated records (they are bulk-loaded, not edited). Runs into a registry without "
        "synthetic data only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clusters", type=int, default=10_000)
        parser.add_argument("--stakeholders", type=int, default=1_000_000)
        parser.add_argument("--relationships", type=int, default=5_000_000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, clusters, stakeholders, relationships, seed, verbosity, **options):
        if min(clusters, stakeholders, relationships) < 0 or clusters == 0:
            raise CommandError("--clusters must be positive; the other counts not negative.")
        log = self.stdout.write if verbosity > 1 else None
        started = time.perf_counter()
        try:
            report = scale_data.generate(
                clusters=clusters,
                stakeholders=stakeholders,
                relationships=relationships,
                seed=seed,
                log=log,
            )
        except (scale_data.NotPostgreSQL, scale_data.AlreadyGenerated) as exc:
            raise CommandError(str(exc)) from None
        elapsed = time.perf_counter() - started
        if verbosity:
            self.stdout.write(
                f"generated {report.clusters:,} clusters ({report.figures:,} figures), "
                f"{report.stakeholders:,} stakeholders ({report.memberships:,} memberships), "
                f"{report.relationships:,} relationships in {elapsed:.1f} s "
                f"(biggest cluster {report.biggest[0]}: {report.biggest[1]:,} members)"
            )
            self.stdout.write("  " + ", ".join(f"{k} {v:.1f} s" for k, v in report.timings.items()))
