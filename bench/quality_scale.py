"""The curators' data-quality desk at national scale (issue 13): time each list on a
synthetic registry (default 10,000 clusters, 1,000,000 stakeholders).

    scripts/with-postgres .venv/bin/python bench/quality_scale.py

Migrates, loads SCALE_CLUSTERS / SCALE_STAKEHOLDERS / SCALE_RELATIONSHIPS (relationships do
not matter here: 10,000 by default) with `manage.py generate_scale_data` unless synthetic
data is there already, then prints, for the desk's summary and each list (first page) and
its CSV export, the time of one request after an untimed warm-up and its number of SQL
queries; the duplicate stakeholders in the state with the most stakeholders. Not part of
`make bench` (its name does not end in _bench): the data takes minutes to generate.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "quality-bench-" + "x" * 50)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from clusters import accounts  # noqa: E402
from clusters.models import Agency, Region  # noqa: E402
from stakeholders import scale_data  # noqa: E402
from workspace.quality import CHECKS  # noqa: E402

CLUSTERS = int(os.environ.get("SCALE_CLUSTERS", "10000"))
STAKEHOLDERS = int(os.environ.get("SCALE_STAKEHOLDERS", "1000000"))
RELATIONSHIPS = int(os.environ.get("SCALE_RELATIONSHIPS", "10000"))


def load():
    agency = Agency.objects.filter(slug=scale_data.AGENCY_SLUG).first()
    if agency is not None and agency.clusters.exists():
        return
    started = time.perf_counter()
    call_command(
        "generate_scale_data",
        clusters=CLUSTERS,
        stakeholders=STAKEHOLDERS,
        relationships=RELATIONSHIPS,
        verbosity=1,
    )
    print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)


def timed(client, url):
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    client.get(url)  # warm-up
    queries.clear()
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        response = client.get(url)
        if response.streaming:
            size = len(b"".join(response.streaming_content))
        else:
            size = len(response.content)
    assert response.status_code == 200, (url, response.status_code)
    return time.perf_counter() - started, len(queries), size


def main():
    call_command("migrate", verbosity=0)
    load()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    user = accounts.curator_create(
        username=f"quality-bench-{time.time_ns()}", password="x" * 20, email="q@example.org"
    )
    client = Client()
    client.force_login(user)
    biggest = Region.objects.annotate(n=Count("stakeholders")).order_by("-n").values("slug", "n")[0]
    print(f"state with most stakeholders: {biggest['slug']} ({biggest['n']:,})")
    urls = [("summary", "/manage/quality/")]
    for name in CHECKS:
        extra = f"&state={biggest['slug']}" if CHECKS[name].needs_state else ""
        urls.append((f"{name}", f"/manage/quality/?list={name}{extra}"))
        urls.append((f"{name} CSV", f"/manage/quality/?export={name}{extra}"))
    urls.append(("summary, one state", f"/manage/quality/?state={biggest['slug']}"))
    print(f"{'what':<34} {'time':>10} {'queries':>8} {'bytes':>12}")
    for what, url in urls:
        seconds, queries, size = timed(client, url)
        print(f"{what:<34} {seconds * 1000:>7,.0f} ms {queries:>8} {size:>12,}", flush=True)


if __name__ == "__main__":
    main()
