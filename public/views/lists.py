"""Filtered lists (shared with the stakeholder pages), the public cluster list and its exports.

Views only parse the request and call selectors; everything public starts from a selector
that keeps published clusters only.
"""

from dataclasses import dataclass

from django.http import HttpResponseBadRequest, HttpResponseRedirect, QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from clusters import selectors
from clusters.choices import ClassificationStatus, ClusterType, Origin, Stage, Structure
from clusters.exports import cluster_export_csv, cluster_export_records, export_columns
from clusters.filtersets import ClusterFilterSet
from clusters.size_bands import SIZE_BAND_CHOICES
from common.exports import export_response
from common.page_cache import kept_until_public_change
from jobs.services import may_export
from public import pagination

PAGE_SIZE = 50
NOT_FILTERS = ("page", "ordering")
BOOLEAN_LABELS = {
    "true": gettext_lazy("yes"),
    "yes": gettext_lazy("yes"),
    "1": gettext_lazy("yes"),
    "on": gettext_lazy("yes"),
    "false": gettext_lazy("no"),
    "no": gettext_lazy("no"),
    "0": gettext_lazy("no"),
    "off": gettext_lazy("no"),
}


# Filtered lists (shared with the stakeholder pages) ---------------------------------------


@dataclass(frozen=True)
class Chip:
    """An active filter value, and the address of the same list without it."""

    name: str
    label: str
    value: str
    remove_url: str


@dataclass(frozen=True)
class Suggestion:
    """A filter to relax when nothing matches, and how many results that would give
    (`capped`: more than `count`)."""

    label: str
    count: int
    url: str
    capped: bool = False


def filter_errors(filterset):
    """Return the invalid filters of a bound filterset as (parameter, label, message)."""
    return [
        (name, filterset.filters[name].label if name in filterset.filters else name, message)
        for name, messages in filterset.errors.items()
        for message in messages
    ]


def without_blanks(data):
    """Return `data` (a QueryDict) without blank values. A filter form submits every field,
    so its "Any" choices and empty boxes arrive as `sector=`; blank means no filter, never
    an invalid one (nor an empty slug to look up)."""
    query = QueryDict(mutable=True)
    for name in data:
        values = [value for value in data.getlist(name) if value.strip()]
        if values:
            query.setlist(name, values)
    query._mutable = False
    return query


def _without(data, name, value=None):
    """Return `data` (a QueryDict) without `name` (or only its `value`) and without the page."""
    query = data.copy()
    query.pop("page", None)
    if value is None:
        query.pop(name, None)
    else:
        query.setlist(name, [other for other in data.getlist(name) if other != value])
    return "?" + query.urlencode() if query else "?"


def active_filters(data, filterset, value_labels):
    """Return a Chip for each filter value in `data`; `value_labels` maps {name: {value: label}}."""
    chips = []
    for name in data:
        if name in NOT_FILTERS or name not in filterset.filters:
            continue
        choices = dict(filterset.filters[name].extra.get("choices") or ())
        labels = value_labels.get(name, {})
        for value in dict.fromkeys(data.getlist(name)):
            if not value.strip():
                continue
            shown = labels.get(value) or choices.get(value) or value
            chips.append(
                Chip(
                    name=name,
                    label=str(filterset.filters[name].label),
                    value=str(shown),
                    remove_url=_without(data, name, value),
                )
            )
    return chips


