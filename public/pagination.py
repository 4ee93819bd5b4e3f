"""Pagination of the public lists that stays fast over millions of rows.

A list of a million stakeholders never counts them all: it counts at most `COUNT_CAP` + 1
rows (`SELECT COUNT(*) FROM (... LIMIT 10001)`), says "more than 10,000" above that and
pages through the first `COUNT_CAP` rows only (a reader narrows the filters to reach the
others), so the deepest page reads at most `COUNT_CAP` rows in index order.
"""

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

from common.counts import COUNT_CAP, capped_count

__all__ = [
    "COUNT_CAP",
    "LONG_LIST_COUNT_CAP",
    "SEARCH_COUNT_CAP",
    "CappedPaginator",
    "capped_count",
]

# The stakeholder and relationship lists (a million rows, each tested for being public as it
# is read) count and page fewer rows, and fewer still for a search.
LONG_LIST_COUNT_CAP = 2_000
SEARCH_COUNT_CAP = 1_000


class CappedPaginator(Paginator):
    """A Paginator that counts at most `cap` rows (`count_capped` says there are more) and
    offers the pages of those rows only.

    With `load_by_pk`, a page is read in two queries: the primary keys of its rows (in the
    list's order, without the annotations a row shows), then those rows with everything
    annotated. Use it where an annotation (a subquery per row) would otherwise be computed
    for every row skipped on the way to a deep page. `rows` (default: the list) is the
    queryset those rows are read from: the list before its filters (the same joins and
    annotations), as the page's keys were found through the filters already.

    With `count_plan` (parts, few): if one of `parts` (querysets of some of the list's rows)
    has more than `cap` rows, so has the list, and it is not counted; otherwise `few` (the
    same rows as the list, in the same order, in a form cheap when they are few) is counted
    and, when within the cap, the pages are read from it. With `count_in_order`, the rows
    counted are read in the list's order (for a list whose pages are found that way).

    With `load_by_pk` and `keys`, a function (low, high) -> the primary keys of the list's
    rows low to high in its order, or None, a page's keys come from it when it gives them
    (a plan the list knows is faster for its rows than the list's own query).
    """

    def __init__(
        self,
        object_list,
        per_page,
        *,
        cap=None,
        load_by_pk=False,
        rows=None,
        count_plan=None,
        count_in_order=False,
        keys=None,
        **kwargs,
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap
        self.load_by_pk = load_by_pk
        self.rows = rows
        self.count_plan = count_plan or ([], None)
        self.count_in_order = count_in_order
        self.keys = keys

    @cached_property
    def _capped_count(self):
        parts, few = self.count_plan
        for part in parts:
            if capped_count(part, self.cap)[1]:
                return self.cap, True
        if few is None:
            return capped_count(self.object_list, self.cap, in_order=self.count_in_order)
        count, capped = capped_count(few, self.cap)
        if not capped:
            # Counted before any page is sliced: the pages come from the cheaper form.
            self.object_list = few
        return count, capped

    @property
    def count(self):
        return self._capped_count[0]

    @property
    def count_capped(self):
        """Return whether there are more rows than `count` (which is then the cap)."""
        return self._capped_count[1]

    def _get_page(self, object_list, number, paginator):
        if self.load_by_pk:
            object_list = self._rows_by_pk(object_list)
        return Page(object_list, number, paginator)

    def _rows_by_pk(self, sliced):
        found = self.keys(sliced.query.low_mark, sliced.query.high_mark) if self.keys else None
        ids = list(sliced.values_list("pk", flat=True) if found is None else found)
        if not ids:
            return []
        position = {pk: index for index, pk in enumerate(ids)}
        rows = (self.object_list if self.rows is None else self.rows).order_by()
        rows = rows.filter(pk__in=ids)
        return sorted(rows, key=lambda row: position[row.pk])
