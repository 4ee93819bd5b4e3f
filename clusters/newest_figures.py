"""Each cluster's newest figure, kept on the cluster (`Cluster.newest_figure`).

The newest figure is the one of the latest year (the first year of '2015-16'; a blank or
unreadable year counts as 0), the last recorded among equals: what an export shows as the
cluster's figures year, estimate and source. Every write of figures keeps it:
services.cluster_refresh_current_figures (recording, the admin, merges, revisions) picks it
from the figures it has read; the paths that write figures as rows (the bulk import, the
synthetic data) set it in one statement for the clusters they wrote.
"""

import re

from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Cast, Substr

from .models import Cluster, ClusterFigure

# The year key, in Python and in SQL alike: ASCII digits only, as PostgreSQL's [0-9].
_YEAR = re.compile(r"[0-9]{4}(-[0-9]{2})?")


def figure_year_key(year):
    """Return the sort key of a figure's `year`: its first year, 0 when it has none."""
    return int(year[:4]) if _YEAR.fullmatch(year or "") else 0


def year_key_sql():
    """Return figure_year_key as an expression on ClusterFigure."""
    return Case(
        When(
            year__regex=r"^[0-9]{4}(-[0-9]{2})?$", then=Cast(Substr("year", 1, 4), IntegerField())
        ),
        default=Value(0),
    )


def newest_figure_of(figures):
    """Return the newest of `figures` (saved ClusterFigures of one cluster), or None."""
    return max(figures, key=lambda f: (figure_year_key(f.year), f.pk), default=None)


def newest_figures_refresh(*, cluster_ids):
    """Set the newest figure of the clusters `cluster_ids` from their stored figures, in
    one statement (no history row, no version raised: nothing a user entered changes)."""
    newest = (
        ClusterFigure.objects.filter(cluster=OuterRef("pk"))
        .order_by(year_key_sql().desc(), "-pk")
        .values("pk")[:1]
    )
    Cluster.objects.filter(pk__in=cluster_ids).update(newest_figure=Subquery(newest))
