"""The curators' data-quality desk: each check's count, a page of one list, its CSV."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView

from clusters.permissions import PUBLISH
from common.exports import export_response
from workspace import quality
from workspace.forms import QualityFilterForm
from workspace.views.shared import PolicyRequiredMixin


class CountedPaginator(Paginator):
    """A paginator told its count (the desk's summary has just counted the list), so that
    the list is not counted twice."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached property


class QualityDeskView(PolicyRequiredMixin, TemplateView):
    """Curators only (as the review queue: an editor gets 403). `?list=<name>` shows one
    list's records a page at a time; `?export=<name>` downloads it as CSV; both take the
    filters (agency, state, years, percent)."""

    template_name = "workspace/quality.html"
    action = PUBLISH

    def get(self, request, *args, **kwargs):
        self.form = QualityFilterForm(request.GET or None)
        self.filters = self.form.filters()
        name = request.GET.get("export")
        if name:
            check = self._check(name)
            if check.queryset(self.filters) is None:
                # Nothing to download before a state is chosen: the list says so.
                query = request.GET.copy()
                query.pop("export")
                query["list"] = name
                return redirect(f"{reverse('editing:quality')}?{query.urlencode()}")
            return export_response(
                check.export_rows(self.filters),
                check.columns,
                file_format="csv",
                name=f"quality-{name}",
                records=True,
            )
        return super().get(request, *args, **kwargs)

    @staticmethod
    def _check(name):
        try:
            return quality.CHECKS[name]
        except KeyError:
            raise Http404("No such list") from None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        summary = []
        for check in quality.CHECKS.values():
            counted = check.count(self.filters)
            summary.append(
                {
                    "check": check,
                    "count": None if counted is None else counted[0],
                    "capped": bool(counted and counted[1]),
                }
            )
        current = None
        name = self.request.GET.get("list")
        if name:
            check = self._check(name)
            current = {"check": check, "needs_state": False}
            current["summary"] = next(row for row in summary if row["check"] is check)
            if check.queryset(self.filters) is None:
                current["needs_state"] = True
            else:
                paginator = CountedPaginator(
                    check.listed(self.filters),
                    quality.PAGE_SIZE,
                    count=current["summary"]["count"],
                )
                page = paginator.get_page(self.request.GET.get("page"))
                current.update(
                    rows=check.present_rows(page.object_list, self.filters),
                    template=check.template,
                )
                context.update(
                    page_obj=page,
                    page_range=list(paginator.get_elided_page_range(page.number, on_ends=1)),
                )
        context.update(form=self.form, filters=self.filters, summary=summary, current=current)
        return context
