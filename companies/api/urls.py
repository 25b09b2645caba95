from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("companies", views.CompanyViewSet, basename="company")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("admissions", views.AdmissionViewSet, basename="admission")
router.register("designations", views.DesignationViewSet, basename="designation")
router.register("year-figures", views.YearFiguresViewSet, basename="year-figures")
router.register("awards", views.AwardViewSet, basename="award")
router.register("consultations", views.ConsultationViewSet, basename="consultation")

urlpatterns = router.urls
