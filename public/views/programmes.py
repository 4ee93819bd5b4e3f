"""Public pages of cluster development programmes: the list of initiatives, an initiative's
page and a cluster's development page (timeline, plan, indicators as small charts).

Views parse the request and call selectors (an initiative's page is laid out by
programmes.page_selectors.initiative_page_layout, as the workspace's is); only published initiatives of published
clusters are public. Pages are kept for anonymous readers by common.page_cache (every
write bumps the public version), and each runs a fixed number of queries.
"""

from django.http import Http404, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from clusters import selectors as cluster_selectors
from clusters.choices import ClusterType
from common.page_cache import kept_until_public_change
from programmes import exports, indicators, page_selectors, selectors
from programmes.choices import InitiativeStage
from programmes.filtersets import InitiativeFilterSet
from programmes.page_selectors import charts, indicator_series, initiative_page_layout
from public.views.lists import FilteredListView, without_blanks

# Views -------------------------------------------------------------------------------------


class InitiativeListView(FilteredListView):
    """The public list of development initiatives with filters, chips and pagination."""

    template_name = "public/programmes/initiative_list.html"

    filterset_class = InitiativeFilterSet

    def get_queryset(self):
        return selectors.initiative_list()

    def get_value_labels(self):
        options = self.options
        return {
            "scheme": {item.slug: str(item) for item in options.schemes},
            "state": {item.slug: str(item) for item in options.states},
            "agency": {item.slug: item.name for item in options.agencies},
        }

    def get(self, request, *args, **kwargs):
        self.options = kept_until_public_change(
            "initiative-filter-options", selectors.initiative_filter_options
        )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = self.request.GET
        context.update(
            options=self.options,
            stage_choices=InitiativeStage.choices,
            type_choices=ClusterType.choices,
            selected={name: data.getlist(name) for name in ("scheme", "state", "agency")},
        )
        return context


class InitiativeExportView(View):
    """The filtered list of public initiatives as CSV, XLSX or JSON (programmes.exports)."""

    file_format = "csv"

    def get(self, request):
        filterset = InitiativeFilterSet(
            without_blanks(request.GET), queryset=selectors.initiative_export_list()
        )
        if not filterset.is_valid():
            message = (
                _("Nothing exported: a filter is invalid.")
                + "\n"
                + "\n".join(
                    f"{name}: {error}"
                    for name, errors in filterset.errors.items()
                    for error in errors
                )
            )
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return exports.initiative_export_response(filterset.qs, file_format=self.file_format)


class MeasurementExportView(View):
    """The public indicator measurements in the import's columns, so that importing the
    file changes nothing (`?cluster=<slug>` keeps one cluster's)."""

    file_format = "csv"

    def get(self, request):
        measurements = exports.public_measurements()
        cluster = request.GET.get("cluster", "").strip()
        if cluster:
            measurements = measurements.filter(cluster__slug=cluster)
        return exports.measurement_export_response(measurements, file_format=self.file_format)


class InitiativeDetailView(TemplateView):
    """The public page of a published initiative; any other is not found (404)."""

    template_name = "public/programmes/initiative_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        initiative = page_selectors.initiative_page(slug=kwargs["slug"])
        if initiative is None:
            raise Http404(_("No published initiative has this address."))
        cluster = initiative.cluster
        page = initiative_page_layout(
            initiative,
            measurements=page_selectors.cluster_measurements(cluster=cluster),
            computed=indicators.computed_values(cluster),
        )
        context.update(initiative=initiative, cluster=cluster, page=page)
        return context


class ClusterDevelopmentView(TemplateView):
    """A published cluster's development: its public initiatives, each with its timeline,
    plan and indicators, and the indicators measured in the cluster."""

    template_name = "public/programmes/cluster_development.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cluster = cluster_selectors.cluster_list().filter(slug=kwargs["slug"]).first()
        if cluster is None:
            raise Http404(_("No published cluster has this address."))
        measurements = page_selectors.cluster_measurements(cluster=cluster)
        computed = indicators.computed_values(cluster)
        initiatives = page_selectors.cluster_initiatives(cluster=cluster)
        pages = [
            initiative_page_layout(initiative, measurements=measurements, computed=computed)
            for initiative in initiatives
        ]
        context.update(
            cluster=cluster,
            pages=pages,
            measured=charts(
                indicator_series(targets=[], measurements=measurements, country=cluster.country),
                prefix="cluster-indicator",
            ),
        )
        return context
