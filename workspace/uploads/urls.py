"""Upload pages (namespace `uploads`), under /manage/upload/."""

from django.urls import path

from workspace.uploads import views

app_name = "uploads"

urlpatterns = [
    path("", views.UploadView.as_view(), name="upload"),
    path("confirm/", views.UploadConfirmView.as_view(), name="confirm"),
    path(
        "template/<slug:kind>.<str:extension>",
        views.TemplateDownloadView.as_view(),
        name="template",
    ),
]
