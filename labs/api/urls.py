from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("labs", views.LabViewSet, basename="lab")
router.register("equipment", views.EquipmentViewSet, basename="equipment")
router.register("trainings", views.TrainingViewSet, basename="training")
router.register("bookings", views.BookingViewSet, basename="booking")

urlpatterns = router.urls
