from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("reports", views.ReportExportViewSet, basename="report")

urlpatterns = router.urls
