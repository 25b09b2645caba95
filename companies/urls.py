from django.urls import path

from . import views

app_name = "companies"

urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("companies/", views.company_list, name="list"),
    path("companies/<int:pk>/", views.company_detail, name="detail"),
    path("companies/<int:pk>/edit/", views.company_edit, name="edit"),
    path("companies/<int:pk>/team/invite/", views.team_invite, name="team_invite"),
    path("companies/<int:pk>/team/<int:membership_pk>/role/", views.team_role, name="team_role"),
    path("companies/<int:pk>/team/<int:membership_pk>/remove/", views.team_remove, name="team_remove"),
    path("companies/<int:pk>/figures/", views.figures, name="figures"),
    path("companies/<int:pk>/awards/", views.award_add, name="award_add"),
    path("companies/<int:pk>/awards/<int:award_pk>/delete/", views.award_delete, name="award_delete"),
    path("admissions/", views.admission_list, name="admission_list"),
    path("admissions/<int:pk>/", views.admission_detail, name="admission_detail"),
    path("admissions/<int:pk>/business-plan.pdf", views.admission_business_plan, name="admission_business_plan"),
    *[
        path(f"admissions/<int:pk>/{action}/", views.admission_action, {"action": action}, name=f"admission_{action}")
        for action in ("withdraw", "review", "accept", "reject")
    ],
]
