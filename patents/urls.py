from django.urls import path

from . import views

app_name = "patents"

urlpatterns = [
    path("ip/", views.filing_list, name="filing_list"),
    path("ip/new/", views.filing_create, name="filing_create"),
    path("ip/<int:pk>/", views.filing_detail, name="filing_detail"),
    path("ip/<int:pk>/edit/", views.filing_edit, name="filing_edit"),
    path("ip/<int:pk>/withdraw/", views.filing_withdraw, name="filing_withdraw"),
    path("ip/<int:pk>/events/", views.event_create, name="event_create"),
    path("ip/<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("ip/<int:pk>/documents/<int:document_pk>/", views.document_download, name="document_download"),
    path("ip/deadlines/", views.deadline_list, name="deadline_list"),
    path("ip/deadlines/<int:pk>/waive/", views.deadline_waive, name="deadline_waive"),
    path("ip/calendar/", views.feed, name="feed"),
    path("ip/calendar/reset/", views.feed_reset, name="feed_reset"),
    path("ip/calendar/<str:token>.ics", views.feed_ics, name="feed_ics"),
    path("district/ip/", views.indicators, name="indicators"),
]
