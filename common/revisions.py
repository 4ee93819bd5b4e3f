"""The lifecycle of a proposed revision, whatever record it revises (common.revision_models).

An agency editor's change to a published record waits for a curator: the app's write paths
turn it into plain data and call `revision_propose`; the author may `revision_withdraw` it,
a curator `revision_return` it with a comment or `revision_approve` it, which applies it
through the app's own services in one change set naming proposer and approver.

The apps (clusters.revisions, programmes.revisions) keep what only they know, the sections
of their changes: how two sets of changes merge, how to apply them and how to show them,
and pass those functions in. Nothing here reads or writes a record's own tables.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .history import change_set
from .permissions import is_curator
from .revision_models import RevisionState

State = RevisionState
REVIEW_FIELDS = ["state", "comment", "reviewer", "reviewed", "updated"]


def is_empty(changes):
    """Return whether `changes` changes nothing."""
    return not any(changes.values())


def merge_by(key):
    """Return a merge of two lists of dicts where a later entry with the same key wins."""

    def merge(old, new):
        merged = {key(entry): entry for entry in old}
        merged.update((key(entry), entry) for entry in new)
        return list(merged.values())

    return merge


def _of_record(model, record):
    return {model.record_field: record}


# Propose, withdraw, return, approve -------------------------------------------------------


def pending_revision(*, model, user, record):
    """Return `user`'s pending revision (a `model`) of `record`, or None."""
    return model.objects.filter(
        **_of_record(model, record), author=user, state=State.PENDING
    ).first()


@transaction.atomic
def revision_propose(*, model, user, record, changes, merge, replace=()):
    """Keep `changes` to `record` by `user` as a pending revision (a `model`), amending the
    one the user has pending there with `merge(old, new)`; return it (None when `changes`
    change nothing).

    The sections named in `replace` take the place of the pending ones instead of amending
    them (an edit form shows the pending values, so what it sends is the whole of them).
    A revision left with nothing to change is withdrawn."""
    changes = {name: value for name, value in changes.items() if value}
    revision = (
        model.objects.select_for_update()
        .filter(**_of_record(model, record), author=user, state=State.PENDING)
        .first()
    )
    if revision is None:
        if is_empty(changes):
            return None
        revision = model(
            **_of_record(model, record), author=user, changes={}, base_version=record.version
        )
    kept = {name: value for name, value in revision.changes.items() if name not in replace}
    revision.changes = merge(kept, changes)
    if revision.pk is not None and is_empty(revision.changes):
        revision.state = State.WITHDRAWN
    revision.full_clean(exclude=["changes"], validate_constraints=False)
    revision.save()
    return revision


@transaction.atomic
def revision_withdraw(*, user, revision):
    """Withdraw `user`'s own pending revision."""
    if revision.author_id != user.pk:
        raise PermissionDenied(_("Only its author can withdraw a proposed change."))
    require_pending(revision)
    revision.state = State.WITHDRAWN
    revision.save(update_fields=["state", "updated"])
    return revision


@transaction.atomic
def revision_return(*, curator, revision, comment):
    """Return a pending revision to its author with the curator's `comment` (required)."""
    require_curator(curator)
    require_pending(revision)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say why the change is returned.")})
    revision.state, revision.comment = State.RETURNED, comment
    revision.reviewer, revision.reviewed = curator, timezone.now()
    revision.save(update_fields=REVIEW_FIELDS)
    return revision


@transaction.atomic
def revision_approve(*, curator, revision, apply, comment=""):
    """Apply a pending revision with `apply(record=..., changes=..., curator=...)` (the
    app's services, the record locked), in one change set that names who proposed it and
    who approved it; return the revision."""
    require_curator(curator)
    model = type(revision)
    revision = model.objects.select_for_update().get(pk=revision.pk)
    require_pending(revision)
    record_model = model._meta.get_field(model.record_field).related_model
    record = record_model.objects.select_for_update().get(pk=revision.record_id)
    reason = _("revision #%(id)s proposed by %(author)s, approved by %(curator)s") % {
        "id": revision.pk,
        "author": revision.author.get_username(),
        "curator": curator.get_username(),
    }
    with change_set(user=curator, reason=reason):
        apply(record=record, changes=revision.changes, curator=curator)
    revision.state, revision.comment = State.APPROVED, (comment or "").strip()
    revision.reviewer, revision.reviewed = curator, timezone.now()
    revision.save(update_fields=REVIEW_FIELDS)
    return revision


class RevisionLifecycle:
    """The lifecycle of one model's revisions: the functions above with the model, the
    merge of its changes and the apply of them bound once (an app's revisions module)."""

    def __init__(self, *, model, merge, apply, related=()):
        self.model, self.merge, self.apply, self.related = model, merge, apply, related

    def pending_revision(self, *, user, record):
        return pending_revision(model=self.model, user=user, record=record)

    def propose(self, *, user, record, changes, replace=()):
        return revision_propose(
            model=self.model,
            user=user,
            record=record,
            changes=changes,
            merge=self.merge,
            replace=replace,
        )

    def approve(self, *, curator, revision, comment=""):
        return revision_approve(
            curator=curator, revision=revision, apply=self.apply, comment=comment
        )

    def pending_revisions(self):
        return pending_revisions(model=self.model, related=self.related)


def require_curator(user):
    """Refuse anyone but a curator."""
    if not is_curator(user):
        raise PermissionDenied(_("Only a curator can review proposed changes."))


def require_pending(revision):
    """Refuse a revision already decided or withdrawn."""
    if revision.state != State.PENDING:
        raise ValidationError(
            _("This change is %(state)s already.") % {"state": revision.get_state_display()}
        )


# Reads ------------------------------------------------------------------------------------


def pending_revisions(*, model, related=()):
    """Return the pending revisions (`model`s), oldest first, with their author and the
    `related` objects their pages show."""
    return (
        model.objects.filter(state=State.PENDING)
        .select_related(model.record_field, *related, "author")
        .order_by("updated", "pk")
    )


def revisions_of(record):
    """Return the revisions of `record`, newest first, with their authors and reviewers."""
    return record.revisions.select_related("author", "reviewer").order_by("-updated", "-pk")


def is_stale(revision, record=None):
    """Return whether the record changed since the revision was made (or last amended)."""
    record = record or revision.record
    return revision.base_version != record.version


def display_value(field, value, objects=None):
    """Return `value` of `field` (a model field; foreign keys as ids or objects) as text
    for a diff: "—" when blank, a foreign key's object (from `objects` {id: object} when
    given, else read), a choice's label, yes or no."""
    if value in (None, "", []):
        return "—"
    if field.is_relation:
        if isinstance(value, models.Model):
            obj = value
        elif objects is not None:
            obj = objects.get(value)
        else:
            obj = field.related_model.objects.filter(pk=value).first()
        return str(obj) if obj else "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)
