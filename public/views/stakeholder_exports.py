"""Downloads of the public stakeholder and relationship lists, and the relationship list."""

from django.http import Http404, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.views import View

from common.exports import FORMATS, export_response
from public import pagination
from public.views import FilteredListView, without_blanks
from stakeholders import selectors
from stakeholders.exports import (
    RELATIONSHIP_EXPORT_COLUMNS,
    STAKEHOLDER_EXPORT_COLUMNS,
    public_relationships,
    relationship_export_rows,
    stakeholder_export_rows,
)
from stakeholders.filtersets import RelationshipFilterSet, StakeholderFilterSet


def _invalid(filterset):
    message = (
        _("Nothing exported: a filter is invalid.")
        + "\n"
        + "\n".join(
            f"{name}: {error}" for name, errors in filterset.errors.items() for error in errors
        )
    )
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


class StakeholderExportView(View):
    """The filtered stakeholder list, one row per published cluster it belongs to, in the
    stakeholder import format (CSV, XLSX or JSON)."""

    def get(self, request, file_format):
        if file_format not in FORMATS:
            raise Http404
        filterset = StakeholderFilterSet(
            without_blanks(request.GET), queryset=selectors.stakeholder_public()
        )
        if not filterset.is_valid():
            return _invalid(filterset)
        return export_response(
            stakeholder_export_rows(filterset.qs),
            STAKEHOLDER_EXPORT_COLUMNS,
            file_format=file_format,
            name="stakeholders",
            sheet_title="Stakeholders",
        )


class RelationshipListView(FilteredListView):
    """Relationships within published clusters, filtered, with downloads."""

    template_name = "public/stakeholders/relationship_list.html"
    filterset_class = RelationshipFilterSet
    # A page's order needs the source's name only: sort the primary keys, then read the page's
    # rows with both ends and the cluster (see CappedPaginator).
    load_page_by_pk = True
    count_cap = pagination.LONG_LIST_COUNT_CAP
    search_count_cap = pagination.SEARCH_COUNT_CAP

    def get_queryset(self):
        return selectors.relationship_list()


class RelationshipExportView(View):
    """The filtered relationships in the relationship import format (CSV, XLSX or JSON)."""

    def get(self, request, file_format):
        if file_format not in FORMATS:
            raise Http404
        filterset = RelationshipFilterSet(
            without_blanks(request.GET), queryset=public_relationships()
        )
        if not filterset.is_valid():
            return _invalid(filterset)
        return export_response(
            relationship_export_rows(filterset.qs),
            RELATIONSHIP_EXPORT_COLUMNS,
            file_format=file_format,
            name="relationships",
            sheet_title="Relationships",
        )
