"""Reads of clusters: the querysets every page, export and API list starts from."""

from django.db.models import Prefetch

from .choices import PublicationStatus
from .models import Cluster, ClusterFigure


def cluster_list(*, published_only=True):
    """Return clusters with what a list row shows (region, sector, agency) joined in."""
    queryset = Cluster.objects.select_related("region", "sector", "agency")
    if published_only:
        queryset = queryset.filter(status=PublicationStatus.PUBLISHED)
    return queryset


def cluster_export_list(*, published_only=True):
    """Return clusters with their figures prefetched, for exports."""
    return cluster_list(published_only=published_only).prefetch_related(
        Prefetch("figures", queryset=ClusterFigure.objects.order_by("pk"))
    )
