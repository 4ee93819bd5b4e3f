"""A user's background jobs: the list, one job's progress and outcome, retry (/manage/jobs/).

A user sees only their own jobs and a curator every job; anyone else's job is not found
(404). A running job's page refreshes itself without JavaScript (a meta refresh inside
<noscript>); with it, static/js/job-progress.js polls the progress JSON instead.
"""

import contextlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from common.tabular import write_csv
from jobs import selectors, services
from jobs.choices import ExportKind, JobKind, JobState
from jobs.exports import export_description
from workspace.views.shared import safe_next

PAGE_SIZE = 50
SHOWN_ERRORS = 500
REFRESH_SECONDS = 3


def _job_for(request, pk):
    """Return the job `pk` if the user may see it (else 404), interrupted ones noticed."""
    job = get_object_or_404(selectors.job_list(user=request.user), pk=pk)
    selectors.jobs_mark_interrupted([job])
    return job


class JobListView(LoginRequiredMixin, View):
    """The user's jobs (a curator's: everyone's), newest first."""

    def get(self, request):
        paginator = Paginator(selectors.job_list(user=request.user), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        jobs = selectors.jobs_mark_interrupted(list(page.object_list))
        rows = [(job, selectors.job_progress(job=job)) for job in jobs]
        return render(
            request,
            "workspace/jobs/job_list.html",
            {
                "rows": rows,
                "page_obj": page,
                "page_range": paginator.get_elided_page_range(page.number),
                "refresh": any(not job.is_finished for job in jobs),
                "may_export": services.may_export(request.user),
                "export_kinds": [(value, label.lower()) for value, label in ExportKind.choices],
                "refresh_seconds": REFRESH_SECONDS,
            },
        )


class JobDetailView(LoginRequiredMixin, View):
    """One job: its progress bar while it runs, then its outcome or every error."""

    def get(self, request, pk):
        job = _job_for(request, pk)
        errors = list(job.errors.all()[:SHOWN_ERRORS]) if job.error_count else []
        return render(
            request,
            "workspace/jobs/job_detail.html",
            {
                "job": job,
                "progress": selectors.job_progress(job=job),
                "errors": errors,
                "more_errors": max(0, job.error_count - len(errors)),
                "refresh_seconds": REFRESH_SECONDS,
                "can_retry": job.state in (JobState.INTERRUPTED, JobState.FAILED)
                and not job.error_count
                and not job.file_removed,
                "exported": export_description(job.file_format, job.filters)
                if job.kind == JobKind.EXPORT
                else "",
                "may_export": job.kind == JobKind.EXPORT and services.may_export(request.user),
                "check_keep_hours": settings.REGISTRY_JOB_CHECK_KEEP_HOURS,
                "export_keep_days": settings.REGISTRY_JOB_EXPORT_KEEP_DAYS,
            },
        )


class JobProgressView(LoginRequiredMixin, View):
    """The job's progress as JSON, for the page's script."""

    def get(self, request, pk):
        job = _job_for(request, pk)
        response = JsonResponse(selectors.job_progress(job=job))
        response["Cache-Control"] = "no-store"
        return response


class JobErrorsCsvView(LoginRequiredMixin, View):
    """Every error of the job's file as CSV: row, column, message."""

    def get(self, request, pk):
        job = _job_for(request, pk)
        if not job.error_count:
            raise Http404
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="job-{job.pk}-errors.csv"'
        response.write("\ufeff")
        errors = job.errors.values("row", "column", "message").iterator(chunk_size=5000)
        write_csv(errors, ["row", "column", "message"], response)  # formulas neutralised
        return response


class JobRetryView(LoginRequiredMixin, View):
    """Queue an interrupted (or failed) job again."""

    def post(self, request, pk):
        job = _job_for(request, pk)
        # Nothing to retry (it ran meanwhile)? The page says where it is.
        with contextlib.suppress(ValueError):
            services.job_retry(job=job)
        return redirect(job.get_absolute_url(), permanent=False)


class JobConfirmView(LoginRequiredMixin, View):
    """Queue the import of a big file that its check found valid (its uploader only)."""

    def post(self, request, pk):
        job = _job_for(request, pk)
        try:
            imported = services.job_confirm(job=job, user=request.user)
        except ValueError:
            return redirect(job.get_absolute_url())
        return redirect(imported.get_absolute_url())


class JobExportView(LoginRequiredMixin, View):
    """Queue an export of the records of a kind (`kind`: clusters, the default, stakeholders
    or relationships) that the user may see, kept by a list's filters (`filters`, its query
    string); an invalid filter is said on the page the request came from (`next`)."""

    def post(self, request):
        if not services.may_export(request.user):
            raise Http404
        kind = request.POST.get("kind") or ExportKind.CLUSTERS
        if kind not in ExportKind.values:
            return HttpResponseBadRequest(_("Unknown kind of export."))
        try:
            job = services.job_export_create(
                user=request.user, kind=kind, filters=request.POST.get("filters", "")
            )
        except ValidationError as exc:
            messages.error(
                request,
                _("Nothing exported: a filter is invalid (%(errors)s).")
                % {"errors": "; ".join(exc.messages)},
            )
            return redirect(safe_next(request, reverse("jobs:job_list")))
        return redirect(job.get_absolute_url())


class JobDownloadView(LoginRequiredMixin, View):
    """The file an export job wrote (its requester's, or a curator's); once removed for age
    (jobs_prune), the job's page, which says so."""

    def get(self, request, pk):
        job = _job_for(request, pk)
        if job.kind != JobKind.EXPORT or job.state != JobState.DONE:
            raise Http404
        if job.file_removed:
            return redirect(job.get_absolute_url())
        if not job.file_path:
            raise Http404
        try:
            handle = open(job.file_path, "rb")  # noqa: SIM115 (FileResponse closes it)
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=job.filename,
            content_type="text/csv; charset=utf-8",
        )
