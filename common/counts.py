"""Counts that never read a million rows: capped, or estimated by PostgreSQL's planner."""

import json
from dataclasses import dataclass

from django.db import connections

COUNT_CAP = 10_000


def capped_count(queryset, cap=COUNT_CAP, *, in_order=False):
    """Return (count, capped): the number of rows of `queryset`, at most `cap`, and whether
    there are more than `cap`. Reads at most `cap` + 1 rows (a COUNT over a LIMIT); with
    `in_order`, the first ones in the queryset's order (the plan of its pages)."""
    if not in_order:
        queryset = queryset.order_by()
    counted = queryset.values("pk")[: cap + 1].count()
    return min(counted, cap), counted > cap


def planner_estimate(queryset):
    """Return PostgreSQL's estimate of the number of rows of `queryset` (from its plan, with
    nothing read), or None on another database."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


@dataclass(frozen=True)
class Count:
    """A number of rows, exact or (`estimated`) rounded from the planner's estimate."""

    value: int
    estimated: bool = False


def _round(value, digits=2):
    """Return `value` rounded to `digits` significant digits (987,654 -> 990,000)."""
    scale = 10 ** max(len(str(value)) - digits, 0)
    return round(value / scale) * scale


def count_or_estimate(queryset, *, exact_up_to=COUNT_CAP):
    """Return the Count of `queryset`: exact up to `exact_up_to` rows, above that PostgreSQL's
    estimate rounded to two significant digits (an exact count elsewhere)."""
    count, capped = capped_count(queryset, exact_up_to)
    if not capped:
        return Count(count)
    estimate = planner_estimate(queryset)
    if estimate is None:
        return Count(queryset.count())
    return Count(_round(max(estimate, exact_up_to + 1)), estimated=True)
