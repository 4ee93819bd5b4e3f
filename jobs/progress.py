"""A running job's progress, published outside its transaction through a shared cache.

The import writes inside one transaction, which nobody else sees until it commits; so the
worker keeps the figures in memory (`Progress`, called by the importer per chunk) and a
thread of its own puts them in the cache every HEARTBEAT_SECONDS with the time, the
heartbeat. A job whose heartbeat stops while it is marked running lost its worker.
"""

import threading
import time

from django.core.cache import caches

HEARTBEAT_SECONDS = 1.0
KEPT_SECONDS = 7 * 24 * 3600


def progress_key(job):
    """Return the cache key of a job's progress (one per attempt, so a retry starts at 0)."""
    return f"job-progress:{job.pk}:{job.attempts}"


def progress_read(job):
    """Return the published progress of `job` ({validated, written, total, beat}) or None."""
    return caches["jobs"].get(progress_key(job))


class Progress:
    """The progress of one running job: the importer's callback and its heartbeat thread.

    Calling it only stores two numbers (the import is not slowed); the thread publishes.
    Use it as a context manager around the work.
    """

    def __init__(self, job, *, interval=HEARTBEAT_SECONDS):
        self.key = progress_key(job)
        self.total = job.total
        self.validated = self.written = 0
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"job-{job.pk}", daemon=True)

    def __call__(self, *, validated, written):
        self.validated, self.written = validated, written

    def publish(self):
        """Put the figures and the time in the cache."""
        caches["jobs"].set(
            self.key,
            {
                "validated": self.validated,
                "written": self.written,
                "total": self.total,
                "beat": time.time(),
            },
            KEPT_SECONDS,
        )

    def _beat(self):
        try:
            while not self._stop.is_set():
                self.publish()
                self._stop.wait(self._interval)
        finally:
            from django.db import connection

            connection.close()  # a cache in the database would have opened one

    def __enter__(self):
        self.publish()
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()
        self.publish()
