from django.urls import path

from . import views

app_name = "funding"

urlpatterns = [
    path("funding/", views.programme_list, name="programme_list"),
    path("funding/programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("funding/programmes/<int:pk>/apply/", views.application_create, name="application_create"),
    path("funding/applications/", views.application_list, name="application_list"),
    path("funding/applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("funding/applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    *[
        path(
            f"funding/applications/<int:pk>/{action}/",
            views.application_action,
            {"action": action},
            name=f"application_{action}",
        )
        for action in ("submit", "withdraw", "review", "approve", "reject")
    ],
    path("funding/applications/<int:pk>/documents/", views.document_add, name="document_add"),
    path(
        "funding/applications/<int:pk>/documents/<int:document_pk>/",
        views.document_download,
        name="document_download",
    ),
    path(
        "funding/applications/<int:pk>/documents/<int:document_pk>/remove/",
        views.document_remove,
        name="document_remove",
    ),
    path("funding/applications/<int:pk>/disbursements/", views.disbursement_add, name="disbursement_add"),
    path("funding/disbursements/<int:pk>/paid/", views.disbursement_paid, name="disbursement_paid"),
    path("funding/disbursements/<int:pk>/cancel/", views.disbursement_cancel, name="disbursement_cancel"),
    path("sponsors/", views.sponsor_list, name="sponsor_list"),
    path("sponsors/<int:pk>/", views.sponsor_detail, name="sponsor_detail"),
    path("introductions/", views.introduction_list, name="introduction_list"),
    path("introductions/new/", views.introduction_request, name="introduction_request"),
    path("introductions/<int:pk>/", views.introduction_detail, name="introduction_detail"),
    path("introductions/<int:pk>/advance/", views.introduction_advance, name="introduction_advance"),
    path("introductions/<int:pk>/note/", views.introduction_note, name="introduction_note"),
    path("funding/companies/<int:company_pk>/ledger/", views.ledger, name="ledger"),
    path("funding/totals/", views.totals, name="totals"),
]
