"""Admin helpers shared by the apps: lists that stay fast on tables of a million rows."""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property


class EstimatedCountPaginator(Paginator):
    """Count an unfiltered list from PostgreSQL's statistics instead of COUNT(*).

    On a big table COUNT(*) reads every row; the planner's estimate (pg_class.reltuples,
    kept by autovacuum/ANALYZE) is instant and good enough for "about N" and page links.
    Filtered lists, small tables and other databases are counted exactly.
    """

    estimate_above = 10_000

    @cached_property
    def count(self):
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is not None and not query.where:
            estimate = table_row_estimate(queryset.model, queryset.db)
            if estimate is not None and estimate > self.estimate_above:
                return estimate
        return super().count


def table_row_estimate(model, using="default"):
    """Return PostgreSQL's estimate of the rows in `model`'s table, or None where unknown."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [model._meta.db_table],
        )
        row = cursor.fetchone()
    if row is None or row[0] < 0:
        return None
    return int(row[0])


class PolicyAdminMixin:
    """Let a model's permission policy decide what an admin user sees and may change.

    A curator sees everything; an agency editor with admin access sees only the rows the
    policy gives them (their agency's), and any other row is simply not found.
    """

    policy = None

    def get_queryset(self, request):
        from .permissions import CHANGE, is_curator

        queryset = super().get_queryset(request)
        if is_curator(request.user):
            return queryset
        allowed = self.policy.instances_user_has_permission_for(request.user, CHANGE)
        return queryset.filter(pk__in=allowed.values("pk"))

    def _allowed(self, request, action, obj):
        return obj is None or self.policy.user_has_permission_for_instance(
            request.user, action, obj
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._allowed(request, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._allowed(request, "delete", obj)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._allowed(request, "change", obj)
