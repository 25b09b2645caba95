from django.urls import path

from . import views

app_name = "labs"

urlpatterns = [
    path("labs/", views.lab_list, name="lab_list"),
    path("labs/<int:pk>/", views.lab_detail, name="lab_detail"),
    path("labs/<int:pk>/day/", views.lab_day, name="lab_day"),
    path("labs/utilisation/", views.utilisation, name="utilisation"),
    path("labs/equipment/<int:pk>/", views.equipment_calendar, name="equipment_calendar"),
    path("labs/equipment/<int:pk>/book/", views.booking_new, name="booking_new"),
    path("labs/bookings/", views.booking_list, name="booking_list"),
    path("labs/bookings/<int:pk>/", views.booking_detail, name="booking_detail"),
    *[
        path(
            f"labs/bookings/<int:pk>/{action.replace('_', '-')}/",
            views.booking_action,
            {"action": action},
            name=f"booking_{action}",
        )
        for action in ("cancel", "confirm", "decline", "no_show")
    ],
    path("labs/calendar/rotate/", views.calendar_rotate, name="calendar_rotate"),
    path("labs/calendar/<slug:token>.ics", views.calendar_feed, name="calendar_feed"),
]
