"""Writes of jobs: create and enqueue them, run them (in a worker), retry them.

A job is enqueued once its row is committed (Django's tasks framework, stored in the
database by django-tasks-db), and run by whichever worker claims it first. Running marks
it `running` (committed at once, so the page shows it), then does the work and records the
outcome in one transaction that also holds the job's row locked: a worker killed half-way
leaves neither the work nor an outcome, and the lock says, on PostgreSQL, that the worker
is alive for as long as it holds it (jobs.selectors.jobs_mark_interrupted).
"""

import contextlib
import logging
import shutil
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clusters.permissions import cluster_policy
from clusters.services import clusters_reclassify
from common.history import change_set
from common.permissions import IMPORT, is_curator
from common.tabular import TableError, iter_csv_records, open_table

from .choices import FINISHED_STATES, ExportKind, JobKind, JobState
from .exports import export_records, export_values, filter_query
from .imports import IMPORTERS, importer_for
from .models import Job, JobError
from .progress import Progress

logger = logging.getLogger(__name__)
ERROR_BATCH = 5000
# A list's filters are a few words and names; more is no list's query string.
MAX_FILTERS_LENGTH = 4000


def job_dir():
    """Return the private folder of the files that jobs import."""
    path = Path(settings.REGISTRY_UPLOAD_DIR) / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def table_row_count(path, *, file_format):
    """Return how many rows an import of the file at `path` would read (0 if unreadable)."""
    importer = IMPORTERS[file_format]
    try:
        with open_table(path, required=importer.required, known=importer.columns) as stream:
            return sum(1 for _item in stream)
    except TableError:
        return 0


def _enqueue(job):
    """Enqueue the job's task once the job's row is committed."""
    from .tasks import run_job

    def enqueue():
        result = run_job.enqueue(str(job.pk))
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id))

    transaction.on_commit(enqueue)


@transaction.atomic
def job_upload_create(*, user, file_format, path, filename, total, dry_run=False):
    """Make a queued job importing the file at `path` for `user` (or, with `dry_run`,
    checking it: the preview); the file moves to the jobs' folder (out of reach of the
    pending uploads' clean-up). Return the job."""
    if file_format not in IMPORTERS:
        raise ValueError(f"unknown file format {file_format!r}")
    job_id = uuid.uuid4()
    stored = job_dir() / str(job_id)
    shutil.move(str(path), stored)
    job = Job(
        id=job_id,
        user=user,
        kind=JobKind.UPLOAD,
        file_format=file_format,
        file_path=str(stored),
        filename=filename,
        reason=f"upload {filename}",
        total=total,
        dry_run=dry_run,
    )
    job.full_clean()
    job.save()
    _enqueue(job)
    return job


@transaction.atomic
def job_reclassify_create(*, user, reason, cluster_types=None):
    """Make a queued job recomputing the classification of the clusters of
    `cluster_types` (all when None). Return the job."""
    from clusters.models import Cluster

    clusters = Cluster.objects.all()
    if cluster_types is not None:
        clusters = clusters.filter(cluster_type__in=list(cluster_types))
    job = Job(
        user=user,
        kind=JobKind.RECLASSIFY,
        reason=reason[:300],
        file_format=",".join(sorted(cluster_types)) if cluster_types is not None else "",
        total=clusters.count(),
    )
    job.full_clean()
    job.save()
    _enqueue(job)
    return job


@transaction.atomic
def job_export_create(*, user, kind=ExportKind.CLUSTERS, filters=""):
    """Make a queued job writing the `kind` records `user` may see (their agency's
    unpublished ones too), kept by the list filters of the query string `filters`, as a CSV
    file of the public export's columns, to download from the job's page. Return the job.

    Raise a ValidationError (every invalid filter, "name: message") and make no job when a
    filter is invalid; a ValueError for an unknown kind."""
    kind = ExportKind(kind)
    query = filter_query(filters)
    if len(query) > MAX_FILTERS_LENGTH:
        raise ValidationError(
            _("filters: more than %(limit)s characters") % {"limit": MAX_FILTERS_LENGTH}
        )
    total = export_values(kind, user=user, query=query).count()
    job = Job(
        user=user,
        kind=JobKind.EXPORT,
        file_format=kind,
        filters=query,
        filename=f"{kind}-{timezone.localdate().isoformat()}.csv",
        reason=f"export of the {kind}",
        total=total,
    )
    job.full_clean()
    job.save()
    _enqueue(job)
    return job


def may_export(user):
    """Return whether `user` may ask for an export job (agency editors and curators)."""
    return cluster_policy.user_has_permission(user, IMPORT)


def export_path(job):
    """Return where an export job's file is kept."""
    return job_dir() / f"export-{job.pk}.csv"


