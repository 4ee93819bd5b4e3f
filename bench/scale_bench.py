"""National scale (issue 11): load a synthetic registry and time every public page on it.

`make bench-scale` runs it against a throwaway PostgreSQL (scripts/with-postgres); it
migrates, loads SCALE_CLUSTERS / SCALE_STAKEHOLDERS / SCALE_RELATIONSHIPS (default 10,000 /
1,000,000 / 5,000,000, seed SCALE_SEED) with `manage.py generate_scale_data` unless synthetic
data is there already, then prints one table:

- every public page, filter, search, deep page, the biggest cluster's profile and map, the
  statistics and the API: p50 / p95 of SCALE_REPEAT (5) requests after one untimed warm-up
  (whose SQL queries are counted), through Django's test Client in this process with
  DJANGO_DEBUG=0;
- both CSV exports: rows/s of one streamed download;
- the three import commands: SCALE_IMPORT_CLUSTERS (10,000) new clusters, SCALE_IMPORT_ROWS
  (100,000) stakeholders of the synthetic clusters and relationships between them, each
  created then re-imported unchanged: rows/s of the command (Django's start-up apart) and
  its peak resident memory;
- req/s of a few pages against gunicorn (config/gunicorn.py, DEBUG off, 2 workers) with wrk
  (Debian's `wrk`; a Python threaded client if it is missing) for SCALE_LOAD_SECONDS (10),
  as a share of /healthz in the same run (SCALE_LOAD=0 skips it; SCALE_EXPORTS=stakeholders times one export only);
- with SCALE_EXPLAIN=1, EXPLAIN (ANALYZE, BUFFERS) of the slowest query of each page over
  150 ms.

Not part of `make bench` (bench/__main__.py skips it by name): at full scale it takes many
minutes. A quick run: SCALE_CLUSTERS=200 SCALE_STAKEHOLDERS=20000 SCALE_RELATIONSHIPS=100000.
"""

import csv
import gc
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
# Pages are timed doing their work (page cache off); gunicorn's load run serves them cached.
LOAD_PAGE_CACHE_SECONDS = os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "600")
os.environ["PUBLIC_PAGE_CACHE_SECONDS"] = "0"
os.environ.setdefault("DJANGO_SECRET_KEY", "scale-bench-" + "x" * 50)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from clusters.models import Agency, Cluster  # noqa: E402
from stakeholders import scale_data  # noqa: E402
from stakeholders.models import Relationship, Stakeholder  # noqa: E402

ENV = os.environ.get
CLUSTERS = int(ENV("SCALE_CLUSTERS", "10000"))
STAKEHOLDERS = int(ENV("SCALE_STAKEHOLDERS", "1000000"))
RELATIONSHIPS = int(ENV("SCALE_RELATIONSHIPS", "5000000"))
SEED = int(ENV("SCALE_SEED", "1"))
REPEAT = int(ENV("SCALE_REPEAT", "5"))
IMPORT_ROWS = int(ENV("SCALE_IMPORT_ROWS", "100000"))
IMPORT_CLUSTERS = int(ENV("SCALE_IMPORT_CLUSTERS", "10000"))
LOAD_SECONDS = int(ENV("SCALE_LOAD_SECONDS", "10"))
LOAD = ENV("SCALE_LOAD", "1") != "0"
EXPORTS = ENV("SCALE_EXPORTS", "clusters,stakeholders").split(",")
EXPLAIN = ENV("SCALE_EXPLAIN", "0") != "0"
ROWS = []
SLOWEST = []


def row(what, p50="", p95="", queries="", note=""):
    ROWS.append((what, p50, p95, queries, note))
    print(f"  {what}: {p50} {p95} {queries} {note}", file=sys.stderr, flush=True)


def ms(seconds):
    return f"{seconds * 1000:,.0f} ms"


