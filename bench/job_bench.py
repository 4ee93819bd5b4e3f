"""Job throughput: a stakeholder file imported by `manage.py import_stakeholders` and by a
background job (as an upload above REGISTRY_JOB_ROWS becomes), rows per second of each.

Run against PostgreSQL:
    scripts/with-postgres sh -c '.venv/bin/python manage.py migrate -v0 && \
        .venv/bin/python bench/job_bench.py --rows 100000'
It writes (not timed) --clusters clusters and imports them, then two stakeholder files of
--rows rows each over those clusters (different names, so both create every row): the first
through the command, the second through a job queued for a curator and run by
`manage.py db_worker --batch`, each in its own process. The job is timed by its own clock
(started to finished) and by the worker process's wall time.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.import_bench import write_clusters, write_stakeholders  # noqa: E402


def run(command, env):
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return time.monotonic() - started, done.stdout.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--clusters", type=int, default=1_000)
    args = parser.parse_args()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench",
        "REGISTRY_UPLOAD_MAX_ROWS": str(max(args.rows, 200_000)),
        "REGISTRY_UPLOAD_MAX_CELLS": str(args.rows * 15),
    }
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from jobs import services
    from jobs.models import Job

    with tempfile.TemporaryDirectory() as directory:
        clusters = Path(directory) / "clusters.csv"
        write_clusters(clusters, args.clusters)
        run(["import_clusters", str(clusters)], env)
        first, second = Path(directory) / "first.csv", Path(directory) / "second.csv"
        write_stakeholders(first, args.rows, args.clusters)
        write_stakeholders(second, args.rows, args.clusters)
        text = second.read_text().replace("Bench stakeholder ", "Job stakeholder ")
        second.write_text(text)

        seconds, output = run(["import_stakeholders", str(first)], env)
        print(f"import_stakeholders: {output}; {seconds:.1f} s, {args.rows / seconds:,.0f} rows/s")

        curator, _ = get_user_model().objects.get_or_create(
            username="bench-curator", defaults={"is_staff": True, "is_superuser": True}
        )
        queued = Path(directory) / "queued.csv"
        shutil.copy(second, queued)
        job = services.job_upload_create(
            user=curator,
            file_format="stakeholders",
            path=queued,
            filename="stakeholders.csv",
            total=args.rows,
        )
        wall, _output = run(["db_worker", "--batch", "--no-reload", "--no-startup-delay"], env)
        job = Job.objects.get(pk=job.pk)
        own = (job.finished - job.started).total_seconds()
        print(
            f"job ({job.state}): {job.summary()}; {own:.1f} s by the job's clock, "
            f"{args.rows / own:,.0f} rows/s; worker process {wall:.1f} s, "
            f"{args.rows / wall:,.0f} rows/s"
        )


if __name__ == "__main__":
    main()
