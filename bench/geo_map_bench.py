"""Geographic map page: time /clusters/map/ of every cluster at national scale, cold and warm.

Run against a migrated database (PostgreSQL here; it migrates nothing):
    scripts/with-postgres sh -c '.venv/bin/python manage.py migrate -v0 && \
        .venv/bin/python bench/geo_map_bench.py'
With fewer published clusters than --clusters (default 10,000), it first runs
`generate_scale_data --clusters N --stakeholders 0 --relationships 0` (its clusters have
coordinates; not timed). Then it GETs the map with Django's test Client and the page cache
off, so every request renders: cold (the first request of the process: boundaries read and
projected, filter options and regions read) and warm (each later one), for the map of all
clusters by number and by employment and for one state; and /healthz for the ratio.
Goal (issue 14): the map of all clusters under 300 ms warm.
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
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from clusters.choices import PublicationStatus  # noqa: E402
from clusters.models import Cluster  # noqa: E402

GOAL_SECONDS = 0.3


def get(client, url):
    """GET `url`; return (seconds, queries, size in bytes)."""
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, len(queries), len(response.content)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20, help="warm requests to time")
    args = parser.parse_args()
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    published = Cluster.objects.filter(status=PublicationStatus.PUBLISHED)
    if published.count() < args.clusters and not Cluster.objects.exists():
        call_command(
            "generate_scale_data",
            clusters=args.clusters,
            stakeholders=0,
            relationships=0,
            seed=1,
        )
    total = published.count()
    located = published.filter(latitude__isnull=False).count()
    print(f"{total:,} published clusters, {located:,} with coordinates; load {os.getloadavg()}")
    cache.clear()
    client = Client()
    urls = [
        "/clusters/map/",
        "/clusters/map/?measure=employment",
        "/clusters/map/?state=gujarat&cluster_type=industrial",
    ]
    cold = get(client, urls[0])
    print(f"cold  {urls[0]}: {cold[0] * 1000:.0f} ms, {cold[1]} queries, {cold[2]:,} bytes")
    health = [get(client, "/healthz")[0] for _ in range(args.repeat)]
    health_p50 = statistics.median(health)
    worst = 0.0
    for url in urls:
        times, queries, size = [], 0, 0
        for _ in range(args.repeat):
            elapsed, queries, size = get(client, url)
            times.append(elapsed)
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        if url == urls[0]:
            worst = p50
        print(
            f"warm  {url}: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms "
            f"({p50 / health_p50:.0f}x /healthz), {queries} queries, {size:,} bytes"
        )
    print(f"/healthz p50 {health_p50 * 1000:.1f} ms")
    verdict = "met" if worst < GOAL_SECONDS else "NOT met"
    print(f"goal: the map of all clusters under {GOAL_SECONDS * 1000:.0f} ms warm: {verdict}")


if __name__ == "__main__":
    main()
