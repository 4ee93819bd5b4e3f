"""Import throughput: stakeholder rows per second, validation and history included.

Run against PostgreSQL (make bench does):
    scripts/with-postgres sh -c '.venv/bin/python manage.py migrate -v0 && \
        .venv/bin/python -m bench.import_bench --rows 100000'
It generates a stakeholder file of N rows over 200 clusters (not timed), imports it through
the same importer the command and the upload use (timed), then imports it again (the
all-unchanged path), and prints rows per second and the peak resident memory.
"""

import argparse
import csv
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from clusters.imports import ClusterImporter  # noqa: E402
from common.history import change_set  # noqa: E402
from stakeholders.imports import StakeholderImporter  # noqa: E402

KINDS = [
    ("enterprise", "manufacturer"),
    ("supplier", "raw_material"),
    ("institution", "training"),
    ("association", "industry_association"),
    ("bds_provider", "consultancy"),
]
CLUSTERS = 200


def write_files(directory, rows):
    """Write a cluster file and a stakeholder file of `rows` rows; return their paths."""
    clusters = Path(directory) / "clusters.csv"
    with clusters.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["product", "place", "state", "cluster_type", "enterprise_count"])
        for number in range(CLUSTERS):
            writer.writerow(
                [
                    f"Bench product {number}",
                    f"Bench place {number}",
                    "Gujarat",
                    "industrial",
                    100 + number,
                ]
            )
    stakeholders = Path(directory) / "stakeholders.csv"
    with stakeholders.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "name",
                "kind",
                "role",
                "cluster_product",
                "cluster_place",
                "cluster_state",
                "website",
                "source",
            ]
        )
        for number in range(rows):
            kind, role = KINDS[number % len(KINDS)]
            cluster = number % CLUSTERS
            writer.writerow(
                [
                    f"Bench stakeholder {number}",
                    kind,
                    role,
                    f"Bench product {cluster}",
                    f"Bench place {cluster}",
                    "Gujarat",
                    f"https://example.org/{number}",
                    "benchmark",
                ]
            )
    return clusters, stakeholders


def peak_mib():
    """Return the process's peak resident memory in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        clusters, stakeholders = write_files(directory, args.rows)
        ClusterImporter().run(clusters)
        before = peak_mib()
        for label in ("first import (creates)", "re-import (unchanged)"):
            started = time.perf_counter()
            with change_set(reason="benchmark"):
                result = StakeholderImporter().run(stakeholders, reason="benchmark")
            elapsed = time.perf_counter() - started
            assert not result.errors, result.errors[:3]
            print(
                f"{label}: {args.rows:,} rows in {elapsed:.2f} s = "
                f"{args.rows / elapsed:,.0f} rows/s ({result.summary()})"
            )
        print(f"peak resident memory: {peak_mib():.0f} MiB (before the imports: {before:.0f} MiB)")


if __name__ == "__main__":
    main()