def load():
    agency = Agency.objects.filter(slug=scale_data.AGENCY_SLUG).first()
    if agency is not None and agency.clusters.exists():
        return "synthetic data already present: not generated"
    started = time.perf_counter()
    call_command(
        "generate_scale_data",
        clusters=CLUSTERS,
        stakeholders=STAKEHOLDERS,
        relationships=RELATIONSHIPS,
        seed=SEED,
        verbosity=1,
    )
    return f"generated in {time.perf_counter() - started:.0f} s"


AUTOVACUUM_WAIT_SECONDS = 300


def wait_for_autovacuum():
    """Wait (at most AUTOVACUUM_WAIT_SECONDS) until no autovacuum worker is running, and
    say how long: after millions of rows are generated, autovacuum vacuums and analyzes the
    big tables on one of the machine's two cores for a minute or so, which measured
    whatever ran meanwhile (the first load run read 42% of /healthz instead of 124%)."""
    started = time.perf_counter()
    while time.perf_counter() - started < AUTOVACUUM_WAIT_SECONDS:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'"
            )
            (running,) = cursor.fetchone()
        if not running:
            return f"autovacuum idle after {time.perf_counter() - started:.0f} s"
        time.sleep(2)
    return f"autovacuum still running after {AUTOVACUUM_WAIT_SECONDS} s: measuring anyway"


def time_pages(pages):
    client = Client()
    # As each gunicorn worker does once the app is loaded (config/gunicorn.py): what is
    # loaded so far is left out of the garbage collector's full passes, which would otherwise
    # land on whichever request is being timed.
    gc.collect()
    gc.freeze()
    for what, url in pages:
        queries = []

        def count(execute, sql, params, many, context, queries=queries):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries.append((time.perf_counter() - started, sql, params))

        # Not CaptureQueriesContext: the connection is closed after each request (CONN_MAX_AGE
        # 0), which empties its log; the wrapper stays on the connection object.
        started = time.perf_counter()
        with connection.execute_wrapper(count):
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if response.streaming:
            b"".join(response.streaming_content)
        first = time.perf_counter() - started
        times = []
        for _ in range(REPEAT):
            started = time.perf_counter()
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
            times.append(time.perf_counter() - started)
        times = sorted(times or [first])
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        size = len(response.content) if not response.streaming else 0
        weight = f", {size / 1024:,.0f} KiB" if size > 200 * 1024 else ""
        row(
            what,
            ms(statistics.median(times)),
            ms(p95),
            len(queries),
            f"{url} (first: {ms(first)}{weight})",
        )
        if queries:
            SLOWEST.append((what, max(queries, key=lambda query: query[0])))


def explain_slowest():
    """EXPLAIN ANALYZE the slowest query of each page that took more than 150 ms."""
    for what, (seconds, sql, params) in SLOWEST:
        if seconds < 0.15:
            continue
        print(f"\n### {what}: slowest query {ms(seconds)}\n\n{sql}\n")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            for (line,) in cursor.fetchall():
                print("    " + line)


def rss_mib():
    """Return this process's resident memory now (VmRSS), in MiB."""
    with open("/proc/self/status") as status:
        return int(re.search(r"VmRSS:\s+(\d+)", status.read()).group(1)) / 1024


def time_export(what, url):
    client = Client()
    before = peak = rss_mib()
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, url
    lines = 0
    size = 0
    for number, chunk in enumerate(
        response.streaming_content if response.streaming else [response.content]
    ):
        lines += chunk.count(b"\n")
        size += len(chunk)
        if number % 50 == 0:
            peak = max(peak, rss_mib())
    elapsed = time.perf_counter() - started
    rows = max(lines - 1, 0)
    row(
        what,
        f"{elapsed:.1f} s",
        "",
        "",
        f"{rows:,} rows = {rows / elapsed:,.0f} rows/s, {size / 2**20:.0f} MiB; resident memory "
        f"{before:,.0f} MiB before, at most {max(peak, rss_mib()):,.0f} MiB while streaming",
    )


def _import_bench():
    """Return bench/import_bench.py as a module (its file writers and timed command)."""
    sys.path.insert(0, str(ROOT / "bench"))
    import import_bench

    return import_bench


