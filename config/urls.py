"""The site's URLs."""

from django.contrib import admin
from django.urls import include, path

from common import health
from public.views import HomeView
from public.views.language import set_language

# A lost database answers 503 "temporarily unavailable", any other error Django's 500 page.
handler500 = health.server_error

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("", HomeView.as_view(), name="home"),
    path("language/", set_language, name="set_language"),
    path("", include("public.urls.clusters")),
    path("stakeholders/", include("public.urls.stakeholders")),
    path("programmes/", include("public.urls.programmes")),
    path("relationships/", include("public.urls.relationships")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("accounts/", include("accounts.urls")),
    path("manage/upload/", include("workspace.uploads.urls")),
    path("manage/jobs/", include("workspace.jobs.urls")),
    path("manage/", include("workspace.urls")),
    path("manage/", include("workspace.network_urls")),
    path("manage/", include("workspace.programme_urls")),
]
