from django.urls import path

from . import views

app_name = "reports"

# /district/ip/ belongs to the patents app; nothing here matches it.
urlpatterns = [
    path("district/", views.dashboard, name="dashboard"),
    path("district/sites/<int:pk>/", views.site_dashboard, name="site_dashboard"),
    path("district/reports/", views.export_list, name="export_list"),
    path("district/reports/<int:pk>/status/", views.export_status, name="export_status"),
    path("district/reports/<int:pk>/regenerate/", views.export_regenerate, name="export_regenerate"),
    path("district/reports/<int:pk>/download/", views.export_download, name="export_download"),
]
