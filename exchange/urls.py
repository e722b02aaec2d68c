from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("opportunities/", views.opportunity_list, name="opportunity_list"),
    path("opportunities/manage/", views.opportunity_manage, name="opportunity_manage"),
    path("opportunities/new/", views.opportunity_create, name="opportunity_create"),
    path("opportunities/<int:pk>/", views.opportunity_detail, name="opportunity_detail"),
    path("opportunities/<int:pk>/edit/", views.opportunity_edit, name="opportunity_edit"),
    path("opportunities/<int:pk>/apply/", views.application_create, name="application_create"),
    path(
        "opportunities/<int:pk>/<str:action>/",
        views.opportunity_status,
        name="opportunity_status",
    ),
    path("applications/", views.application_list, name="application_list"),
    path("applications/queue/", views.application_queue, name="application_queue"),
    path("applications/open/", views.application_create_open, name="application_create_open"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path("applications/<int:pk>/accept/", views.application_accept, name="application_accept"),
    path("applications/<int:pk>/cv/", views.application_cv, name="application_cv"),
    path(
        "applications/<int:pk>/<str:action>/",
        views.application_action,
        name="application_action",
    ),
    path("secondments/", views.secondment_list, name="secondment_list"),
    path("secondments/<int:pk>/", views.secondment_detail, name="secondment_detail"),
    path(
        "secondments/<int:pk>/items/<int:item_pk>/",
        views.checklist_item_update,
        name="checklist_item_update",
    ),
    path(
        "secondments/<int:pk>/evidence/<int:evidence_pk>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path("secondments/<int:pk>/dates/", views.secondment_dates, name="secondment_dates"),
    path(
        "secondments/<int:pk>/end-early/", views.secondment_end_early, name="secondment_end_early"
    ),
    path("secondments/<int:pk>/cancel/", views.secondment_cancel, name="secondment_cancel"),
    path(
        "secondments/<int:pk>/supervisor/",
        views.secondment_supervisor,
        name="secondment_supervisor",
    ),
    path("secondments/<int:pk>/midpoint-review/", views.midpoint_review, name="midpoint_review"),
    path("secondments/<int:pk>/return-report/", views.return_report, name="return_report"),
    path("secondments/<int:pk>/<str:action>/", views.secondment_step, name="secondment_step"),
    path("reciprocity/", views.reciprocity, name="reciprocity"),
]
