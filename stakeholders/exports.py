"""Stakeholders and relationships as rows of their import formats (they import back)."""

from clusters.choices import PublicationStatus

from .imports import RELATIONSHIP_COLUMNS, STAKEHOLDER_COLUMNS
from .models import ClusterMembership, Relationship

STAKEHOLDER_EXPORT_COLUMNS = (*STAKEHOLDER_COLUMNS, "slug", "cluster_slug")
RELATIONSHIP_EXPORT_COLUMNS = RELATIONSHIP_COLUMNS


def stakeholder_export_rows(stakeholders, chunk_size=2000):
    """Yield one row per (stakeholder, published cluster) for the stakeholders queryset."""
    memberships = (
        ClusterMembership.objects.filter(
            stakeholder__in=stakeholders.order_by().values("pk"),
            cluster__status=PublicationStatus.PUBLISHED,
        )
        .select_related("stakeholder__region", "cluster__region")
        .order_by("stakeholder__name", "stakeholder_id", "cluster__product", "cluster__place")
    )
    for membership in memberships.iterator(chunk_size=chunk_size):
        stakeholder, cluster = membership.stakeholder, membership.cluster
        yield {
            "name": stakeholder.name,
            "kind": stakeholder.kind,
            "role": stakeholder.role,
            "cluster_product": cluster.product,
            "cluster_place": cluster.place,
            "cluster_state": cluster.region.name if cluster.region_id else "",
            "cluster_district": cluster.district,
            "cluster_country": cluster.country,
            "place": stakeholder.place,
            "state": stakeholder.region.name if stakeholder.region_id else "",
            "website": stakeholder.website,
            "email": stakeholder.email,
            "phone": stakeholder.phone,
            "source": membership.source or stakeholder.source,
            "slug": stakeholder.slug,
            "cluster_slug": cluster.slug,
        }


def relationship_export_rows(relationships, chunk_size=2000):
    """Yield the relationships queryset in the relationship import format."""
    queryset = relationships.select_related("source", "target", "cluster__region").order_by(
        "cluster__product", "cluster__place", "source__name", "kind", "target__name", "pk"
    )
    for relationship in queryset.iterator(chunk_size=chunk_size):
        cluster = relationship.cluster
        yield {
            "source_name": relationship.source.name,
            "source_kind": relationship.source.kind,
            "target_name": relationship.target.name,
            "target_kind": relationship.target.kind,
            "relationship": relationship.kind,
            "cluster_product": cluster.product,
            "cluster_place": cluster.place,
            "cluster_state": cluster.region.name if cluster.region_id else "",
            "cluster_country": cluster.country,
            "since": relationship.since.isoformat() if relationship.since else "",
            "until": relationship.until.isoformat() if relationship.until else "",
            "source": relationship.provenance,
        }


def public_relationships():
    """Return relationships of published clusters whose both ends belong to the cluster."""
    return Relationship.objects.filter(cluster__status=PublicationStatus.PUBLISHED)
