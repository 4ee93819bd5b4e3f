"""Routes of the stakeholder API; config/api.py gathers them with the clusters' under /api/."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("stakeholders", views.StakeholderViewSet, basename="stakeholder")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("relationships", views.RelationshipViewSet, basename="relationship")
