"""Import throughput: rows per second and peak memory of the three importers.

Run against PostgreSQL (make bench does):
    scripts/with-postgres sh -c '.venv/bin/python manage.py migrate -v0 && \
        .venv/bin/python bench/import_bench.py --rows 100000'
It writes (not timed) a cluster file of --clusters clusters (10,000), a stakeholder file of
--rows rows spread over them and a relationship file of --rows rows between those
stakeholders, then runs `manage.py import_clusters`, `import_stakeholders` and
`import_relationships` on them, each twice (creating, then re-importing the unchanged file),
each in its own process, and prints rows per second and the peak resident memory of each.
The row limit of a file (REGISTRY_UPLOAD_MAX_ROWS / _CELLS) is raised to fit --rows.
"""

import argparse
import csv
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KINDS = [
    ("enterprise", "manufacturer"),
    ("supplier", "raw_material"),
    ("institution", "training"),
    ("association", "industry_association"),
    ("bds_provider", "consultancy"),
]
RELATIONSHIPS = ["supplies", "buys_from", "subcontracts_to", "trains", "collaborates"]
STATES = ["Gujarat", "Punjab", "Tamil Nadu", "Uttar Pradesh", "Maharashtra", "Karnataka"]


def cluster_of(number, clusters):
    """Return (product, place, state) of cluster `number`."""
    return f"Bench product {number}", f"Bench place {number}", STATES[number % len(STATES)]


def write_clusters(path, clusters):
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "product",
                "place",
                "state",
                "cluster_type",
                "sector",
                "enterprise_count",
                "employment",
                "annual_turnover",
                "figures_year",
                "source",
                "latitude",
                "longitude",
            ]
        )
        for number in range(clusters):
            product, place, state = cluster_of(number, clusters)
            writer.writerow(
                [
                    product,
                    place,
                    state,
                    "industrial",
                    f"Sector {number % 40}",
                    100 + number,
                    1000 + number,
                    10_000_000 + number,
                    "2021-22",
                    "benchmark",
                    "22.5",
                    "72.5",
                ]
            )


def write_stakeholders(path, rows, clusters):
    with path.open("w", newline="") as handle:
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
                "email",
                "source",
            ]
        )
        for number in range(rows):
            kind, role = KINDS[number % len(KINDS)]
            writer.writerow(
                [
                    f"Bench stakeholder {number}",
                    kind,
                    role,
                    *cluster_of(number % clusters, clusters),
                    f"https://example.org/{number}",
                    f"contact{number}@example.org",
                    "benchmark",
                ]
            )


