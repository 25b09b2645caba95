from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("sites", views.SiteViewSet, basename="site")

urlpatterns = [
    path("auth/token/", views.AuthTokenApi.as_view(), name="auth-token"),
    path("users/me/", views.MeApi.as_view(), name="user-me"),
    *router.urls,
]