def _cluster_file(path, clusters):
    """Write the existing `clusters` as a cluster file (re-imported: every row unchanged)."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["product", "place", "state", "country", "cluster_type"])
        for cluster in clusters:
            state = cluster.region.name if cluster.region else ""
            writer.writerow(
                [cluster.product, cluster.place, state, cluster.country, cluster.cluster_type]
            )


def _member_files(directory, clusters):
    """Write IMPORT_ROWS new stakeholders spread over `clusters` and as many relationships
    between them (each with the stakeholder len(clusters) further on: the same cluster)."""
    kinds = [("enterprise", "manufacturer"), ("supplier", "raw_material")]
    stakeholders, relationships = directory / "stakeholders.csv", directory / "relationships.csv"
    where = [(c.product, c.place, c.region.name if c.region else "", c.country) for c in clusters]
    with stakeholders.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["name", "kind", "role", "cluster_product", "cluster_place", "cluster_state",
             "cluster_country", "source"]
        )  # fmt: skip
        for number in range(IMPORT_ROWS):
            kind, role = kinds[number % len(kinds)]
            writer.writerow(
                [f"Scale import {number}", kind, role, *where[number % len(where)], "scale bench"]
            )
    with relationships.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["source_name", "source_kind", "target_name", "target_kind", "relationship",
             "cluster_product", "cluster_place", "cluster_state", "cluster_country", "since"]
        )  # fmt: skip
        span = len(where)
        for number in range(IMPORT_ROWS - span):
            target = number + span
            writer.writerow(
                [
                    f"Scale import {number}",
                    kinds[number % len(kinds)][0],
                    f"Scale import {target}",
                    kinds[target % len(kinds)][0],
                    "supplies",
                    *where[number % span],
                    "2015",
                ]
            )
    return stakeholders, relationships, IMPORT_ROWS - span


def time_import():
    """Time the three importers as the command runs them, each in its own process (its own
    time, Django's start-up apart) with its peak memory: IMPORT_CLUSTERS new clusters, then
    IMPORT_ROWS new stakeholders of 200 existing clusters and relationships between them,
    each created then re-imported unchanged; and the first 2,000 generated clusters
    re-imported (unchanged, read the whole way: nothing imported them, so no fingerprint)."""
    bench = _import_bench()
    clusters = list(Cluster.objects.select_related("region").order_by("pk")[:2000])
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "REGISTRY_UPLOAD_MAX_ROWS": str(max(IMPORT_ROWS, IMPORT_CLUSTERS, 200_000)),
        "REGISTRY_UPLOAD_MAX_CELLS": str(max(IMPORT_ROWS, IMPORT_CLUSTERS, 200_000) * 15),
    }
    with tempfile.TemporaryDirectory() as directory:
        directory = Path(directory)
        bench.write_clusters(directory / "new-clusters.csv", IMPORT_CLUSTERS)
        _cluster_file(directory / "clusters.csv", clusters)
        stakeholders, relationships, links = _member_files(directory, clusters[:200])
        runs = [
            ("import_clusters", directory / "new-clusters.csv", IMPORT_CLUSTERS, ["creates", "unchanged"]),
            ("import_clusters", directory / "clusters.csv", len(clusters), ["unchanged, unread"]),
            ("import_stakeholders", stakeholders, IMPORT_ROWS, ["creates", "unchanged"]),
            ("import_relationships", relationships, links, ["creates", "unchanged"]),
        ]  # fmt: skip
        for command, path, rows, labels in runs:
            for label in labels:
                timed = bench.time_command(command, path, rows, env)
                row(
                    f"{command} {rows:,} rows ({label})",
                    f"{timed.seconds:.1f} s",
                    "",
                    "",
                    f"{rows / timed.seconds:,.0f} rows/s (start-up {timed.startup:.1f} s apart), "
                    f"peak {timed.peak:,.0f} MiB ({timed.summary}){timed.cpu_split(rows)}",
                )


def time_write_ceiling(rows=5000):
    """Time what PostgreSQL alone takes to write `rows` new stakeholders (copies of existing
    ones with new names and keys, INSERT ... SELECT: no Python, no history, no membership)
    into the table as it is, without its trigram indexes, and with its primary key and
    unique keys only; each in a transaction rolled back. The ceiling of any import's
    creating rate on this machine."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'stakeholders_stakeholder' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        )
        secondary = [name for (name,) in cursor.fetchall()]
    trigram = [name for name in secondary if name.endswith("_trgm_idx")]
    variants = [
        ("with every index", []),
        ("without the trigram indexes", trigram),
        ("with its keys only", secondary),
    ]
    for label, dropped in variants:
        seconds = []
        for _attempt in range(3):
            with connection.cursor() as cursor:
                cursor.execute("BEGIN")
                try:
                    cursor.execute(
                        "CREATE TEMP TABLE ceiling_rows ON COMMIT DROP AS "
                        "SELECT * FROM stakeholders_stakeholder ORDER BY id LIMIT %s",
                        [rows],
                    )
                    cursor.execute(
                        "UPDATE ceiling_rows SET id = id + 1000000000, slug = slug || '-c', "
                        "identity_key = identity_key || '-c', name = name || ' c'"
                    )
                    for name in dropped:
                        cursor.execute(f'DROP INDEX "{name}"')
                    start = time.perf_counter()
                    cursor.execute(
                        "INSERT INTO stakeholders_stakeholder SELECT * FROM ceiling_rows"
                    )
                    seconds.append(time.perf_counter() - start)
                finally:
                    cursor.execute("ROLLBACK")
        best = min(seconds)
        row(
            f"PostgreSQL alone: {rows:,} stakeholders {label}",
            f"{best * 1000:,.0f} ms",
            "",
            "",
            f"{rows / best:,.0f} rows/s, best of 3 ({len(secondary) - len(dropped)} secondary "
            "indexes; no history, membership or Python)",
        )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def python_load(url, seconds, threads=16):
    count, stop = [0], time.monotonic() + seconds
    lock = threading.Lock()

    def work():
        while time.monotonic() < stop:
            with urllib.request.urlopen(url, timeout=60) as response:
                response.read()
            with lock:
                count[0] += 1

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return count[0] / seconds


def wrk_load(url, seconds):
    done = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "--timeout", "30s", url],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout).group(1))


