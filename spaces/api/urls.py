from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("spaces", views.SpaceViewSet, basename="space")
router.register("allocations", views.AllocationViewSet, basename="allocation")
router.register("space-requests", views.SpaceRequestViewSet, basename="space-request")

urlpatterns = router.urls