class FilteredListView(TemplateView):
    """A list driven by a FilterSet: invalid filters are reported and give no results (never
    everything), active filters become removable chips, and an empty result says which
    filter to relax."""

    filterset_class = None
    # The kind of export job (jobs.choices.ExportKind) an editor may ask for of the list as
    # filtered (a button beside the downloads), or None.
    export_kind = None
    paginate_by = PAGE_SIZE
    # Read a page's primary keys first, then its rows (see CappedPaginator).
    load_page_by_pk = False
    # At most this many rows are counted and paged (None: pagination.COUNT_CAP), and with a
    # search (`q`) at most `search_count_cap`: the cost of a count, or of the deepest page, is
    # that of reading these rows.
    count_cap = None
    search_count_cap = None

    def get_count_cap(self, data):
        """Return how many rows of the list filtered by `data` are counted and paged at most."""
        caps = [pagination.COUNT_CAP, self.count_cap]
        if data.get("q"):
            caps.append(self.search_count_cap)
        return min(cap for cap in caps if cap)

    def get(self, request, *args, **kwargs):
        # A filter form submitted without JavaScript sends its blank fields too (`sector=`):
        # the reader is sent on to the same list without them, so the address they share or
        # bookmark says only what they chose. Everything below reads the cleaned query.
        cleaned = without_blanks(request.GET)
        if len(cleaned) != len(request.GET) or any(
            len(cleaned.getlist(name)) != len(request.GET.getlist(name)) for name in cleaned
        ):
            query = cleaned.urlencode()
            return HttpResponseRedirect(request.path + (f"?{query}" if query else ""))
        request.GET = cleaned
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        """Return the public queryset the filters narrow."""
        raise NotImplementedError

    def get_value_labels(self):
        """Return {parameter: {value: label}} for chips of values that are slugs or ids."""
        return {}

    def relax_suggestions(self, data, chips):
        """Return, for each active filter, how many results there are without it."""
        suggestions = []
        for name in dict.fromkeys(chip.name for chip in chips):
            query = data.copy()
            query.pop(name, None)
            query.pop("page", None)
            filterset = self.filterset_class(query, queryset=self.get_queryset())
            if not filterset.is_valid():
                continue
            count, capped = pagination.capped_count(filterset.qs, self.get_count_cap(query))
            if count:
                label = ", ".join(
                    f"{chip.label}: {chip.value}" for chip in chips if chip.name == name
                )
                suggestions.append(
                    Suggestion(label=label, count=count, url=_without(data, name), capped=capped)
                )
        return sorted(suggestions, key=lambda suggestion: -suggestion.count)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = self.request.GET
        filterset = self.filterset_class(data, queryset=self.get_queryset())
        valid = filterset.is_valid()
        chips = active_filters(data, filterset, self.get_value_labels())
        page, count, capped, suggestions, page_range = None, 0, False, [], []
        cap = self.get_count_cap(data)
        if valid:
            queryset = filterset.qs
            # A filter may know its list is costly to count (see CountHint).
            hint = getattr(filterset, "count_hint", None)
            cap = min(cap, hint.cap) if hint else cap
            count_plan = getattr(filterset, "count_plan", None)
            paginator = pagination.CappedPaginator(
                queryset,
                self.paginate_by,
                cap=cap,
                count_in_order=bool(hint and hint.in_list_order),
                load_by_pk=self.load_page_by_pk,
                rows=self.get_queryset() if self.load_page_by_pk else None,
                count_plan=count_plan() if count_plan else None,
                keys=filterset.page_keys() if hasattr(filterset, "page_keys") else None,
            )
            page = paginator.get_page(data.get("page"))
            count, capped = paginator.count, paginator.count_capped
            page_range = list(paginator.get_elided_page_range(page.number, on_ends=1))
            if not count and chips:
                suggestions = self.relax_suggestions(data, chips)
        context.update(
            filterset=filterset,
            filter_errors=[] if valid else filter_errors(filterset),
            chips=chips,
            page_obj=page,
            page_range=page_range,
            results=list(page.object_list) if page else [],
            result_count=count,
            count_capped=capped,
            count_cap=cap,
            suggestions=suggestions,
            query=data,
            ordering=data.get("ordering", ""),
            export_query=_without(data, "page")[1:],
            export_job_kind=self.export_kind
            if self.export_kind and may_export(self.request.user)
            else "",
        )
        return context


