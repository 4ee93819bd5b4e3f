"""The admin's benchmark pages, reclassifying a big registry in a background job."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clusters import services
from clusters.admin import BenchmarkAdmin
from clusters.models import Benchmark
from common.history import change_set

from .models import Job
from .services import reclassification


class JobBenchmarkAdmin(BenchmarkAdmin):
    """Benchmarks as in clusters.admin; the clusters of a changed type are reclassified at
    once up to REGISTRY_JOB_ROWS of them, else by a job (the message links to it)."""

    def _report(self, request, outcome):
        if isinstance(outcome, Job):
            self.message_user(
                request,
                format_html(
                    _('The clusters are reclassified in the background: <a href="{}">the job</a>.'),
                    outcome.get_absolute_url(),
                ),
            )
        else:
            self.message_user(
                request,
                ngettext("%(n)d cluster reclassified.", "%(n)d clusters reclassified.", outcome)
                % {"n": outcome},
            )

    def save_model(self, request, obj, form, change):
        reason = "benchmark changed"
        with change_set(user=request.user, reason=reason):
            outcome = services.benchmark_save(
                benchmark=obj, reclassify=reclassification(user=request.user, reason=reason)
            )
        self._report(request, outcome)

    def delete_model(self, request, obj):
        reason = "benchmark deleted"
        with change_set(user=request.user, reason=reason):
            services.benchmark_delete(
                benchmark=obj, reclassify=reclassification(user=request.user, reason=reason)
            )

    def delete_queryset(self, request, queryset):
        reason = "benchmarks deleted"
        with change_set(user=request.user, reason=reason):
            for benchmark in queryset:
                services.benchmark_delete(
                    benchmark=benchmark,
                    reclassify=reclassification(user=request.user, reason=reason),
                )


admin.site.unregister(Benchmark)
admin.site.register(Benchmark, JobBenchmarkAdmin)
