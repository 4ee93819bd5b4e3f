"""Merging a duplicate cluster or stakeholder into the record that survives.

- `services`: the merges themselves (one transaction, one change set each);
- `comparison`: both records side by side, the warnings, the values a curator may choose;
- `search`: the records a curator may merge, found by name, product or place.
"""

from .services import (
    CLUSTER_CHOOSABLE,
    STAKEHOLDER_CHOOSABLE,
    cluster_merge,
    stakeholder_merge,
)

__all__ = ["CLUSTER_CHOOSABLE", "STAKEHOLDER_CHOOSABLE", "cluster_merge", "stakeholder_merge"]
