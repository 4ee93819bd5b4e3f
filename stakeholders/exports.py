"""Stakeholders and relationships as rows of their import formats (they import back)."""

from django.db import connection
from django.db.models import Case, CharField, F, Func, Value, When
from django.db.models.functions import Cast, Coalesce, Substr

from clusters.choices import PublicationStatus
from common import csv_sql
from common.partial_dates import Precision

from .imports import RELATIONSHIP_COLUMNS, STAKEHOLDER_COLUMNS
from .models import ClusterMembership, Relationship

STAKEHOLDER_EXPORT_COLUMNS = (*STAKEHOLDER_COLUMNS, "slug", "cluster_slug")
RELATIONSHIP_EXPORT_COLUMNS = RELATIONSHIP_COLUMNS


def stakeholder_export_values(stakeholders, memberships=None):
    """Return the memberships of the stakeholders queryset in published clusters (or those
    of the `memberships` queryset, such as the ones a user may see) as tuples in
    STAKEHOLDER_EXPORT_COLUMNS order (a values_list: no model instances).

    A stakeholder of such a membership is public, so `stakeholders` need not be restricted
    to the public ones (selectors.stakeholder_public): pass the filtered Stakeholder.objects,
    and when nothing filters them the membership list is not joined to them a second time.
    """
    if memberships is None:
        memberships = ClusterMembership.objects.filter(cluster__status=PublicationStatus.PUBLISHED)
    if stakeholders.query.where:  # not every stakeholder: only those the filters keep
        memberships = memberships.filter(stakeholder__in=stakeholders.order_by().values("pk"))
    return memberships.order_by(
        "stakeholder__name", "stakeholder_id", "cluster__product", "cluster__place"
    ).values_list(
        "stakeholder__name",
        "stakeholder__kind",
        "stakeholder__role",
        "cluster__product",
        "cluster__place",
        Coalesce("cluster__region__name", Value("")),
        "cluster__district",
        "cluster__country",
        "stakeholder__place",
        Coalesce("stakeholder__region__name", Value("")),
        "stakeholder__website",
        "stakeholder__email",
        "stakeholder__phone",
        # The membership's own source, else the stakeholder's.
        Case(When(source="", then=F("stakeholder__source")), default=F("source")),
        "stakeholder__slug",
        "cluster__slug",
    )


def stakeholder_export_records(stakeholders, chunk_size=5000, memberships=None):
    """Yield one tuple in STAKEHOLDER_EXPORT_COLUMNS order per (stakeholder, published
    cluster) of the stakeholders queryset (or per membership of `memberships`, see
    stakeholder_export_values), from one streamed query (a server-side cursor)."""
    return stakeholder_export_values(stakeholders, memberships).iterator(chunk_size=chunk_size)


def stakeholder_export_csv(stakeholders):
    """Return the CSV text of stakeholder_export_records (without header) rendered by the
    database, pieces of many lines (common.csv_sql), or None where it cannot render it."""
    if not csv_sql.supported():
        return None
    return csv_sql.iter_csv_lines(
        stakeholder_export_values(stakeholders), len(STAKEHOLDER_EXPORT_COLUMNS)
    )


def stakeholder_export_rows(stakeholders, chunk_size=5000):
    """Yield one dict of STAKEHOLDER_EXPORT_COLUMNS per (stakeholder, published cluster)."""
    for record in stakeholder_export_records(stakeholders, chunk_size=chunk_size):
        yield dict(zip(STAKEHOLDER_EXPORT_COLUMNS, record, strict=True))


def _iso_date(name):
    # The date as it was typed (common.partial_dates): 2018, 2018-03 or 2018-03-05 by its
    # precision, "" when unknown.
    iso = (
        Func(F(name), Value("YYYY-MM-DD"), function="to_char", output_field=CharField())
        if connection.vendor == "postgresql"
        else Cast(name, CharField())
    )
    typed = Case(
        When(**{f"{name}_precision": Precision.YEAR}, then=Substr(iso, 1, 4)),
        When(**{f"{name}_precision": Precision.MONTH}, then=Substr(iso, 1, 7)),
        default=iso,
        output_field=CharField(),
    )
    return Coalesce(typed, Value(""))


def relationship_export_values(relationships):
    """Return the relationships queryset as tuples in RELATIONSHIP_EXPORT_COLUMNS order, in
    the list's order (a values_list: no model instances)."""
    return relationships.order_by(
        "cluster__product", "cluster__place", "source__name", "kind", "target__name", "pk"
    ).values_list(
        "source__name",
        "source__kind",
        "target__name",
        "target__kind",
        "kind",
        "cluster__product",
        "cluster__place",
        Coalesce("cluster__region__name", Value("")),
        "cluster__country",
        _iso_date("since"),
        _iso_date("until"),
        "provenance",
    )


def relationship_export_records(relationships, chunk_size=5000):
    """Yield the relationships queryset as tuples in RELATIONSHIP_EXPORT_COLUMNS order, from
    one streamed query."""
    return relationship_export_values(relationships).iterator(chunk_size=chunk_size)


def relationship_export_csv(relationships):
    """Return the CSV text of relationship_export_records (without header) rendered by the
    database (common.csv_sql), or None where it cannot render it."""
    if not csv_sql.supported():
        return None
    return csv_sql.iter_csv_lines(
        relationship_export_values(relationships), len(RELATIONSHIP_EXPORT_COLUMNS)
    )


def relationship_export_rows(relationships, chunk_size=5000):
    """Yield the relationships queryset in the relationship import format (dicts)."""
    for record in relationship_export_records(relationships, chunk_size=chunk_size):
        yield dict(zip(RELATIONSHIP_EXPORT_COLUMNS, record, strict=True))


def public_relationships():
    """Return relationships of published clusters whose both ends belong to the cluster."""
    return Relationship.objects.filter(cluster__status=PublicationStatus.PUBLISHED)
