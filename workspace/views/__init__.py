"""Editor and curator pages under /manage/: enter clusters, their stakeholders and
relationships, submit them for review; review, archive and merge.

Every view asks the permission policies (clusters/permissions.py, stakeholders/
permissions.py): an anonymous user is sent to the sign-in page, a user without the
permission at all gets 403, and objects come from `instances_user_has_permission_for`, so
another agency's record is simply not found (404). Views parse the request and call the
services; the rules live there.

The pages live in modules by concern (clusters, members, curation, quality; shared holds the
permission mixins and helpers); this package re-exports them for clusters/editing/urls.py.
"""

from workspace.views.clusters import (
    HISTORY_PAGE_SIZE,
    PAGE_SIZE,
    ClusterCreateView,
    ClusterDeleteView,
    ClusterDetailView,
    ClusterEditView,
    ClusterFormMixin,
    ClusterHistoryView,
    ClusterListView,
    ClusterSubmitView,
    ManageHomeView,
)
from workspace.views.curation import (
    ClusterMergeSearchView,
    ClusterMergeView,
    ClusterReviewView,
    MergeSearchView,
    MergeView,
    ReviewQueueView,
    StakeholderMergeSearchView,
    StakeholderMergeView,
)
from workspace.views.members import (
    ClusterRelationshipsView,
    ClusterStakeholdersView,
    MembershipRemoveView,
    RelationshipRemoveView,
    StakeholderCreateView,
    StakeholderEditView,
    StakeholderLinkView,
)
from workspace.views.quality import QualityDeskView
from workspace.views.revisions import (
    RevisionDecideView,
    RevisionDetailView,
    RevisionQueueView,
    RevisionWithdrawView,
)
from workspace.views.shared import (
    ClusterMixin,
    PolicyRequiredMixin,
    option_lists,
    review_auto_id,
    safe_next,
)

__all__ = [
    "HISTORY_PAGE_SIZE",
    "PAGE_SIZE",
    "ClusterCreateView",
    "ClusterDeleteView",
    "ClusterDetailView",
    "ClusterEditView",
    "ClusterFormMixin",
    "ClusterHistoryView",
    "ClusterListView",
    "ClusterMergeSearchView",
    "ClusterMergeView",
    "ClusterMixin",
    "ClusterRelationshipsView",
    "ClusterReviewView",
    "ClusterStakeholdersView",
    "ClusterSubmitView",
    "ManageHomeView",
    "MembershipRemoveView",
    "MergeSearchView",
    "MergeView",
    "PolicyRequiredMixin",
    "QualityDeskView",
    "RelationshipRemoveView",
    "ReviewQueueView",
    "RevisionDecideView",
    "RevisionDetailView",
    "RevisionQueueView",
    "RevisionWithdrawView",
    "StakeholderCreateView",
    "StakeholderEditView",
    "StakeholderLinkView",
    "StakeholderMergeSearchView",
    "StakeholderMergeView",
    "option_lists",
    "review_auto_id",
    "safe_next",
]
