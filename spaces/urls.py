from django.urls import path

from . import views

app_name = "spaces"

urlpatterns = [
    path("spaces/", views.index, name="index"),
    path("spaces/sites/<int:pk>/", views.site_board, name="site_board"),
    path("spaces/requests/", views.request_list, name="request_list"),
    path("spaces/requests/new/", views.request_create, name="request_create"),
    path("spaces/requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("spaces/requests/<int:pk>/offer/", views.request_offer, name="request_offer"),
    path("spaces/requests/<int:pk>/decline/", views.request_decline, name="request_decline"),
    path("spaces/requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("spaces/allocations/<int:pk>/", views.allocation_detail, name="allocation_detail"),
    *[
        path(
            f"spaces/allocations/<int:pk>/{action}/",
            views.allocation_change,
            {"action": action},
            name=f"allocation_{action}",
        )
        for action in ("end", "extend", "move")
    ],
]
