"""What an export job writes: for each kind (clusters, stakeholders, relationships), the rows
its user may see now (their agency's unpublished records too, through the permission
policies), filtered by the FilterSet of the matching list from the query string the job
keeps, as the records of the public export of that kind (same columns, same cells).

A list's filters name clusters by slug among the published ones (the public lists); here
they may name any cluster the user may see (an editor exports the members of a draft).
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _

from clusters.exports import cluster_export_records, export_columns
from clusters.filtersets import ClusterFilterSet
from clusters.permissions import cluster_policy
from common.permissions import VIEW
from stakeholders.exports import (
    RELATIONSHIP_EXPORT_COLUMNS,
    STAKEHOLDER_EXPORT_COLUMNS,
    relationship_export_values,
    stakeholder_export_values,
)
from stakeholders.filtersets import RelationshipFilterSet, StakeholderFilterSet
from stakeholders.models import Stakeholder
from stakeholders.permissions import membership_policy, relationship_policy, stakeholder_policy

from .choices import ExportKind

# Parameters of a list that choose its page, not its rows.
NOT_FILTERS = ("page", "csrfmiddlewaretoken")
# The filters of the lists that name a cluster (widened to the clusters the user may see).
CLUSTER_FILTERS = ("cluster", "cluster_id")


def filter_query(data):
    """Return the filters of `data` (a QueryDict or a query string) as a query string:
    blank values and the page number left out, the names in order."""
    if isinstance(data, str):
        data = QueryDict(data)
    pairs = [
        (name, value)
        for name in sorted(data)
        if name not in NOT_FILTERS
        for value in data.getlist(name)
        if value.strip()
    ]
    return urlencode(pairs)


def _visible_clusters(user):
    return cluster_policy.instances_user_has_permission_for(user, VIEW)


def _cluster_rows(user):
    # The order of the job before it took filters; a list's `ordering` replaces it.
    return _visible_clusters(user).order_by("product", "place", "pk")


def _filters_given(filterset):
    return any(value not in (None, "", [], ()) for value in filterset.form.cleaned_data.values())


def _cluster_values(user, filterset):
    return filterset.qs


def _stakeholder_rows(user):
    return stakeholder_policy.instances_user_has_permission_for(user, VIEW)


def _stakeholder_values(user, filterset):
    # One row per membership the user may see of each stakeholder kept by the filters; a
    # stakeholder of such a membership is one the user may see, so without filters the
    # memberships are not joined to the stakeholders a second time.
    memberships = membership_policy.instances_user_has_permission_for(user, VIEW)
    stakeholders = filterset.qs if _filters_given(filterset) else Stakeholder.objects.all()
    return stakeholder_export_values(stakeholders, memberships)


def _relationship_rows(user):
    return relationship_policy.instances_user_has_permission_for(user, VIEW)


def _relationship_values(user, filterset):
    return relationship_export_values(filterset.qs)


@dataclass(frozen=True)
class ExportSpec:
    """One kind of export: the FilterSet of its list, the rows a user may see (`rows`, the
    FilterSet's queryset), the queryset of what is written given the bound FilterSet
    (`values`), how it is read (`records`) and its columns."""

    filterset_class: type
    rows: Callable
    values: Callable
    records: Callable
    columns: Callable


SPECS = {
    ExportKind.CLUSTERS: ExportSpec(
        ClusterFilterSet,
        _cluster_rows,
        _cluster_values,
        cluster_export_records,
        export_columns,
    ),
    ExportKind.STAKEHOLDERS: ExportSpec(
        StakeholderFilterSet,
        _stakeholder_rows,
        _stakeholder_values,
        lambda values: values.iterator(chunk_size=5000),
        lambda: STAKEHOLDER_EXPORT_COLUMNS,
    ),
    ExportKind.RELATIONSHIPS: ExportSpec(
        RelationshipFilterSet,
        _relationship_rows,
        _relationship_values,
        lambda values: values.iterator(chunk_size=5000),
        lambda: RELATIONSHIP_EXPORT_COLUMNS,
    ),
}


def export_spec(kind):
    """Return the ExportSpec of `kind` (ValueError for a kind there is none of)."""
    try:
        return SPECS[ExportKind(kind)]
    except ValueError:
        raise ValueError(f"unknown export kind {kind!r}") from None


def export_filterset(kind, *, user, query):
    """Return the FilterSet of `kind`'s list bound to the filters of `query` over the rows
    `user` may see; raise a ValidationError ("name: message" each) when a filter is invalid."""
    spec = export_spec(kind)
    filterset = spec.filterset_class(QueryDict(query), queryset=spec.rows(user))
    if kind != ExportKind.CLUSTERS:
        clusters = _visible_clusters(user)
        for name in CLUSTER_FILTERS:
            if name in filterset.filters:
                filterset.filters[name].queryset = clusters
    if not filterset.is_valid():
        raise ValidationError(
            [
                f"{name}: {message}"
                for name, messages in filterset.errors.items()
                for message in messages
            ]
        )
    return filterset


def export_values(kind, *, user, query):
    """Return the queryset of what an export of `kind` writes for `user` with the filters of
    `query` (count it for the rows in all); a ValidationError when a filter is invalid."""
    filterset = export_filterset(kind, user=user, query=query)
    return export_spec(kind).values(user, filterset)


def export_records(kind, *, user, query):
    """Return (columns, records) of an export of `kind` for `user` with the filters of
    `query`: the public export's columns and rows, read in one streamed query."""
    spec = export_spec(kind)
    return spec.columns(), spec.records(export_values(kind, user=user, query=query))


# The largest id a row can have (bigint): a larger "id" is left as written, never looked up.
MAX_ID = 2**63 - 1


def _named(field, values):
    """Return `values` of a filter by a row (slugs, or ids) as the rows' names where found
    (one query); other filters' values as they are."""
    queryset = getattr(field, "queryset", None)
    if queryset is None or callable(queryset):
        return values
    key = field.extra.get("to_field_name") or "pk"
    if key == "pk":
        values_read = [v for v in values if v.isascii() and v.isdigit() and 0 < int(v) <= MAX_ID]
    else:
        values_read = values
    rows = queryset.model._default_manager.filter(**{f"{key}__in": values_read})
    names = {str(getattr(row, key)): str(row) for row in rows}
    return [names.get(value, value) for value in values]


def filters_in_words(kind, query):
    """Return the filters of `query` as [(label, values)] in the words of `kind`'s list
    form: choices by their labels, a cluster, state or sector by its name (a query for each
    such filter), words as given."""
    filters = export_spec(kind).filterset_class.base_filters
    data = QueryDict(query)
    words = []
    for name in data:
        field = filters.get(name)
        values = data.getlist(name)
        if field is not None:
            choices = dict(field.extra.get("choices") or ())
            values = [str(choices.get(value, value)) for value in _named(field, values)]
        label = field.label if field is not None and field.label else name
        words.append((str(label), ", ".join(values)))
    return words


def export_description(kind, query):
    """Return what an export holds in a sentence: "Stakeholders; Kind: Enterprise"."""
    kind_label = ExportKind(kind).label if kind in ExportKind.values else kind
    filters = filters_in_words(kind, query)
    if not filters:
        return _("%(kind)s, all that you may see") % {"kind": kind_label}
    described = "; ".join(f"{label}: {values}" for label, values in filters)
    return _("%(kind)s where %(filters)s") % {"kind": kind_label, "filters": described}
