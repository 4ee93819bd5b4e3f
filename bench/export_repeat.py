"""The cluster export, timed many times: median and best rows/s of /clusters/export.csv.

On a shared machine one download's time says little; this repeats it (EXPORT_REPEAT, 9,
after one untimed) in this process through Django's test Client with DJANGO_DEBUG=0 and
the page cache off, and prints the load average with the figures. Run it against a
database with data (e.g. the one `manage.py generate_scale_data` filled):
    DATABASE_URL=... .venv/bin/python bench/export_repeat.py
Not part of `make bench` (its throwaway database is empty).
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ["PUBLIC_PAGE_CACHE_SECONDS"] = "0"

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

REPEAT = int(os.environ.get("EXPORT_REPEAT", "9"))
URL = os.environ.get("EXPORT_URL", "/clusters/export.csv")


def download(client):
    """Return (rows, seconds) of one streamed download of URL."""
    started = time.perf_counter()
    response = client.get(URL)
    assert response.status_code == 200, response.status_code
    lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
    return lines - 1, time.perf_counter() - started


def main():
    client = Client()
    download(client)
    load_before = os.getloadavg()[0]
    runs = [download(client) for _ in range(REPEAT)]
    rows = runs[0][0]
    times = [seconds for _rows, seconds in runs]
    median, best = statistics.median(times), min(times)
    print(
        f"{URL}: {rows:,} rows; median {median * 1000:.0f} ms = {rows / median:,.0f} rows/s, "
        f"best {best * 1000:.0f} ms = {rows / best:,.0f} rows/s ({REPEAT} runs); load average "
        f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    )


if __name__ == "__main__":
    main()
