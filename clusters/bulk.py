"""Bulk creation of clusters and their first figures, for imports of big files.

The same rules as cluster_create (normalised identity, unique slug, current figures,
classification), for a whole batch with a handful of queries; history rows are copied in
the database under the current change set (common.history.bulk_history_insert).
"""

from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import transaction
from django.utils import translation

from common.bulk import insert_rows, new_ids
from common.history import bulk_history_insert
from common.text import collapse_spaces

from .choices import AMOUNT_MEASURES, MEASURES
from .classification import STORED_LANGUAGE, classify
from .models import DESCRIPTOR_FIELDS, Cluster, ClusterFigure
from .newest_figures import newest_figures_refresh
from .services import Provenance, assign_unique_slugs, cluster_identity_key

BATCH = 2000


@dataclass
class NewCluster:
    """What one valid row says about a cluster that does not exist yet."""

    fields: dict
    figures: dict = field(default_factory=dict)
    provenance: Provenance = field(default_factory=Provenance)


# The columns a new cluster is written with (the others take their defaults).
_CLASSIFICATION = ("status", "measure", "value", "threshold", "reason")
_COLUMNS = (
    "product",
    "place",
    "region_id",
    "country",
    "identity_key",
    "slug",
    "cluster_type",
    "sector_id",
    "agency_id",
    "status",
    *DESCRIPTOR_FIELDS,
    *MEASURES,
    "currency",
    *(f"classification_{name}" for name in _CLASSIFICATION),
)
_FIGURE_COLUMNS = ("cluster_id", "measure", "value", "year", "source", "estimated", "currency")


def _pk(obj):
    return None if obj is None else obj.pk


@transaction.atomic
def clusters_create_bulk(new_clusters, *, rules):
    """Create the clusters of `new_clusters` (identities checked as new by the caller) and
    their figures; classify each by `rules`. Return the new clusters' ids, in order.

    Written as rows of plain values (common.bulk.insert_rows), not model instances: the
    fields were validated by the row form, and the identity, slug and classification are
    derived here, as cluster_create derives them.
    """
    defaults = {name: Cluster._meta.get_field(name).get_default() for name in DESCRIPTOR_FIELDS}
    records = []
    language = STORED_LANGUAGE
    # Reasons are kept in the site's language, whoever imports (one switch for the batch).
    with translation.override(language):
        for spec in new_clusters:
            fields = spec.fields
            product, place = collapse_spaces(fields["product"]), collapse_spaces(fields["place"])
            country = (fields.get("country") or "IN").upper()
            region = fields.get("region")
            figures = dict.fromkeys(MEASURES)
            figures.update(spec.figures)
            currency = fields.get("currency") or "INR"
            if any(measure in AMOUNT_MEASURES for measure in spec.figures):
                currency = spec.provenance.currency
            result = classify(
                fields["cluster_type"],
                figures,
                rules,
                country=country,
                currency=currency,
                language=language,
            )
            records.append(
                SimpleNamespace(
                    slug="",
                    values=[
                        product,
                        place,
                        _pk(region),
                        country,
                        cluster_identity_key(
                            product=product, place=place, region=region, country=country
                        ),
                        None,  # the slug, given below
                        fields["cluster_type"],
                        _pk(fields.get("sector")),
                        _pk(fields.get("agency")),
                        fields["status"],
                        *(fields.get(name, defaults[name]) for name in DESCRIPTOR_FIELDS),
                        *figures.values(),
                        currency,
                        *(getattr(result, name) for name in _CLASSIFICATION),
                    ],
                )
            )
    assign_unique_slugs(
        Cluster, records, [f"{record.values[0]} {record.values[1]}" for record in records]
    )
    slug = _COLUMNS.index("slug")
    for record in records:
        record.values[slug] = record.slug
    # The keys are drawn first where the database allows it, so that each cluster is
    # written with its newest figure (the last of its row's figures, all of one year)
    # instead of being updated after its figures: an UPDATE rewrites every index entry.
    ids = new_ids(Cluster, len(records))
    figure_ids = new_ids(ClusterFigure, sum(len(spec.figures) for spec in new_clusters))
    if figure_ids is not None:
        newest, position = [], 0
        for spec in new_clusters:
            position += len(spec.figures)
            newest.append(figure_ids[position - 1] if spec.figures else None)
        for record, figure_id in zip(records, newest, strict=True):
            record.values.append(figure_id)
    columns = (*_COLUMNS, "newest_figure_id") if figure_ids is not None else _COLUMNS
    ids = insert_rows(Cluster, columns, [record.values for record in records], ids=ids)
    bulk_history_insert(Cluster, ids)
    figures = [
        (
            pk,
            measure,
            value,
            spec.provenance.year,
            spec.provenance.source,
            spec.provenance.estimated,
            spec.provenance.currency if measure in AMOUNT_MEASURES else "",
        )
        for pk, spec in zip(ids, new_clusters, strict=True)
        for measure, value in spec.figures.items()
    ]
    figure_ids = insert_rows(ClusterFigure, _FIGURE_COLUMNS, figures, ids=figure_ids)
    bulk_history_insert(ClusterFigure, figure_ids)
    if figures and columns is _COLUMNS:
        newest_figures_refresh(cluster_ids=ids)
    return ids
