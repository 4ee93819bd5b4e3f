"""The REST API under /api/: one router for the clusters' and stakeholders' viewsets, the
OpenAPI schema and its docs pages (Swagger UI, Redoc) served from our own static files."""

from django.template import engines
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.renderers import TemplateHTMLRenderer
from rest_framework.routers import DefaultRouter

from clusters.api.urls import router as clusters_router
from stakeholders.api.urls import router as stakeholders_router

app_name = "api"

router = DefaultRouter()
router.registry.extend(clusters_router.registry)
router.registry.extend(stakeholders_router.registry)

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


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", RedocView.as_view(url_name="api:schema"), name="redoc"),
    path("", include(router.urls)),
]
