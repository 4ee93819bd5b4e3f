"""Background job pages (namespace `jobs`), under /manage/jobs/."""

from django.urls import path

from workspace.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.JobListView.as_view(), name="job_list"),
    path("export/", views.JobExportView.as_view(), name="job_export"),
    path("<uuid:pk>/download/", views.JobDownloadView.as_view(), name="job_download"),
    path("<uuid:pk>/", views.JobDetailView.as_view(), name="job_detail"),
    path("<uuid:pk>/progress.json", views.JobProgressView.as_view(), name="job_progress"),
    path("<uuid:pk>/errors.csv", views.JobErrorsCsvView.as_view(), name="job_errors"),
    path("<uuid:pk>/retry/", views.JobRetryView.as_view(), name="job_retry"),
    path("<uuid:pk>/confirm/", views.JobConfirmView.as_view(), name="job_confirm"),
]