def throughput(pages):
    port = free_port()
    env = {**os.environ, "PORT": str(port), "WEB_CONCURRENCY": "2", "DJANGO_DEBUG": "0"}
    env.setdefault("DJANGO_CONN_MAX_AGE", "60")
    # As `make serve`: the workers share a file cache, so the anonymous page cache is on
    # (common/page_cache.py; the pages above were timed with it off).
    cache_dir = tempfile.mkdtemp(prefix="scale-bench-cache-")
    env.setdefault("DJANGO_CACHE_BACKEND", "django.core.cache.backends.filebased.FileBasedCache")
    env.setdefault("DJANGO_CACHE_LOCATION", cache_dir)
    env["PUBLIC_PAGE_CACHE_SECONDS"] = LOAD_PAGE_CACHE_SECONDS
    env["GUNICORN_CMD_ARGS"] = "--access-logfile=/dev/null"
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--config",
            "config/gunicorn.py",
            "config.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        measure = wrk_load if shutil.which("wrk") else python_load
        tool = "wrk -t2 -c16" if shutil.which("wrk") else "python, 16 threads"
        healthz = measure(base + "/healthz", LOAD_SECONDS)
        row(
            "req/s /healthz",
            f"{healthz:,.0f}/s",
            "",
            "",
            f"gunicorn 2 workers x 4 threads, {tool}, {LOAD_SECONDS} s",
        )
        for what, url in pages:
            rate = measure(base + url, LOAD_SECONDS)
            # Let the server finish the requests still queued before the next measurement.
            urllib.request.urlopen(base + url, timeout=600).read()
            row(
                f"req/s {what}",
                f"{rate:,.1f}/s",
                "",
                "",
                f"{100 * rate / healthz:.2f}% of /healthz",
            )
    finally:
        shutil.rmtree(cache_dir, ignore_errors=True)
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main():
    started = time.perf_counter()
    uptime_before = os.getloadavg()
    call_command("migrate", verbosity=0)
    print(load(), flush=True)
    print(wait_for_autovacuum(), flush=True)
    counts = {
        "clusters": Cluster.objects.count(),
        "stakeholders": Stakeholder.objects.count(),
        "relationships": Relationship.objects.count(),
    }
    biggest = (
        Cluster.objects.filter(status="published")
        .annotate(n=Count("memberships"))
        .order_by("-n")
        .values_list("slug", "n", "pk")
        .first()
    )
    slug, members, pk = biggest
    last_page = max(1, -(-Cluster.objects.filter(status="published").count() // 50))
    hub = (
        Stakeholder.objects.filter(memberships__cluster__slug=slug)
        .annotate(n=Count("outgoing_relationships"))
        .order_by("-n")
        .values_list("slug", flat=True)
        .first()
    )
    pages = [
        ("/", "/"),
        ("/clusters/", "/clusters/"),
        ("/clusters/?page=200", "/clusters/?page=200"),
        ("/clusters/ filter", "/clusters/?cluster_type=handloom&classification_status=potential"),
        ("/clusters/ search", "/clusters/?q=knitwear"),
        ("/clusters/ sorted by enterprises", "/clusters/?ordering=-enterprise_count"),
        ("/clusters/ last page", f"/clusters/?page={last_page}"),
        ("/stakeholders/", "/stakeholders/"),
        ("/stakeholders/?kind=bds_provider", "/stakeholders/?kind=bds_provider"),
        ("/stakeholders/ search", "/stakeholders/?q=weaver"),
        ("/stakeholders/ of the biggest cluster", f"/stakeholders/?cluster={slug}"),
        ("/stakeholders/?page=2000", "/stakeholders/?page=2000"),
        ("/relationships/", "/relationships/"),
        ("/relationships/?kind=supplies", "/relationships/?kind=supplies"),
        ("/relationships/ of the biggest cluster", f"/relationships/?cluster={slug}"),
        (f"profile ({members:,} members)", f"/clusters/{slug}/"),
        ("profile of its busiest stakeholder", f"/stakeholders/{hub}/"),
        ("map (first = cold)", f"/clusters/{slug}/map/"),
        ("/stats/", "/stats/"),
        ("/api/clusters/", "/api/clusters/"),
        ("/api/clusters/<id>/", f"/api/clusters/{pk}/"),
        ("/api/stakeholders/", "/api/stakeholders/"),
        ("/api/relationships/", "/api/relationships/"),
    ]
    time_pages(pages)
    for name in ("clusters", "stakeholders"):
        if name in EXPORTS:
            time_export(f"/{name}/export.csv", f"/{name}/export.csv")
    if LOAD:
        throughput(
            [
                ("/clusters/", "/clusters/"),
                ("profile", f"/clusters/{slug}/"),
                ("/api/clusters/", "/api/clusters/"),
                ("/api/clusters/<id>/", f"/api/clusters/{pk}/"),
            ]
        )
    if IMPORT_ROWS:
        time_import()
        time_write_ceiling()
    elapsed = time.perf_counter() - started
    print(
        f"\nscale: {counts['clusters']:,} clusters, {counts['stakeholders']:,} stakeholders, "
        f"{counts['relationships']:,} relationships; biggest published cluster {slug} "
        f"({members:,} members); DEBUG off; repeat {REPEAT}"
    )
    print()
    print("| what | p50 | p95 | queries | note |")
    print("|---|---|---|---|---|")
    for what, p50, p95, queries, note in ROWS:
        print(f"| {what} | {p50} | {p95} | {queries} | {note} |")
    if EXPLAIN:
        explain_slowest()
    load_after = os.getloadavg()
    print(
        f"\nduration {elapsed / 60:.1f} min; load average before "
        f"{uptime_before[0]:.2f} {uptime_before[1]:.2f} {uptime_before[2]:.2f}, after "
        f"{load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}"
    )


if __name__ == "__main__":
    main()
