"""The site's URLs."""

from django.contrib import admin
from django.urls import include, path

from clusters.views import HomeView
from common import health

# A lost database answers 503 "temporarily unavailable", any other error Django's 500 page.
handler500 = health.server_error

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("", HomeView.as_view(), name="home"),
    path("", include("clusters.urls")),
    path("stakeholders/", include("stakeholders.urls")),
    path("relationships/", include("stakeholders.relationship_urls")),
    path("admin/", admin.site.urls),
    path("api/", include("config.api")),
    path("accounts/", include("accounts.urls")),
    path("manage/upload/", include("clusters.uploads.urls")),
    path("manage/", include("clusters.editing.urls")),
    path("manage/", include("stakeholders.network_urls")),
]
