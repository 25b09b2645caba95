from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

api_v1 = [
    path("", include("incubator.api.urls")),
    path("", include("companies.api.urls")),
    path("", include("spaces.api.urls")),
    path("", include("patents.api.urls")),
    path("", include("funding.api.urls")),
    path("", include("labs.api.urls")),
    path("", include("reports.api.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("", include("incubator.urls")),
    path("", include("companies.urls")),
    path("", include("spaces.urls")),
    path("", include("patents.urls")),
    path("", include("funding.urls")),
    path("", include("labs.urls")),
    path("", include("reports.urls")),
]

handler400 = "incubator.views.bad_request"
handler403 = "incubator.views.permission_denied"
handler404 = "incubator.views.page_not_found"
handler500 = "incubator.views.server_error"
