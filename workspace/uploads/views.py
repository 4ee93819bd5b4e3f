"""Upload a spreadsheet: preview every change and error, then confirm (/manage/upload/).

A file of more than REGISTRY_JOB_ROWS rows is checked, then imported, by background jobs
(jobs/): the user is sent to the check's page, which shows its progress and then the
preview's figures or every mistake, with the button that queues the import.
"""

import io

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from clusters.permissions import cluster_policy
from common.permissions import IMPORT
from common.tabular import write_csv, write_xlsx
from jobs import services as job_services
from workspace.uploads import services
from workspace.uploads.forms import UploadForm

PREVIEW_ROWS = 200


class ImportPermissionMixin(LoginRequiredMixin):
    """Only agency editors and curators import; anyone else signed in gets 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not cluster_policy.user_has_permission(
            request.user, IMPORT
        ):
            raise PermissionDenied(_("Only agency editors and curators may import files."))
        return super().dispatch(request, *args, **kwargs)


class UploadView(ImportPermissionMixin, View):
    """Show the form; on a file, validate it and show the preview (nothing written)."""

    template_name = "workspace/uploads/upload.html"

    def get(self, request):
        return render(
            request, self.template_name, {"form": UploadForm(), "formats": services.FORMATS}
        )

    def post(self, request):
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(
                request, self.template_name, {"form": form, "formats": services.FORMATS}, status=400
            )
        fmt = services.FORMATS[form.cleaned_data["kind"]]
        uploaded = form.cleaned_data["file"]
        token = services.pending_save(user=request.user, uploaded=uploaded)
        path = services.pending_path(user=request.user, token=token)
        total = job_services.table_row_count(path, file_format=fmt.slug)
        if total > settings.REGISTRY_JOB_ROWS:  # checked by a job too; confirmed on its page
            job = job_services.job_upload_create(
                user=request.user,
                file_format=fmt.slug,
                path=path,
                filename=uploaded.name[:200],
                total=total,
                dry_run=True,
            )
            return redirect(job.get_absolute_url())
        result = services.upload_preview(fmt=fmt, user=request.user, path=path)
        return render(
            request,
            "workspace/uploads/preview.html",
            {
                "fmt": fmt,
                "result": result,
                "rows": result.rows[:PREVIEW_ROWS],
                "more_rows": max(0, result.row_count - PREVIEW_ROWS),
                "token": token,
                "digest": services.pending_digest(path),
                "filename": uploaded.name,
            },
        )


class UploadConfirmView(ImportPermissionMixin, View):
    """Write the previewed file, all or nothing, as one change set."""

    def post(self, request):
        fmt = services.FORMATS.get(request.POST.get("kind", ""))
        if fmt is None:
            raise Http404
        filename = request.POST.get("filename", "upload")[:200]
        try:
            path = services.pending_path(user=request.user, token=request.POST.get("token", ""))
        except ValidationError as exc:
            return render(
                request, "workspace/uploads/done.html", {"expired": exc.messages[0]}, status=410
            )
        if services.pending_digest(path) != request.POST.get("digest"):
            raise PermissionDenied
        total = job_services.table_row_count(path, file_format=fmt.slug)
        if total > settings.REGISTRY_JOB_ROWS:
            job = job_services.job_upload_create(
                user=request.user, file_format=fmt.slug, path=path, filename=filename, total=total
            )
            return redirect(job.get_absolute_url())
        result = services.upload_import(fmt=fmt, user=request.user, path=path, filename=filename)
        if not result.ok:
            return render(
                request,
                "workspace/uploads/preview.html",
                {"fmt": fmt, "result": result, "rows": [], "filename": filename},
                status=409,
            )
        return render(
            request,
            "workspace/uploads/done.html",
            {"fmt": fmt, "result": result, "filename": filename},
        )


class TemplateDownloadView(ImportPermissionMixin, View):
    """Download an empty file of a format (CSV or XLSX): the header row to fill in."""

    def get(self, request, kind, extension):
        fmt = services.FORMATS.get(kind)
        if fmt is None or extension not in ("csv", "xlsx"):
            raise Http404
        if extension == "csv":
            stream = io.StringIO()
            write_csv([], fmt.columns, stream)
            response = HttpResponse(
                "\ufeff" + stream.getvalue(), content_type="text/csv; charset=utf-8"
            )
        else:
            stream = io.BytesIO()
            write_xlsx([], fmt.columns, stream, title=str(fmt.label))
            response = HttpResponse(
                stream.getvalue(),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{kind}-template.{extension}"'
        return response
