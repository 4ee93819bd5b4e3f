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
    relationship_export_csv,
    relationship_export_records,
    stakeholder_export_csv,
    stakeholder_export_records,
)
from stakeholders.filtersets import RelationshipFilterSet, StakeholderFilterSet
from stakeholders.models import Stakeholder


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
        # Every stakeholder, not only the public ones: each row is a membership of a
        # published cluster, so its stakeholder is public (stakeholder_export_values).
        filterset = StakeholderFilterSet(
            without_blanks(request.GET), queryset=Stakeholder.objects.all()
        )
        if not filterset.is_valid():
            return _invalid(filterset)
        return export_response(
            stakeholder_export_records(filterset.qs),
            STAKEHOLDER_EXPORT_COLUMNS,
            file_format=file_format,
            name="stakeholders",
            sheet_title="Stakeholders",
            records=True,
            csv_text=stakeholder_export_csv(filterset.qs) if file_format == "csv" else None,
        )


class RelationshipListView(FilteredListView):
    """Relationships within published clusters, filtered, with downloads."""

    template_name = "public/stakeholders/relationship_list.html"
    filterset_class = RelationshipFilterSet
    export_kind = "relationships"
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
            relationship_export_records(filterset.qs),
            RELATIONSHIP_EXPORT_COLUMNS,
            file_format=file_format,
            name="relationships",
            sheet_title="Relationships",
            records=True,
            csv_text=relationship_export_csv(filterset.qs) if file_format == "csv" else None,
        )
