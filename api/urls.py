"""The REST API under /api/: one router for every viewset, the OpenAPI schema and its docs pages (Swagger UI, Redoc) served from our own static files."""

from django.http import JsonResponse
from django.template import engines
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.exceptions import NotFound
from rest_framework.renderers import TemplateHTMLRenderer
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

# drf-spectacular's Redoc page loads Google Fonts; ours uses the browser's fonts, so the page
# asks nothing of another site.
REDOC_TEMPLATE = """{% extends "drf_spectacular/redoc.html" %}
{% block head %}
<title>{{ title|default:"Redoc" }}</title>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body { margin: 0; padding: 0; }</style>
{% endblock head %}"""


class RedocRenderer(TemplateHTMLRenderer):
    """Render the Redoc page from REDOC_TEMPLATE."""

    def resolve_template(self, template_names):
        return engines["django"].from_string(REDOC_TEMPLATE)


class RedocView(SpectacularRedocView):
    """Redoc, with no font or script from another site."""

    renderer_classes = [RedocRenderer]


@csrf_exempt  # it changes nothing; a POST here is as not found as a GET
def not_found(request, *args, **kwargs):
    """Answer an address under /api/ that names nothing as the API does: JSON, not the
    site's HTML page (an id that is not a number, `/api/figures/abc/`, lands here)."""
    return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", RedocView.as_view(url_name="api:schema"), name="redoc"),
    path("", include(router.urls)),
    # Only addresses ending in a slash, so that `/api/clusters` still redirects to
    # `/api/clusters/` (APPEND_SLASH) instead of being caught here.
    re_path(r"^[\s\S]*/\Z", not_found),
]