def write_relationships(path, rows, clusters):
    """Relationships between stakeholder i and i + clusters (members of the same cluster)."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "source_name",
                "source_kind",
                "target_name",
                "target_kind",
                "relationship",
                "cluster_product",
                "cluster_place",
                "cluster_state",
                "since",
            ]
        )
        for number in range(rows):
            target = (number + clusters) % rows
            if target % clusters != number % clusters:  # wrapped round: stay in the cluster
                target = number % clusters
            if target == number:
                target = number + clusters
            writer.writerow(
                [
                    f"Bench stakeholder {number}",
                    KINDS[number % len(KINDS)][0],
                    f"Bench stakeholder {target}",
                    KINDS[target % len(KINDS)][0],
                    RELATIONSHIPS[number % len(RELATIONSHIPS)],
                    *cluster_of(number % clusters, clusters),
                    "2015",
                ]
            )


# The command timed in its own process from when Django is set up (its start-up, about a
# second, is the same for a file of ten rows: it is reported apart), and the process's
# high-water mark (VmHWM, in KiB): not getrusage's ru_maxrss, which Linux carries over exec
# from the parent (a big benchmark process would be reported instead). Also the CPU seconds
# of the command's Python and, when PostgreSQL runs on this machine (its /proc readable), of
# the server process serving its connection: how the time splits between the two.
TIMED = (
    "import os, re, sys, time\n"
    "started = time.perf_counter()\n"
    "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings')\n"
    "import django\n"
    "django.setup()\n"
    "from django.core.management import call_command\n"
    "from django.db import connection\n"
    "def server_cpu():\n"
    "    try:\n"
    "        fields = open(f'/proc/{server}/stat').read().rsplit(')', 1)[1].split()\n"
    "    except (OSError, TypeError):\n"
    "        return None\n"
    "    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')\n"
    "server = None\n"
    "if connection.vendor == 'postgresql':\n"
    "    with connection.cursor() as cursor:\n"
    "        cursor.execute('SELECT pg_backend_pid()')\n"
    "        server = cursor.fetchone()[0]\n"
    "server_before, python_before = server_cpu(), time.process_time()\n"
    "ready = time.perf_counter()\n"
    "try:\n    call_command(*sys.argv[1:])\n"
    "finally:\n"
    "    done = time.perf_counter()\n"
    "    server_after = server_cpu()\n"
    "    status = open('/proc/self/status').read()\n"
    "    print('PEAK', re.search(r'VmHWM:\\s+(\\d+)', status).group(1), file=sys.stderr)\n"
    "    print('TIME', done - ready, ready - started, file=sys.stderr)\n"
    "    print('PYTHON', time.process_time() - python_before, file=sys.stderr)\n"
    "    if server_before is not None and server_after is not None:\n"
    "        print('SERVER', server_after - server_before, file=sys.stderr)\n"
)


@dataclass
class Timed:
    """One import command's run: its own seconds, Django's start-up, summary, peak MiB, and
    the CPU seconds of its Python and of its PostgreSQL server process (None: unknown)."""

    seconds: float
    startup: float
    summary: str
    peak: float
    python_cpu: float = None
    server_cpu: float = None

    def line(self, rows):
        return (
            f"{rows:,} rows in {self.seconds:.2f} s = {rows / self.seconds:,.0f} rows/s "
            f"(+ {self.startup:.1f} s start-up), peak {self.peak:.0f} MiB ({self.summary})"
            f"{self.cpu_split(rows)}"
        )

    def cpu_split(self, rows):
        """Return ', CPU: Python N s, PostgreSQL N s (N rows/s of PostgreSQL's alone)', or
        '' when the server's share is unknown."""
        if self.server_cpu is None:
            return ""
        alone = f"{rows / self.server_cpu:,.0f}" if self.server_cpu else "-"
        return (
            f", CPU: Python {self.python_cpu:.2f} s, PostgreSQL {self.server_cpu:.2f} s "
            f"({alone} rows/s of PostgreSQL's alone)"
        )


def time_command(command, path, rows, env):
    """Run `manage.py command path` in its own process and return its `Timed`."""
    done = subprocess.run(
        [sys.executable, "-c", TIMED, command, str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.exit(f"{command} failed:\n{done.stderr[-3000:]}")
    found = {line.split()[0]: line.split()[1:] for line in done.stderr.splitlines()}
    seconds, startup = (float(value) for value in found["TIME"])
    server = found.get("SERVER")
    return Timed(
        seconds,
        startup,
        done.stdout.strip(),
        int(found["PEAK"][0]) / 1024,
        python_cpu=float(found["PYTHON"][0]),
        server_cpu=None if server is None else float(server[0]),
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--clusters", type=int, default=10_000)
    parser.add_argument("--only", default="clusters,stakeholders,relationships")
    parser.add_argument(
        "--runs", default="creates,unchanged", help="creates: the first import only"
    )
    args = parser.parse_args()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "REGISTRY_UPLOAD_MAX_ROWS": str(max(args.rows, args.clusters, 200_000)),
        "REGISTRY_UPLOAD_MAX_CELLS": str(max(args.rows, args.clusters) * 15),
    }
    wanted = args.only.split(",")
    with tempfile.TemporaryDirectory() as directory:
        files = {
            "clusters": (Path(directory) / "clusters.csv", args.clusters, write_clusters),
            "stakeholders": (Path(directory) / "stakeholders.csv", args.rows, write_stakeholders),
            "relationships": (
                Path(directory) / "relationships.csv",
                args.rows,
                write_relationships,
            ),
        }
        for name, (path, rows, write) in files.items():
            write(path, rows, args.clusters) if name != "clusters" else write(path, rows)
        for name, (path, rows, _write) in files.items():
            for label in args.runs.split(","):
                if name not in wanted:
                    continue
                timed = time_command(f"import_{name}", path, rows, env)
                print(f"import_{name} ({label}): {timed.line(rows)}", flush=True)


if __name__ == "__main__":
    main()
