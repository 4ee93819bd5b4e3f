"""Routes of the cluster API; config/api.py gathers them with the stakeholders' under /api/."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("clusters", views.ClusterViewSet, basename="cluster")
router.register("figures", views.ClusterFigureViewSet, basename="figure")
router.register("sectors", views.SectorViewSet, basename="sector")
router.register("regions", views.RegionViewSet, basename="region")
router.register("benchmarks", views.BenchmarkViewSet, basename="benchmark")
