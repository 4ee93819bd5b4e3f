"""Stakeholder map page: time /clusters/<slug>/map/ for a big cluster, cold and warm.

Run against a migrated database (PostgreSQL here; it migrates nothing):
    scripts/with-postgres sh -c '.venv/bin/python manage.py migrate -v0 && \
        .venv/bin/python bench/map_bench.py'
or, reading an existing cluster of a database only (the national-scale one):
    DATABASE_URL=... DJANGO_DEBUG=0 .venv/bin/python bench/map_bench.py --slug <slug>
It generates a synthetic published cluster of 5,000 stakeholders and 20,000 relationships
(bench/network_bench.py's generator: bulk_create, not timed; reused when it exists), then
GETs its map page with Django's test Client: cold (the network's cache version bumped
first, so the graph is read, measured, laid out and drawn again) and warm (the layout and
measures cached). It also times the filtered map and the network files. Goals (issue 11):
the cold page under 2 s, the warm one under 100 ms, under 1.5 MB. A cluster this big is
drawn as its REGISTRY_MAP_MAX_STAKEHOLDERS best-linked stakeholders.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.network_bench import generate  # noqa: E402
from clusters.models import Cluster  # noqa: E402
from stakeholders.network.map import map_max_stakeholders  # noqa: E402
from stakeholders.network.measures import cluster_graph, network_cache_invalidate  # noqa: E402

GOAL_SECONDS = 2.0
WARM_GOAL_SECONDS = 0.1
WEIGHT_GOAL_BYTES = 1_500_000


def get(client, url):
    """GET `url`; return (seconds, CPU seconds of this process, queries, size in bytes).

    The CPU time leaves out the database server's work and time lost to other jobs on a
    shared machine; the elapsed time is what a reader waits."""
    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, cpu, len(queries), len(body)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stakeholders", type=int, default=5000)
    parser.add_argument("--relationships", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5, help="cold and warm requests to time")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--slug",
        help="time this existing cluster instead (reads only: for the shared national-scale "
        "database, whose cache here is this process's own)",
    )
    args = parser.parse_args()

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if args.slug:
        cluster = Cluster.objects.get(slug=args.slug)
    else:
        cluster = generate(actors=args.stakeholders, links=args.relationships, seed=args.seed)
    connection.ensure_connection()
    client = Client()
    url = reverse("clusters:cluster_map", kwargs={"slug": cluster.slug})

    graph = cluster_graph(cluster)
    print(
        f"network: {graph.number_of_nodes():,} stakeholders, {graph.number_of_edges():,} "
        f"relationships; the map draws at most {map_max_stakeholders():,} of them"
    )

    client.get(url)  # imports the URLs and compiles the templates: not the map's work
    cold, warm, warm_cpu = [], [], []
    for run in range(1, args.repeat + 1):
        network_cache_invalidate(cluster.pk)  # as after a write: everything is redone
        seconds, cpu, queries, size_map = get(client, url)
        cold.append(seconds)
        print(
            f"cold run {run}: {seconds:.3f} s (CPU {cpu:.3f} s), {queries} queries, "
            f"{size_map / 1024:.0f} KiB"
        )
    for _run in range(args.repeat):
        seconds, cpu, queries, size = get(client, url)
        warm.append(seconds)
        warm_cpu.append(cpu)
    print(
        f"warm: median {statistics.median(warm) * 1000:.0f} ms (CPU "
        f"{statistics.median(warm_cpu) * 1000:.0f} ms), {queries} queries, {size / 1024:.0f} KiB"
    )
    for label, address in (
        ("filtered cold (?relationship=supplies)", url + "?relationship=supplies"),
        ("filtered cold (?kind=enterprise&kind=supplier)", url + "?kind=enterprise&kind=supplier"),
    ):
        seconds, cpu, queries, size = get(client, address)
        print(
            f"{label}: {seconds:.3f} s (CPU {cpu:.3f} s), {queries} queries, {size / 1024:.0f} KiB"
        )
    for name in (
        "cluster_graphml",
        "cluster_graph_json",
        "cluster_relationships_csv",
        "cluster_measures_json",
    ):
        address = reverse(f"clusters:{name}", kwargs={"slug": cluster.slug})
        seconds, cpu, queries, size = get(client, address)
        print(
            f"{address}: {seconds:.3f} s (CPU {cpu:.3f} s), {queries} queries, "
            f"{size / 1024:.0f} KiB"
        )
    best, median = min(cold), statistics.median(cold)
    warm_median = statistics.median(warm)
    print(
        f"cold map page: best {best:.3f} s, median {median:.3f} s; goal < {GOAL_SECONDS} s "
        f"{'met' if median < GOAL_SECONDS else 'MISSED'}; warm median "
        f"{warm_median * 1000:.0f} ms, goal < {WARM_GOAL_SECONDS * 1000:.0f} ms "
        f"{'met' if warm_median < WARM_GOAL_SECONDS else 'MISSED'}; page "
        f"{size_map / 1024:.0f} KiB, goal < {WEIGHT_GOAL_BYTES / 1024:.0f} KiB "
        f"{'met' if size_map < WEIGHT_GOAL_BYTES else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
