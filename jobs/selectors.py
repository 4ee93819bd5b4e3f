"""Reads of jobs: a user's jobs, one job, its progress; interrupted jobs noticed on read."""

import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.permissions import VIEW

from .choices import JobState
from .models import Job
from .permissions import job_policy
from .progress import progress_read


def job_list(*, user):
    """Return the jobs `user` may see, newest first (their own; a curator's: all)."""
    return job_policy.instances_user_has_permission_for(user, VIEW).select_related("user")


def job_progress(*, job):
    """Return where `job` is: rows validated and written, the total, the percentage, the
    seconds elapsed; the published figures while it runs, the kept ones after."""
    published = progress_read(job) if job.state == JobState.RUNNING else None
    validated = published["validated"] if published else job.validated
    written = published["written"] if published else job.written
    total = job.total
    if job.state == JobState.DONE:
        validated = written = max(validated, written, total)
    # Every row is validated, then written: both halves count towards the bar.
    steps = 2 * total
    done = min(validated, total) + min(written, total)
    percent = 100 if job.state == JobState.DONE else (int(100 * done / steps) if steps else 0)
    end = job.finished or timezone.now()
    elapsed = (end - job.started).total_seconds() if job.started else 0
    if job.state != JobState.RUNNING:
        phase = job.get_state_display()
    elif validated < total:
        phase = _("validating the rows")
    else:  # written in bulk: the count of rows written moves chunk by chunk
        phase = _("writing the rows")
    return {
        "phase": str(phase),
        "id": str(job.pk),
        "state": job.state,
        "state_label": job.get_state_display(),
        "validated": validated,
        "written": written,
        "total": total,
        "steps": steps,
        "done": done if job.state != JobState.DONE else steps,
        "percent": percent,
        "elapsed": round(elapsed, 1),
        "finished": job.is_finished,
    }


def job_is_stale(job, *, now=None):
    """Return whether `job` is marked running but its worker has not reported lately."""
    if job.state != JobState.RUNNING:
        return False
    now = time.time() if now is None else now
    published = progress_read(job)
    last = published["beat"] if published else (job.started or job.updated).timestamp()
    return now - last > settings.REGISTRY_JOB_STALE_SECONDS


def jobs_mark_interrupted(jobs):
    """Mark as interrupted those of `jobs` (running) whose worker is gone; return them.

    Gone: no heartbeat for REGISTRY_JOB_STALE_SECONDS, and (on PostgreSQL) the job's row
    no longer locked by the worker's transaction (a live worker holds the lock).
    """
    stale = [job for job in jobs if job_is_stale(job)]
    if not stale:
        return jobs
    with transaction.atomic():
        free = set(
            Job.objects.select_for_update(skip_locked=True)
            .filter(pk__in=[job.pk for job in stale], state=JobState.RUNNING)
            .values_list("pk", flat=True)
        )
        if free:
            Job.objects.filter(pk__in=free).update(
                state=JobState.INTERRUPTED,
                finished=timezone.now(),
                message=_(
                    "the worker running this job stopped before it finished; "
                    "nothing of it was written"
                ),
                updated=timezone.now(),
            )
    for job in stale:
        if job.pk in free:
            job.refresh_from_db()
    return jobs
