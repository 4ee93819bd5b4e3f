"""Forms of the editor pages.

They validate a cluster, a stakeholder or a relationship the way the importers validate a
row (the same fields from clusters/imports.py and common/forms.py, the same services for
identity, years and roles), with the widgets, labels and hints a person typing needs.

The forms live in modules by concern (clusters, members, curation, quality; shared holds the
helpers); this package re-exports them for the views and the tests.
"""

from workspace.forms.clusters import (
    DESCRIPTOR_FIELDS,
    FIGURE_FIELDS,
    YES_NO,
    ClusterFilterForm,
    ClusterForm,
    yes_no_initial,
)
from workspace.forms.curation import MergeConfirmForm, MergePickForm, ReviewForm
from workspace.forms.members import LinkForm, MemberChoiceField, RelationshipForm, StakeholderForm
from workspace.forms.quality import QualityFilterForm
from workspace.forms.shared import GroupedFieldsMixin, add_service_errors, blank_first

__all__ = [
    "DESCRIPTOR_FIELDS",
    "FIGURE_FIELDS",
    "YES_NO",
    "ClusterFilterForm",
    "ClusterForm",
    "GroupedFieldsMixin",
    "LinkForm",
    "MemberChoiceField",
    "MergeConfirmForm",
    "MergePickForm",
    "QualityFilterForm",
    "RelationshipForm",
    "ReviewForm",
    "StakeholderForm",
    "add_service_errors",
    "blank_first",
    "yes_no_initial",
]
