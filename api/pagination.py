"""Pagination of the API's lists.

Big lists (clusters, stakeholders, memberships, relationships, figures) use cursors: pages
ordered by the primary key, each fetched with `id > last` so that no page costs more than
the first and nothing repeats or is skipped while rows are added. A list sorted with the
FilterSet's `ordering` parameter keeps that order (it ends with the primary key, so it is
stable) and its cursors carry an offset instead. Small tables use page numbers.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination, PageNumberPagination
from rest_framework.utils.urls import remove_query_param

# Enough for the largest table's id; a larger position cannot be a real row.
MAX_POSITION = 2**63 - 1


class StrictPageSizeMixin:
    """`page_size` is a whole number from 1 (more than the maximum gives the maximum); any
    other value is a 400 naming it, never silently the default. Blank is not given."""

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param, "").strip()
        if not raw:
            return self.page_size
        digits = raw.lstrip("0")
        if not (raw.isascii() and raw.isdigit() and digits):
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Give a whole number of rows from 1 to %(max)d.")
                        % {"max": self.max_page_size}
                    ]
                }
            )
        return self.max_page_size if len(digits) > 6 else min(int(digits), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["schema"].get("type") == "integer":
                parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = str(
                    _("Rows per page, from 1 to %(max)d (more gives %(max)d).")
                    % {"max": self.max_page_size}
                )
        return parameters


class RegistryCursorPagination(StrictPageSizeMixin, CursorPagination):
    """Cursor pages of 50 (up to 500 with `page_size`), by id unless `ordering` is given."""

    ordering = ("id",)
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    # The FilterSet's sort parameter; when present its order is kept (offset cursors).
    sort_query_param = "ordering"
    # How deep a sorted list can be paged (rows); the id order has no limit.
    sorted_offset_cutoff = 100_000
    cursor_query_description = _(
        "The pagination cursor: take it from the `next` or `previous` link of a page."
    )

    def is_sorted(self, request):
        """Return whether the client sorts the list with the FilterSet's `ordering`."""
        return any(value.strip() for value in request.query_params.getlist(self.sort_query_param))

    def paginate_queryset(self, queryset, request, view=None):
        self.sorted = self.is_sorted(request)
        if not self.sorted:
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        self.base_url = request.build_absolute_uri()
        self.page_size = self.get_page_size(request)
        self.offset_cutoff = self.sorted_offset_cutoff
        self.cursor = self.decode_cursor(request)
        self.offset = self.cursor.offset if self.cursor else 0
        rows = list(queryset[self.offset : self.offset + self.page_size + 1])
        self.page = rows[: self.page_size]
        self.has_next = len(rows) > self.page_size
        self.has_previous = self.offset > 0
        self.display_page_controls = self.has_next or self.has_previous
        return self.page

    def decode_cursor(self, request):
        """Return the cursor of the request; a position that is not an id is not found (404)."""
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            position = cursor.position
            if not (position.isascii() and position.isdigit() and int(position) <= MAX_POSITION):
                raise NotFound(self.invalid_cursor_message)
        return cursor

    def get_next_link(self):
        if not self.sorted:
            return super().get_next_link()
        if not self.has_next:
            return None
        return self.encode_cursor(
            Cursor(offset=self.offset + self.page_size, reverse=False, position=None)
        )

    def get_previous_link(self):
        if not self.sorted:
            return super().get_previous_link()
        if not self.has_previous:
            return None
        offset = max(self.offset - self.page_size, 0)
        if offset == 0:
            return remove_query_param(self.base_url, self.cursor_query_param)
        return self.encode_cursor(Cursor(offset=offset, reverse=False, position=None))


class SmallTablePagination(StrictPageSizeMixin, PageNumberPagination):
    """Page numbers for small reference tables (regions, sectors, benchmarks)."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
