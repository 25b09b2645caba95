from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("programmes", views.ProgrammeViewSet, basename="programme")
router.register("funding-applications", views.FundingApplicationViewSet, basename="funding-application")
router.register("disbursements", views.DisbursementViewSet, basename="disbursement")
router.register("sponsors", views.SponsorViewSet, basename="sponsor")
router.register("introductions", views.IntroductionViewSet, basename="introduction")
router.register("investments", views.InvestmentViewSet, basename="investment")
router.register("funding-ledgers", views.FundingLedgerViewSet, basename="funding-ledger")

urlpatterns = [
    path("funding-totals/", views.FundingTotalsApi.as_view(), name="funding-totals"),
    *router.urls,
]
