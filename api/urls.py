"""The REST API under /api/: one router for every viewset, the OpenAPI schema and its docs
pages (Swagger UI, Redoc) served from our own static files, inside the site's header and
footer (templates/drf_spectacular/)."""

from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.exceptions import NotFound
from rest_framework.routers import DefaultRouter

from api.views import clusters, programmes, stakeholders

app_name = "api"

router = DefaultRouter()
router.register("clusters", clusters.ClusterViewSet, basename="cluster")
router.register("figures", clusters.ClusterFigureViewSet, basename="figure")
router.register("sectors", clusters.SectorViewSet, basename="sector")
router.register("regions", clusters.RegionViewSet, basename="region")
router.register("benchmarks", clusters.BenchmarkViewSet, basename="benchmark")
router.register("stakeholders", stakeholders.StakeholderViewSet, basename="stakeholder")
router.register("memberships", stakeholders.MembershipViewSet, basename="membership")
router.register("relationships", stakeholders.RelationshipViewSet, basename="relationship")
router.register("initiatives", programmes.InitiativeViewSet, basename="initiative")
router.register(
    "indicators/catalogue", programmes.IndicatorCatalogueViewSet, basename="indicator-catalogue"
)
router.register("indicators", programmes.MeasurementViewSet, basename="measurement")


@csrf_exempt  # it changes nothing; a POST here is as not found as a GET
def not_found(request, *args, **kwargs):
    """Answer an address under /api/ that names nothing as the API does: JSON, not the
    site's HTML page (an id that is not a number, `/api/figures/abc/`, lands here)."""
    return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("", include(router.urls)),
    # Only addresses ending in a slash, so that `/api/clusters` still redirects to
    # `/api/clusters/` (APPEND_SLASH) instead of being caught here.
    re_path(r"^[\s\S]*/\Z", not_found),
]
