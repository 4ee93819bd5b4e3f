"""A background job and the errors it found."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.importing import row_error_text
from common.models import TimeStampedModel

from .choices import FINISHED_STATES, ExportKind, JobKind, JobState


def current_language():
    """Return the active language ('' for none): a job's messages are written in the
    language of the page that asked for it, since a worker has no request of its own."""
    return translation.get_language() or ""


class Job(TimeStampedModel):
    """One piece of work done by a worker for a user: who asked, what, how far, the outcome.

    The rows validated and written while it runs are published in the cache (jobs.progress),
    since the import writes them inside its own transaction; these fields keep the last
    figures once the job ends. The outcome (`created`... or the errors) is written in the
    same transaction as the import itself, so a job killed half-way leaves neither.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="jobs",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=JobKind.choices)
    file_format = models.CharField(_("file holds"), max_length=20, blank=True)
    file_path = models.CharField(_("stored file"), max_length=500, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    # An export's filters: the query string of the list it was asked from (`q=silk&kind=…`).
    filters = models.TextField(_("filters"), blank=True)
    # When jobs.services.jobs_prune removed the job's file (the row is kept, the page says so).
    file_removed = models.DateTimeField(_("file removed"), null=True, blank=True)
    # A check of a big upload (the preview: validated and counted, nothing written), which
    # the user then confirms into the import itself (`confirmed_as`).
    dry_run = models.BooleanField(_("check only"), default=False)
    confirmed_as = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=JobState.choices, default=JobState.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    total = models.PositiveIntegerField(_("rows in all"), default=0)
    validated = models.PositiveIntegerField(_("rows validated"), default=0)
    written = models.PositiveIntegerField(_("rows written"), default=0)
    started = models.DateTimeField(_("started"), null=True, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    change_set_id = models.CharField(_("change set"), max_length=64, blank=True)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    message = models.TextField(_("message"), blank=True)
    language = models.CharField(
        _("language"), max_length=15, blank=True, default=current_language, editable=False
    )

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["user", "-created"], name="job_user_created")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.filename or ''} ({self.get_state_display()})"

    def get_absolute_url(self):
        return reverse("jobs:job_detail", args=[self.pk])

    @property
    def is_finished(self):
        """Return whether the job has ended (done, failed or interrupted)."""
        return self.state in FINISHED_STATES

    def export_kind_label(self):
        """Return what an export job writes, in words ("Stakeholders")."""
        if self.file_format in ExportKind.values:
            return ExportKind(self.file_format).label
        return self.file_format

    def summary(self):
        """Return the outcome line: 'created N, updated N, unchanged N' (in the active
        language: the job list shows it)."""
        return gettext("created %(created)s, updated %(updated)s, unchanged %(unchanged)s") % {
            "created": self.created_count,
            "updated": self.updated_count,
            "unchanged": self.unchanged_count,
        }


class JobError(models.Model):
    """One error of a job's file: the row (header = 1), the column and the message."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="errors")
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=200)
    message = models.TextField(_("message"))

    class Meta:
        ordering = ["job", "id"]

    def __str__(self):
        return row_error_text(row=self.row, column=self.column, message=self.message)
