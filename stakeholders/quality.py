"""Data-quality checks over stakeholders (the curators' desk, issue 13); the cluster and
figure checks are in clusters.quality.

- clusters_missing_kinds: clusters that have no stakeholder of one or more of the five kinds;
- stakeholder_duplicate_pairs: two stakeholders of one state with similar names.
"""

from django.db.models import BooleanField, Case, Exists, F, FloatField, OuterRef, Q, Value, When
from django.db.models.functions import Substr

from clusters.quality import DEFAULT_SIMILARITY, quality_clusters, trigram_available
from common.trigram import TrigramSimilarity, compact_name

from .choices import Kind
from .models import ClusterMembership, Stakeholder

# The stakeholder duplicates of a state are counted up to this many pairs (the count reads
# at most this many + 1); a state with more is shown as "more than" and narrowed by agency.
DUPLICATE_COUNT_CAP = 1000
# Candidate pairs share their state and the first letters of their compact name (blocking).
NAME_BLOCK = 6


def kind_flag(kind):
    """Return the name of the annotation that says whether a cluster has a `kind` member."""
    return f"has_{kind}"


def clusters_missing_kinds(*, agency=None, region=None):
    """Return the clusters without any stakeholder of at least one of the five kinds, by
    product and place, each annotated `kept_absent` (the kept summary's absent kinds, None
    without one) and `has_<kind>` (True / False where no summary is kept, else None).

    The kinds a cluster lacks are kept in its NetworkSummary (the exports' network figures:
    dropped by every write to its members and recomputed after the commit, so a kept row is
    never stale), which answers for most clusters from one small table. Only a cluster
    without a kept summary is asked live: one EXISTS per kind over the memberships, inside
    a CASE so that the others never run it. Five EXISTS for every cluster took two seconds
    at a million stakeholders (PostgreSQL hashes every membership of each kind).
    """
    no_summary = Q(network_summary__isnull=True)
    flags = {
        kind_flag(kind): Case(
            When(
                no_summary,
                then=Exists(
                    ClusterMembership.objects.filter(cluster=OuterRef("pk"), stakeholder__kind=kind)
                ),
            ),
            default=Value(None),
            output_field=BooleanField(),
        )
        for kind in Kind.values
    }
    live_missing = Q()
    for flag in flags:
        live_missing |= Q(**{flag: False})
    return (
        quality_clusters(agency=agency, region=region)
        .annotate(kept_absent=F("network_summary__absent_kinds"), **flags)
        .filter(Q(kept_absent__gt="") | (no_summary & live_missing))
        .select_related("region", "agency")
        .order_by("product", "place", "pk")
    )


def missing_kinds(cluster):
    """Return the kinds `cluster` (from clusters_missing_kinds) has no stakeholder of."""
    if cluster.kept_absent is not None:
        return [Kind(kind) for kind in cluster.kept_absent.split()]
    return [kind for kind in Kind if not getattr(cluster, kind_flag(kind))]


def stakeholder_duplicate_pairs(*, region, agency=None, similarity=DEFAULT_SIMILARITY):
    """Return pairs of stakeholders of `region` (a state: required) with similar names: each
    row is the first stakeholder, with the other's fields as `other_id`, `other_slug`,
    `other_name`, `other_kind`, `other_place`, and `similarity` (0-1, None without pg_trgm).

    Bounded on purpose, three ways. The registry holds a million stakeholders: comparing
    names across all of them is a self-join no page can wait for, so the search runs in one
    state. A state can hold 70,000 of them (the synthetic national registry), and every
    pair of those is 2.4 billion comparisons; a probe of the trigram GIN index on
    UPPER(name) per stakeholder (`UPPER(name) % UPPER(other name)`) costs about a
    millisecond at a million rows, over a minute for the state. So only names whose compact
    form (letters and digits) begins with the same NAME_BLOCK letters are compared
    (blocking: the database hashes the state's stakeholders by block and scores pg_trgm's
    similarity() within each), and the desk reads at most DUPLICATE_COUNT_CAP + 1 pairs in
    no order, so that the database stops as soon as it has them (one second in the
    synthetic registry's biggest state, where all its 320,000 pairs take five minutes).
    Without pg_trgm (SQLite, `make run`), the plain fallback: the same name by letters and
    digits only ("KumarSons" and "Kumar Sons"; punctuation alone cannot differ, the
    identity ignores it already). The kind is shown, not compared: one name entered under
    two kinds is a likely duplicate too. A pair counts for an agency when either
    stakeholder belongs to one of its clusters.
    """
    pairs = (
        Stakeholder.objects.filter(region=region)
        .annotate(
            other_id=F("region__stakeholders__id"),
            other_slug=F("region__stakeholders__slug"),
            other_name=F("region__stakeholders__name"),
            other_kind=F("region__stakeholders__kind"),
            other_place=F("region__stakeholders__place"),
        )
        .filter(other_id__gt=F("id"))
    )
    if agency is not None:
        of_agency = ClusterMembership.objects.filter(cluster__in=quality_clusters(agency=agency))
        pairs = pairs.filter(
            Exists(of_agency.filter(stakeholder=OuterRef("pk")))
            | Exists(of_agency.filter(stakeholder=OuterRef("other_id")))
        )
    if trigram_available():
        pairs = (
            pairs.alias(
                block=Substr(compact_name("name"), 1, NAME_BLOCK),
                other_block=Substr(compact_name("other_name"), 1, NAME_BLOCK),
            )
            .filter(block=F("other_block"))
            .annotate(similarity=TrigramSimilarity("name", "other_name"))
            .filter(similarity__gte=similarity)
            .order_by("-similarity", "name", "pk", "other_id")
        )
    else:
        pairs = (
            pairs.alias(key=compact_name("name"), other_key=compact_name("other_name"))
            .filter(key=F("other_key"))
            .annotate(similarity=Value(None, output_field=FloatField()))
            .order_by("name", "pk", "other_id")
        )
    return pairs.select_related("region")