def reclassification(*, user, reason):
    """Return the `reclassify` of clusters.services.benchmark_save / benchmark_delete for
    `user`: up to REGISTRY_JOB_ROWS clusters are reclassified at once (it returns how many
    changed), more by a job (it returns the job, queued once the benchmark is committed)."""
    from clusters.models import Cluster

    def reclassify(*, cluster_types):
        clusters = Cluster.objects.filter(cluster_type__in=cluster_types)
        if clusters.count() <= settings.REGISTRY_JOB_ROWS:
            return clusters_reclassify(queryset=clusters)
        return job_reclassify_create(user=user, reason=reason, cluster_types=cluster_types)

    return reclassify


@transaction.atomic
def job_confirm(*, job, user):
    """Queue the import of the file that the check `job` found valid; return the new job.

    Only the user who uploaded it confirms, once (the check gives its file to the import).
    """
    claimed = Job.objects.filter(
        pk=job.pk,
        user=user,
        dry_run=True,
        state=JobState.DONE,
        error_count=0,
        confirmed_as=None,
    ).exclude(file_path="")
    if not claimed.select_for_update().exists():
        raise ValueError("this check cannot be confirmed (again)")
    imported = Job(
        user=user,
        kind=JobKind.UPLOAD,
        file_format=job.file_format,
        file_path=job.file_path,
        filename=job.filename,
        reason=job.reason,
        total=job.total,
    )
    imported.full_clean()
    imported.save()
    Job.objects.filter(pk=job.pk).update(confirmed_as=imported, updated=timezone.now())
    _enqueue(imported)
    return imported


def job_retry(*, job):
    """Queue an interrupted or failed job again (its file is still kept); return it."""
    if job.state not in (JobState.INTERRUPTED, JobState.FAILED) or job.error_count:
        raise ValueError("only an interrupted or failed job without row errors is retried")
    if job.file_removed:
        raise ValueError("the job's file was removed (jobs_prune): ask for it again")
    with transaction.atomic():
        updated = Job.objects.filter(pk=job.pk, state=job.state).update(
            state=JobState.QUEUED,
            validated=0,
            written=0,
            started=None,
            finished=None,
            message="",
            updated=timezone.now(),
        )
        if updated:
            _enqueue(job)
    job.refresh_from_db()
    return job


def job_run(*, job_id):
    """Run a queued job (in a worker): mark it running, do the work, record the outcome."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started=now, updated=now, attempts=F("attempts") + 1
    )
    if not claimed:  # already run, or retried and run by another task
        logger.warning("job %s is not queued: not run", job_id)
        return
    job = Job.objects.get(pk=job_id)
    with translation.override(job.language or None):
        _job_do(job_id, job)


def _job_do(job_id, job):
    """Do a claimed job's work and record its outcome (in the job's language)."""
    try:
        with Progress(job) as progress, transaction.atomic():
            job = Job.objects.select_for_update().get(pk=job_id)
            if job.kind == JobKind.UPLOAD:
                _run_upload(job, progress)
            elif job.kind == JobKind.EXPORT:
                _run_export(job, progress)
            else:
                _run_reclassify(job, progress)
            job.validated, job.written = progress.validated, progress.written
            job.finished = timezone.now()
            job.save()
    except Exception as exc:
        Job.objects.filter(pk=job_id).update(
            state=JobState.FAILED,
            finished=timezone.now(),
            message=_failure_message(exc),
            updated=timezone.now(),
        )
        if not isinstance(exc, PermissionDenied):
            raise
        return
    if job.state == JobState.DONE and job.kind == JobKind.UPLOAD and not job.dry_run:
        Path(job.file_path).unlink(missing_ok=True)


def _failure_message(exc):
    if isinstance(exc, PermissionDenied):
        return str(exc) or _("you may no longer import files")
    return _(
        "the job stopped on an unexpected error (%(error)s); retry it or ask an administrator"
    ) % {"error": type(exc).__name__}


def _job_user(job):
    """Return the job's user as the database has them now (their rights re-checked)."""
    if job.user_id is None:
        raise PermissionDenied(_("the user who asked for this job no longer exists"))
    user = get_user_model().objects.get(pk=job.user_id)
    if not user.is_active:
        raise PermissionDenied(_("the user who asked for this job is no longer active"))
    return user


def _run_upload(job, progress):
    user = _job_user(job)
    if not cluster_policy.user_has_permission(user, IMPORT):
        raise PermissionDenied(_("only agency editors and curators may import files"))
    importer = importer_for(job.file_format, user=user)
    result = importer.run(
        job.file_path, user=user, reason=job.reason, progress=progress, dry_run=job.dry_run
    )
    job.error_count, job.error_rows = result.error_count, result.error_rows
    if result.error_count:
        job.state = JobState.FAILED
        job.message = "; ".join(result.warnings)
        batch = []
        for error in result.iter_errors():
            batch.append(
                JobError(job=job, row=error.row, column=error.column, message=error.message)
            )
            if len(batch) >= ERROR_BATCH:
                JobError.objects.bulk_create(batch)
                batch = []
        JobError.objects.bulk_create(batch)
        return
    job.state = JobState.DONE
    job.created_count, job.updated_count = result.created, result.updated
    job.unchanged_count = result.unchanged
    job.change_set_id = str(result.change_set_id)
    job.message = "; ".join(result.warnings)


