"""Proposed revisions: an agency editor's change to a published cluster waits for a curator.

Every write path (site, upload, API, admin) asks `review_needed`; where it is true, the path
turns its change into plain data and calls `revision_propose` instead of the services. The
public keeps the reviewed values: nothing of a pending revision touches the cluster, so the
cached public pages are not made stale until `revision_approve` applies it, through the
same services, in one transaction and one change set that names proposer and approver.

Changes are kept in sections (ClusterRevision's docstring). This module applies and
describes the cluster's own sections (fields, figures); stakeholders registers the rest
(memberships, relationships, networks) with `register_section`, as clusters knows nothing
of stakeholders.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.history import change_set
from common.local_names import language_name
from common.permissions import is_curator

from . import services
from .choices import AMOUNT_MEASURES, Measure, PublicationStatus
from .classification import classify
from .models import Cluster, ClusterFigure, ClusterRevision, Region, Sector

State = ClusterRevision.State
FOREIGN_KEYS = {"region": Region, "sector": Sector}


# Sections registered by the apps above (stakeholders) ----------------------------------


@dataclass(frozen=True)
class RevisionSection:
    """A kind of change kept in a revision beside the cluster's own fields and figures.

    `keys` are the names of its lists in `changes`; `merge(old, new)` amends one list with
    another (both lists of dicts); `apply(cluster=..., changes=...)` writes them through the
    owning app's services; `describe(cluster=..., changes=...)` returns [(heading, [(label,
    note)])] for the diff.
    """

    keys: tuple
    merge: object
    apply: object
    describe: object


_sections = []


def register_section(section):
    """Add a section of changes that revisions keep, apply and show (stakeholders' ready())."""
    if all(existing.keys != section.keys for existing in _sections):
        _sections.append(section)


def registered_sections():
    """Return the registered sections of changes."""
    return list(_sections)


# Who must propose ----------------------------------------------------------------------


def review_needed(*, user, cluster):
    """Return whether `user`'s change to `cluster` must wait for a curator: an agency
    editor's change to a published cluster. An operator (no user) and curators write at once."""
    if user is None or not getattr(user, "is_authenticated", False) or is_curator(user):
        return False
    return (
        cluster is not None
        and cluster.pk is not None
        and cluster.status == (PublicationStatus.PUBLISHED)
    )


# Plain data of changes ------------------------------------------------------------------


def encode_value(name, value):
    """Return a field's value as JSON data (foreign keys as ids, decimals as text)."""
    if name in FOREIGN_KEYS:
        return getattr(value, "pk", value)
    if isinstance(value, Decimal):
        return str(value)
    return value


def decode_fields(fields):
    """Return the fields of a revision as values for clusters.services.cluster_update."""
    decoded = {}
    for name, value in fields.items():
        if name in FOREIGN_KEYS:
            decoded[name] = FOREIGN_KEYS[name].objects.get(pk=value) if value else None
        elif name in ("latitude", "longitude") and value not in (None, ""):
            decoded[name] = Decimal(value)
        else:
            decoded[name] = value
    return decoded


def field_changes(*, cluster, data):
    """Return {name: new value as data} for the fields of `data` that differ from `cluster`'s."""
    changes = {}
    for name, value in data.items():
        current = getattr(cluster, f"{name}_id") if name in FOREIGN_KEYS else getattr(cluster, name)
        new = encode_value(name, value)
        if encode_value(name, current) != new:
            changes[name] = new
    return changes


def figure_changes(*, values, provenance):
    """Return the figures of `values` ({measure: value}) with their provenance, as data."""
    return [
        {
            "measure": measure,
            "value": int(value),
            "year": provenance.year,
            "source": provenance.source,
            "estimated": bool(provenance.estimated),
            "currency": provenance.currency if measure in AMOUNT_MEASURES else "",
        }
        for measure, value in values.items()
        if value is not None
    ]


def _figure_key(figure):
    return (figure["measure"], figure.get("year", ""), figure.get("source", ""))


def merge_by(key):
    """Return a merge of two lists of dicts where a later entry with the same key wins."""

    def merge(old, new):
        merged = {key(entry): entry for entry in old}
        merged.update((key(entry), entry) for entry in new)
        return list(merged.values())

    return merge


def merge_changes(old, new):
    """Return the changes `old` amended by `new` (a later value of a field wins)."""
    merged = {
        "fields": {**old.get("fields", {}), **new.get("fields", {})},
        "figures": merge_by(_figure_key)(old.get("figures", []), new.get("figures", [])),
    }
    for section in _sections:
        parts = section.merge({k: old.get(k, []) for k in section.keys}, new)
        merged.update(parts)
    return {name: value for name, value in merged.items() if value}


def is_empty(changes):
    """Return whether `changes` changes nothing."""
    return not any(changes.get(name) for name in changes)


# Propose, withdraw, return, approve ------------------------------------------------------


def pending_revision(*, user, cluster):
    """Return `user`'s pending revision of `cluster`, or None."""
    return ClusterRevision.objects.filter(cluster=cluster, author=user, state=State.PENDING).first()


@transaction.atomic
def revision_propose(*, user, cluster, changes, replace=()):
    """Keep `changes` to `cluster` by `user` as a pending revision, amending the one the
    user has pending there; return it (None when `changes` change nothing).

    The sections named in `replace` take the place of the pending ones instead of amending
    them (the edit form shows the pending fields, so what it sends is the whole of them).
    A revision left with nothing to change is withdrawn."""
    changes = {name: value for name, value in changes.items() if value}
    revision = (
        ClusterRevision.objects.select_for_update()
        .filter(cluster=cluster, author=user, state=State.PENDING)
        .first()
    )
    if revision is None:
        if is_empty(changes):
            return None
        revision = ClusterRevision(
            cluster=cluster, author=user, changes={}, base_version=cluster.version
        )
    kept = {name: value for name, value in revision.changes.items() if name not in replace}
    revision.changes = merge_changes(kept, changes)
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
    _require_pending(revision)
    revision.state = State.WITHDRAWN
    revision.save(update_fields=["state", "updated"])
    return revision


@transaction.atomic
def revision_return(*, curator, revision, comment):
    """Return a pending revision to its author with the curator's `comment` (required)."""
    _require_curator(curator)
    _require_pending(revision)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say why the change is returned.")})
    revision.state, revision.comment = State.RETURNED, comment
    revision.reviewer, revision.reviewed = curator, timezone.now()
    revision.save(update_fields=["state", "comment", "reviewer", "reviewed", "updated"])
    return revision


@transaction.atomic
def revision_approve(*, curator, revision, comment=""):
    """Apply a pending revision through the services, in one change set that names who
    proposed it and who approved it, then reclassify the cluster; return the revision.

    Values the revision would set that are already the cluster's change nothing, so a
    revision made on an older version applies what still differs.
    """
    _require_curator(curator)
    revision = ClusterRevision.objects.select_for_update().get(pk=revision.pk)
    _require_pending(revision)
    cluster = Cluster.objects.select_for_update().get(pk=revision.cluster_id)
    changes = revision.changes
    reason = _("revision #%(id)s proposed by %(author)s, approved by %(curator)s") % {
        "id": revision.pk,
        "author": revision.author.get_username(),
        "curator": curator.get_username(),
    }
    with change_set(user=curator, reason=reason):
        rules = services.benchmark_rules()
        if changes.get("fields"):
            services.cluster_update(
                cluster=cluster, data=decode_fields(changes["fields"]), rules=rules
            )
        for figure in changes.get("figures", []):
            services.cluster_record_figures(
                cluster=cluster,
                values={figure["measure"]: figure["value"]},
                provenance=services.Provenance(
                    year=figure.get("year", ""),
                    source=figure.get("source", ""),
                    estimated=figure.get("estimated", False),
                    currency=figure.get("currency") or "INR",
                ),
                rules=rules,
            )
        for section in _sections:
            section.apply(cluster=cluster, changes=changes)
        services.clusters_reclassify(queryset=Cluster.objects.filter(pk=cluster.pk))
    revision.state, revision.comment = State.APPROVED, (comment or "").strip()
    revision.reviewer, revision.reviewed = curator, timezone.now()
    revision.save(update_fields=["state", "comment", "reviewer", "reviewed", "updated"])
    return revision


def _require_curator(user):
    if not is_curator(user):
        raise PermissionDenied(_("Only a curator can review proposed changes."))


def _require_pending(revision):
    if revision.state != State.PENDING:
        raise ValidationError(
            _("This change is %(state)s already.") % {"state": revision.get_state_display()}
        )


# Reads -------------------------------------------------------------------------------------


def pending_revisions():
    """Return the pending revisions, oldest first, with their cluster and author."""
    return (
        ClusterRevision.objects.filter(state=State.PENDING)
        .select_related("cluster", "cluster__region", "cluster__agency", "author")
        .order_by("updated", "pk")
    )


def revisions_of(cluster):
    """Return the revisions of `cluster`, newest first, with their authors and reviewers."""
    return cluster.revisions.select_related("author", "reviewer").order_by("-updated", "-pk")


def is_stale(revision, cluster=None):
    """Return whether the cluster changed since the revision was made (or last amended)."""
    cluster = cluster or revision.cluster
    return revision.base_version != cluster.version


def _display_field(cluster, name, value):
    field = Cluster._meta.get_field(name)
    if value in (None, ""):
        return "—"
    if name in FOREIGN_KEYS:
        obj = (
            value
            if isinstance(value, models.Model)
            else FOREIGN_KEYS[name].objects.filter(pk=value).first()
        )
        return str(obj) if obj else "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name == "local_names":
        return "; ".join(f"{language_name(code)}: {text}" for code, text in value.items()) or "—"
    return str(value)


@dataclass
class FigureChange:
    """One proposed figure against what the cluster has now."""

    measure: str
    label: str
    old: object  # the ClusterFigure now recorded for this measure, year and source, or the current one
    same_record: bool  # whether `old` is the record this figure would update
    value: int
    year: str
    source: str
    estimated: bool
    currency: str

    @property
    def display_value(self):
        figure = ClusterFigure(measure=self.measure, value=self.value, currency=self.currency)
        return figure.display_value


def _classification_after(cluster, changes, newest):
    """Return (old reason, new reason) when approving would change the classification
    (the newest figure of each measure wins, as in cluster_refresh_current_figures)."""
    values = cluster.current_figures()
    for proposed in changes.get("figures", []):
        current = newest.get(proposed["measure"])
        if current is None or services.year_sort_key(proposed.get("year")) >= (
            services.year_sort_key(current.year)
        ):
            values[proposed["measure"]] = proposed["value"]
    fields = changes.get("fields", {})
    result = classify(
        fields.get("cluster_type", cluster.cluster_type),
        values,
        services.benchmark_rules(),
        country=fields.get("country", cluster.country),
        currency=cluster.currency,
    )
    if result.status == cluster.classification_status and (
        result.reason == cluster.classification_reason
    ):
        return None
    return (cluster.classification_reason, result.reason)


def revision_diff(revision, cluster=None):
    """Return the revision's changes against the cluster's values now: {"fields": [(label,
    old, new)], "figures": [FigureChange], "sections": [(heading, [(label, note)])],
    "stale": bool}; a change that is the cluster's value already is left out."""
    cluster = cluster or revision.cluster
    changes = revision.changes
    fields = []
    for name, new in changes.get("fields", {}).items():
        current = getattr(cluster, f"{name}_id") if name in FOREIGN_KEYS else getattr(cluster, name)
        if encode_value(name, current) == new:
            continue
        fields.append(
            (
                str(Cluster._meta.get_field(name).verbose_name),
                _display_field(cluster, name, current),
                _display_field(cluster, name, new),
            )
        )
    figures = []
    wanted = changes.get("figures", [])
    recorded = list(cluster.figures.filter(measure__in={f["measure"] for f in wanted}))
    newest = services.current_figure_records(recorded)
    labels = dict(Measure.choices)
    for proposed in wanted:
        same = next(
            (f for f in recorded if (f.measure, f.year, f.source) == _figure_key(proposed)),
            None,
        )
        old = same or newest.get(proposed["measure"])
        if same is not None and (same.value, same.estimated) == (
            proposed["value"],
            proposed.get("estimated", False),
        ):
            continue
        figures.append(
            FigureChange(
                measure=proposed["measure"],
                label=str(labels.get(proposed["measure"], proposed["measure"])),
                old=old,
                same_record=same is not None,
                value=proposed["value"],
                year=proposed.get("year", ""),
                source=proposed.get("source", ""),
                estimated=proposed.get("estimated", False),
                currency=proposed.get("currency", ""),
            )
        )
    sections = []
    for section in _sections:
        sections.extend(section.describe(cluster=cluster, changes=changes))
    return {
        "fields": fields,
        "figures": figures,
        "classification": _classification_after(cluster, changes, newest),
        "sections": [(heading, rows) for heading, rows in sections if rows],
        "stale": is_stale(revision, cluster),
    }


def _register_own_sections():
    # The judgements of FAQ Q43 (clusters.assessments) are the cluster app's own section.
    from . import assessments

    register_section(
        RevisionSection(
            keys=assessments.REVISION_KEYS,
            merge=assessments.merge_assessment_changes,
            apply=assessments.apply_assessment_changes,
            describe=assessments.describe_assessment_changes,
        )
    )


_register_own_sections()
