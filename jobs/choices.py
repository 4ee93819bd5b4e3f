"""The choices of a job's fields."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    """What a job does."""

    UPLOAD = "upload", _("Upload")
    RECLASSIFY = "reclassify", _("Reclassification")
    EXPORT = "export", _("Export")


class ExportKind(models.TextChoices):
    """What an export job writes (kept in the job's `file_format`)."""

    CLUSTERS = "clusters", _("Clusters")
    STAKEHOLDERS = "stakeholders", _("Stakeholders")
    RELATIONSHIPS = "relationships", _("Relationships")


class JobState(models.TextChoices):
    """Where a job is: queued, running, then done or failed; interrupted if its worker died."""

    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")
    INTERRUPTED = "interrupted", _("interrupted")


FINISHED_STATES = (JobState.DONE, JobState.FAILED, JobState.INTERRUPTED)
