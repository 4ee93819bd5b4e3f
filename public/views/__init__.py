"""Public pages of the registry: home, the cluster list and its exports, profiles, statistics.

Views only parse the request and call selectors; everything public starts from a selector
that keeps published clusters only. The pages live in modules by concern; this package
re-exports them, so `from clusters.views import HomeView` and `views.ClusterListView` work.
"""

from public.views.about import AboutDataView, TextBlock, text_blocks
from public.views.home_stats import Cell, HomeView, StatsChart, StatsCsvView, StatsRow, StatsView
from public.views.lists import (
    Chip,
    ClusterExportView,
    ClusterListView,
    FilteredListView,
    Suggestion,
    active_filters,
    filter_errors,
    without_blanks,
)
from public.views.profile import ClusterDetailView

__all__ = [
    "AboutDataView",
    "Cell",
    "Chip",
    "ClusterDetailView",
    "ClusterExportView",
    "ClusterListView",
    "FilteredListView",
    "HomeView",
    "StatsChart",
    "StatsCsvView",
    "StatsRow",
    "StatsView",
    "Suggestion",
    "TextBlock",
    "active_filters",
    "filter_errors",
    "text_blocks",
    "without_blanks",
]