def _run_export(job, progress):
    """Write the records the user may see now (rights re-checked), kept by the job's
    filters, to the job's file: written under another name and renamed at the end, so that
    a killed worker leaves no half file (and a failed one removes its part)."""
    user = _job_user(job)
    if not may_export(user):
        raise PermissionDenied(_("only agency editors and curators may export"))
    try:
        columns, records = export_records(
            job.file_format or ExportKind.CLUSTERS, user=user, query=job.filters
        )
    except ValidationError as exc:  # a filter named what is gone (a cluster deleted)
        job.state = JobState.FAILED
        job.message = _("nothing exported: a filter is no longer valid: %(errors)s") % {
            "errors": "; ".join(exc.messages)
        }
        return
    path = export_path(job)
    partial = path.with_suffix(".partial")
    counted = _Counted(records, progress)
    try:
        with partial.open("w", encoding="utf-8", newline="") as handle:
            handle.write("\ufeff")  # Excel reads the file as UTF-8, as the public downloads
            for piece in iter_csv_records(counted, columns):
                handle.write(piece)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    progress(validated=counted.rows, written=counted.rows)
    job.file_path = str(path)
    job.total = job.created_count = counted.rows
    job.state = JobState.DONE


class _Counted:
    """Iterate `records`, reporting to `progress` every 1,000 of them."""

    def __init__(self, records, progress):
        self.records, self.progress, self.rows = records, progress, 0

    def __iter__(self):
        for record in self.records:
            self.rows += 1
            if self.rows % 1000 == 0:
                self.progress(validated=self.rows, written=self.rows)
            yield record


def _run_reclassify(job, progress):
    from clusters.models import Cluster

    user = _job_user(job) if job.user_id else None
    if user is not None and not is_curator(user):
        raise PermissionDenied(_("only curators reclassify every cluster"))
    clusters = Cluster.objects.all()
    if job.file_format:
        clusters = clusters.filter(cluster_type__in=job.file_format.split(","))
    with change_set(user=user, reason=job.reason or "reclassify (job)"):
        changed = clusters_reclassify(queryset=clusters)
    progress(validated=job.total, written=job.total)
    job.state = JobState.DONE
    job.updated_count = changed
    job.unchanged_count = max(0, job.total - changed)


# Keeping the files of jobs ------------------------------------------------------------------


@dataclass(frozen=True)
class RemovedFile:
    """A file that jobs_prune removed: its path, and the job it was kept for (or None for
    the part of an export whose worker was killed)."""

    path: str
    job: Job | None


def _prunable(now):
    """Return the jobs whose files are past keeping at `now`: the checks never confirmed
    (finished for REGISTRY_JOB_CHECK_KEEP_HOURS) and the exports (REGISTRY_JOB_EXPORT_KEEP_DAYS)."""
    checks = Job.objects.filter(
        kind=JobKind.UPLOAD,
        dry_run=True,
        confirmed_as=None,
        state__in=FINISHED_STATES,
        created__lt=now - timedelta(hours=settings.REGISTRY_JOB_CHECK_KEEP_HOURS),
    )
    exports = Job.objects.filter(
        kind=JobKind.EXPORT,
        state__in=FINISHED_STATES,
        created__lt=now - timedelta(days=settings.REGISTRY_JOB_EXPORT_KEEP_DAYS),
    )
    return (checks | exports).exclude(file_path="")


def jobs_prune(*, now=None):
    """Remove the files of the unconfirmed checks and the exports past keeping (see
    _prunable), and the parts of exports left by a killed worker for as long; keep the jobs,
    marked `file_removed` (their pages say the file expired). Return the RemovedFiles."""
    now = now or timezone.now()
    with transaction.atomic():
        # Locked, so a check confirmed meanwhile (job_confirm) keeps the file it was given.
        jobs = list(_prunable(now).select_for_update(skip_locked=True).order_by("created"))
        Job.objects.filter(pk__in=[job.pk for job in jobs]).update(
            file_path="", file_removed=now, updated=now
        )
    removed = []
    for job in jobs:
        Path(job.file_path).unlink(missing_ok=True)
        removed.append(RemovedFile(job.file_path, job))
    cutoff = (now - timedelta(hours=settings.REGISTRY_JOB_CHECK_KEEP_HOURS)).timestamp()
    for partial in sorted(job_dir().glob("export-*.partial")):
        with contextlib.suppress(FileNotFoundError):
            if partial.stat().st_mtime < cutoff:
                partial.unlink()
                removed.append(RemovedFile(str(partial), None))
    return removed
