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

from common import revisions as lifecycle
from common.local_names import language_name
from common.permissions import is_curator
from common.revisions import is_stale, merge_by

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


# Propose, withdraw, return, approve ------------------------------------------------------


def pending_revision(*, user, cluster):
    """Return `user`'s pending revision of `cluster`, or None."""
    return LIFECYCLE.pending_revision(user=user, record=cluster)


def revision_propose(*, user, cluster, changes, replace=()):
    """Keep `changes` to `cluster` by `user` as a pending revision, amending the one the
    user has pending there; return it (None when `changes` change nothing).

    The sections named in `replace` take the place of the pending ones instead of amending
    them (the edit form shows the pending fields, so what it sends is the whole of them).
    A revision left with nothing to change is withdrawn."""
    return LIFECYCLE.propose(user=user, record=cluster, changes=changes, replace=replace)


def revision_approve(*, curator, revision, comment=""):
    """Apply a pending revision through the services, in one change set that names who
    proposed it and who approved it, then reclassify the cluster; return the revision.

    Values the revision would set that are already the cluster's change nothing, so a
    revision made on an older version applies what still differs.
    """
    return LIFECYCLE.approve(curator=curator, revision=revision, comment=comment)


# The steps that need nothing of the cluster's own, under the names the callers know.
revision_withdraw = lifecycle.revision_withdraw
revision_return = lifecycle.revision_return
revisions_of = lifecycle.revisions_of


def apply_changes(*, record, changes, curator=None):
    """Write `changes` to the cluster `record` through the services and reclassify it."""
    cluster = record
    rules = services.benchmark_rules()
    if changes.get("fields"):
        services.cluster_update(cluster=cluster, data=decode_fields(changes["fields"]), rules=rules)
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


# Reads -------------------------------------------------------------------------------------


def pending_revisions():
    """Return the pending revisions, oldest first, with their cluster and author."""
    return LIFECYCLE.pending_revisions()


def _display_field(cluster, name, value):
    if name == "local_names" and value:
        return "; ".join(f"{language_name(code)}: {text}" for code, text in value.items())
    return lifecycle.display_value(Cluster._meta.get_field(name), value)


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


LIFECYCLE = lifecycle.RevisionLifecycle(
    model=ClusterRevision,
    merge=merge_changes,
    apply=apply_changes,
    related=("cluster__region", "cluster__agency"),
)
