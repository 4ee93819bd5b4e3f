"""The abstract models of the review a record goes through, shared by clusters and
development initiatives (common.revisions runs their lifecycle).

- `AbstractRevision`: a change an agency editor proposed to a published record, kept as
  plain data until a curator approves, returns or its author withdraws it.
- `AbstractReview`: one step of a record's publication workflow (submitted, approved...).

Each concrete model adds the foreign key to the record it revises or reviews, names it in
`record_field`, and keeps its own table, constraints and history.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import TimeStampedModel


class RevisionState(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ReviewAction(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted for review")
    APPROVED = "approved", _("Approved and published")
    REJECTED = "rejected", _("Returned to draft")
    ARCHIVED = "archived", _("Archived")
    RESTORED = "restored", _("Restored to draft")


def author_field(**options):
    """Return the foreign key to who proposed a revision (a model may set its db_column)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", **options
    )


def reviewer_field(**options):
    """Return the foreign key to the curator who decided on a revision."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        **options,
    )


class AbstractRevision(TimeStampedModel):
    """A change an agency editor proposed to a published record, waiting for a curator.

    `changes` holds what to apply as plain data (the app's revisions module says which
    sections); `base_version` is the record's version when it was proposed or last amended.
    An editor has at most one pending revision per record: editing again amends it.
    """

    State = RevisionState
    # The name of the concrete model's foreign key to the record it revises.
    record_field = None

    author = author_field()
    state = models.CharField(
        _("state"), max_length=20, choices=RevisionState, default=RevisionState.PENDING
    )
    changes = models.JSONField(_("proposed changes"), default=dict)
    base_version = models.PositiveIntegerField(
        _("base version"), help_text=_("The version of the record the change was made on")
    )
    comment = models.TextField(_("curator's comment"), blank=True)
    reviewer = reviewer_field()
    reviewed = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-updated", "-id"]

    def __str__(self):
        return f"{self.record}: {self.get_state_display()} (#{self.pk})"

    @property
    def record(self):
        """Return the record this revision changes."""
        return getattr(self, self.record_field)

    @property
    def record_id(self):
        """Return the id of the record this revision changes (without reading it)."""
        return getattr(self, f"{self.record_field}_id")

    @property
    def is_pending(self):
        """Return whether the revision still waits for a curator."""
        return self.state == RevisionState.PENDING


class AbstractReview(models.Model):
    """One step of a record's publication workflow: submitted, approved, rejected..."""

    Action = ReviewAction

    action = models.CharField(_("action"), max_length=20, choices=ReviewAction)
    comment = models.TextField(_("comment"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-created", "-id"]
