"""Judgements of the selection parameters of FAQ Q43 (ClusterAssessment): recording them
and reading the one that counts, the newest per cluster and parameter."""

import csv
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from common.history import change_set

from .choices import AssessmentParameter, PublicationStatus
from .models import Cluster, ClusterAssessment


@dataclass(frozen=True)
class Judgement:
    """The judgement that counts for one parameter of one cluster, as plain data."""

    parameter: str
    parameter_label: str
    rating: int
    rating_label: str
    source: str
    assessed_on: date
    note: str


def _judgement(record):
    return Judgement(
        parameter=record.parameter,
        parameter_label=str(record.get_parameter_display()),
        rating=record.rating,
        rating_label=str(record.rating_label),
        source=record.source,
        assessed_on=record.assessed_on,
        note=record.note,
    )


@transaction.atomic
def assessment_record(
    *, cluster, parameter, rating, source, assessed_on, note="", user=None, assessment=None
):
    """Record a judgement of `parameter` for `cluster` by `user`; return it.

    A new record every time (the earlier judgements stay); the newest by date counts. With
    `assessment` (the admin's change page) that stored record is corrected instead, and
    keeps who first recorded it.
    """
    if assessment is None or assessment.pk is None:
        assessment = assessment or ClusterAssessment()
        assessment.recorded_by = user if user is not None and user.is_authenticated else None
    assessment.cluster = cluster
    assessment.parameter = parameter
    assessment.rating = rating
    assessment.source = (source or "").strip()
    assessment.assessed_on = assessed_on
    assessment.note = (note or "").strip()
    assessment.full_clean()
    assessment.save()
    return assessment


@dataclass(frozen=True)
class JudgementOutcome:
    """What became of a judgement: recorded at once (`assessment`), or proposed for a
    curator's review (`revision`, None when the proposal changed nothing)."""

    assessment: ClusterAssessment | None = None
    revision: object = None

    @property
    def proposed(self):
        """Return whether the judgement waits for a curator instead of counting now."""
        return self.assessment is None


def assessment_judge(
    *,
    user,
    cluster,
    parameter,
    rating,
    source,
    assessed_on,
    note="",
    via="site",
    assessment=None,
):
    """Record `user`'s judgement of `cluster` now, or propose it for a curator's review when
    the cluster's changes need one (an agency editor's judgement of a published cluster,
    clusters.revisions.review_needed); return the JudgementOutcome.

    Every path that takes a judgement (the workspace, the admin) calls this, so they decide
    alike; `via` names the path in the history's reason. `assessment` is the stored record
    the admin's change page corrects (an editor's correction is proposed as a new one).
    """
    # clusters.revisions registers this module's section as it loads, so it is read here.
    from . import revisions

    judgement = {
        "parameter": parameter,
        "rating": rating,
        "source": source,
        "assessed_on": assessed_on,
        "note": note,
    }
    if revisions.review_needed(user=user, cluster=cluster):
        entry = assessment_change(**judgement, user=user)
        with change_set(user=user, reason=f"{via}: proposed cluster assessment"):
            revision = revisions.revision_propose(
                user=user, cluster=cluster, changes={REVISION_KEYS[0]: [entry]}
            )
        return JudgementOutcome(revision=revision)
    with change_set(user=user, reason=f"{via}: cluster assessment"):
        recorded = assessment_record(cluster=cluster, **judgement, user=user, assessment=assessment)
    return JudgementOutcome(assessment=recorded)


# Proposed revisions (clusters.revisions): an agency editor's judgement of a published
# cluster waits for a curator, as every other change of theirs to it does.
REVISION_KEYS = ("assessments_added",)


def assessment_change(*, parameter, rating, source, assessed_on, note="", user):
    """Return a judgement as an entry of a revision's changes (plain data)."""
    return {
        "parameter": parameter,
        "rating": rating,
        "source": (source or "").strip(),
        "assessed_on": assessed_on.isoformat(),
        "note": (note or "").strip(),
        "recorded_by": user.pk,
        "label": f"{AssessmentParameter(parameter).label}: {rating}/5",
    }


def merge_assessment_changes(old, new):
    """Amend a revision's judgements ({key: list} of the pending one, then the new
    changes): every judgement proposed is kept (a new record each)."""
    return {key: [*old.get(key, []), *new.get(key, [])] for key in REVISION_KEYS}


def apply_assessment_changes(*, cluster, changes):
    """Record the judgements of an approved revision, each by the editor who proposed it."""
    users = get_user_model().objects.in_bulk(
        [entry["recorded_by"] for entry in changes.get("assessments_added", [])]
    )
    for entry in changes.get("assessments_added", []):
        assessment_record(
            cluster=cluster,
            parameter=entry["parameter"],
            rating=entry["rating"],
            source=entry["source"],
            assessed_on=date.fromisoformat(entry["assessed_on"]),
            note=entry.get("note", ""),
            user=users.get(entry["recorded_by"]),
        )


def describe_assessment_changes(*, cluster, changes):
    """Return the diff's section of judgements: [(heading, [(label, note)])]."""
    return [
        (
            _("Selection judgements added"),
            [
                (entry["label"], f"{entry['source']} · {entry['assessed_on']}")
                for entry in changes.get("assessments_added", [])
            ],
        )
    ]


def newest_judgements(*, cluster_ids=None, published_only=True):
    """Return {cluster_id: {parameter: Judgement}}: the newest judgement per cluster and
    parameter (one query), of `cluster_ids` or of every (published) cluster."""
    records = ClusterAssessment.objects.order_by("cluster_id", "parameter", "-assessed_on", "-id")
    if published_only:
        records = records.filter(cluster__status=PublicationStatus.PUBLISHED)
    if cluster_ids is not None:
        # A queryset of clusters is one subquery; ids are a list.
        if hasattr(cluster_ids, "values"):
            cluster_ids = cluster_ids.order_by().values("pk")
        else:
            cluster_ids = list(cluster_ids)
        records = records.filter(cluster_id__in=cluster_ids)
    newest = {}
    for record in records:
        newest.setdefault(record.cluster_id, {}).setdefault(record.parameter, _judgement(record))
    return newest


def cluster_assessments(*, cluster):
    """Return every judgement recorded for `cluster`, newest first within each parameter,
    with who recorded it (one query)."""
    return list(
        ClusterAssessment.objects.filter(cluster=cluster)
        .select_related("recorded_by")
        .order_by("parameter", "-assessed_on", "-id")
    )


def assessments_load_csv(path, *, user=None):
    """Record the judgements of a CSV file (cluster_slug, parameter, rating, source,
    assessed_on as YYYY-MM-DD, note); return how many (the demo's illustrative ones)."""
    count = 0
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            assessment_record(
                cluster=Cluster.objects.get(slug=row["cluster_slug"]),
                parameter=row["parameter"],
                rating=int(row["rating"]),
                source=row["source"],
                assessed_on=date.fromisoformat(row["assessed_on"]),
                note=row.get("note", ""),
                user=user,
            )
            count += 1
    return count
