"""The site's URLs."""

from django.contrib import admin
from django.urls import include, path

from clusters.views import HomeView

urlpatterns = [
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