# Cluster list and exports -----------------------------------------------------------------


class ClusterListView(FilteredListView):
    """The public list of published clusters with filters, sorting and pagination."""

    template_name = "public/clusters/cluster_list.html"
    filterset_class = ClusterFilterSet
    export_kind = "clusters"
    # A row's `figures_year` is a subquery: compute it for the page's rows only.
    load_page_by_pk = True

    def get_queryset(self):
        return selectors.cluster_table().order_by("product", "place", "pk")

    def get_value_labels(self):
        options = self.options
        return {
            "sector": {item.slug: item.name for item in options.sectors},
            "sector_id": {str(item.pk): item.name for item in options.sectors},
            "state": {item.slug: str(item) for item in options.states},
            "state_id": {str(item.pk): str(item) for item in options.states},
            "agency": {item.slug: item.name for item in options.agencies},
            "agency_id": {str(item.pk): item.name for item in options.agencies},
            "artisan": BOOLEAN_LABELS,
            "exporting": BOOLEAN_LABELS,
        }

    def facet_counts(self, field_name):
        """Return {value: count} for a facet over the list filtered by everything else, or
        None when another filter is invalid (no count is then meaningful)."""
        query = self.request.GET.copy()
        query.pop(field_name, None)
        filterset = self.filterset_class(query, queryset=selectors.cluster_list())
        if not filterset.is_valid():
            return None
        return selectors.cluster_facet_counts(filterset.qs, field_name)

    FACETS = ("cluster_type", "classification_status")

    def facets(self, filterset):
        """Return {field name: {value: count} or None} of each facet (see facet_counts).

        With none of the facets filtered on, each counts the list itself: one query over the
        list's own validated filters (`filterset`) counts them all."""
        data = self.request.GET
        if any(name in data for name in self.FACETS) or not filterset.is_valid():
            return {name: self.facet_counts(name) for name in self.FACETS}
        listed = filterset.filter_queryset(selectors.cluster_list())
        return selectors.cluster_facets_counts(listed, self.FACETS)

    def get(self, request, *args, **kwargs):
        self.options = kept_until_public_change(
            "cluster-filter-options", selectors.cluster_filter_options
        )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = self.request.GET
        facets = self.facets(context["filterset"])
        types, statuses = facets["cluster_type"], facets["classification_status"]

        def counted(choices, counts, name):
            selected = data.getlist(name)
            return [
                (value, label, None if counts is None else counts.get(value, 0), value in selected)
                for value, label in choices
            ]

        context.update(
            options=self.options,
            type_choices=counted(ClusterType.choices, types, "cluster_type"),
            status_choices=counted(ClassificationStatus.choices, statuses, "classification_status"),
            size_band_choices=[
                (value, label, value in data.getlist("size_band"))
                for value, label in SIZE_BAND_CHOICES
            ],
            origin_choices=Origin.choices,
            structure_choices=Structure.choices,
            stage_choices=Stage.choices,
            selected_sectors=data.getlist("sector"),
            selected_states=data.getlist("state"),
            selected_agencies=data.getlist("agency"),
        )
        return context


class ClusterExportView(View):
    """The filtered list of published clusters as CSV, XLSX or JSON, in the import format."""

    file_format = "csv"

    def get(self, request):
        # The list's default order, so that the file and the page agree row for row.
        queryset = selectors.cluster_export_list().order_by("product", "place", "pk")
        filterset = ClusterFilterSet(without_blanks(request.GET), queryset=queryset)
        if not filterset.is_valid():
            message = (
                _("Nothing exported: a filter is invalid.")
                + "\n"
                + "\n".join(filterset.error_messages())
            )
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return export_response(
            cluster_export_records(filterset.qs),
            export_columns(),
            file_format=self.file_format,
            name="clusters",
            sheet_title="Clusters",
            records=True,
            csv_text=cluster_export_csv(filterset.qs) if self.file_format == "csv" else None,
        )
