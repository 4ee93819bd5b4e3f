"""Bulk creation of clusters and their first figures, for imports of big files.

The same rules as cluster_create (normalised identity, unique slug, current figures,
classification), for a whole batch with a handful of queries; history rows are copied in
the database under the current change set (common.history.bulk_history_insert).
"""

from dataclasses import dataclass, field

from django.db import transaction

from common.bulk import insert_objects
from common.history import bulk_history_insert
from common.text import collapse_spaces

from .choices import AMOUNT_MEASURES
from .models import Cluster, ClusterFigure
from .services import (
    Provenance,
    assign_unique_slugs,
    cluster_apply_classification,
    cluster_identity_key,
)

BATCH = 2000


@dataclass
class NewCluster:
    """What one valid row says about a cluster that does not exist yet."""

    fields: dict
    figures: dict = field(default_factory=dict)
    provenance: Provenance = field(default_factory=Provenance)


@transaction.atomic
def clusters_create_bulk(new_clusters, *, rules):
    """Create the clusters of `new_clusters` (identities checked as new by the caller) and
    their figures; classify each by `rules`. Return the created clusters."""
    clusters = []
    for spec in new_clusters:
        cluster = Cluster(**spec.fields)
        cluster.product = collapse_spaces(cluster.product)
        cluster.place = collapse_spaces(cluster.place)
        cluster.country = (cluster.country or "IN").upper()
        cluster.identity_key = cluster_identity_key(
            product=cluster.product,
            place=cluster.place,
            region=cluster.region,
            country=cluster.country,
        )
        for measure, value in spec.figures.items():
            setattr(cluster, measure, value)
        if any(measure in AMOUNT_MEASURES for measure in spec.figures):
            cluster.currency = spec.provenance.currency
        cluster_apply_classification(cluster=cluster, rules=rules)
        clusters.append(cluster)
    assign_unique_slugs(Cluster, clusters, [f"{c.product} {c.place}" for c in clusters])
    insert_objects(Cluster, clusters, batch_size=BATCH)
    bulk_history_insert(Cluster, [cluster.pk for cluster in clusters])
    figures = [
        ClusterFigure(
            cluster=cluster,
            measure=measure,
            value=value,
            year=spec.provenance.year,
            source=spec.provenance.source,
            estimated=spec.provenance.estimated,
            currency=spec.provenance.currency if measure in AMOUNT_MEASURES else "",
        )
        for cluster, spec in zip(clusters, new_clusters, strict=True)
        for measure, value in spec.figures.items()
    ]
    insert_objects(ClusterFigure, figures, batch_size=BATCH)
    bulk_history_insert(ClusterFigure, [figure.pk for figure in figures])
    return clusters
