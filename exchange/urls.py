from django.urls import path

from .views import applications, checklists, opportunities, reports, searches, secondments

app_name = "exchange"

urlpatterns = [
    path("opportunities/", opportunities.opportunity_list, name="opportunity_list"),
    path("opportunities/manage/", opportunities.opportunity_manage, name="opportunity_manage"),
    path("opportunities/new/", opportunities.opportunity_create, name="opportunity_create"),
    path("opportunities/searches/", searches.saved_search_list, name="saved_search_list"),
    path("opportunities/searches/new/", searches.saved_search_create, name="saved_search_create"),
    path(
        "opportunities/searches/<int:pk>/delete/",
        searches.saved_search_delete,
        name="saved_search_delete",
    ),
    path("opportunities/<int:pk>/", opportunities.opportunity_detail, name="opportunity_detail"),
    path("opportunities/<int:pk>/edit/", opportunities.opportunity_edit, name="opportunity_edit"),
    path(
        "opportunities/<int:pk>/apply/", applications.application_create, name="application_create"
    ),
    path(
        "opportunities/<int:pk>/<str:action>/",
        opportunities.opportunity_status,
        name="opportunity_status",
    ),
    path("applications/", applications.application_list, name="application_list"),
    path("applications/queue/", applications.application_queue, name="application_queue"),
    path(
        "applications/open/", applications.application_create_open, name="application_create_open"
    ),
    path("applications/<int:pk>/", applications.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", applications.application_edit, name="application_edit"),
    path(
        "applications/<int:pk>/submit/", applications.application_submit, name="application_submit"
    ),
    path(
        "applications/<int:pk>/accept/", applications.application_accept, name="application_accept"
    ),
    path("applications/<int:pk>/cv/", applications.application_cv, name="application_cv"),
    path(
        "applications/<int:pk>/<str:action>/",
        applications.application_action,
        name="application_action",
    ),
    path("secondments/", secondments.secondment_list, name="secondment_list"),
    path("secondments/<int:pk>/", secondments.secondment_detail, name="secondment_detail"),
    path(
        "secondments/<int:pk>/items/<int:item_pk>/",
        checklists.checklist_item_update,
        name="checklist_item_update",
    ),
    path(
        "secondments/<int:pk>/evidence/<int:evidence_pk>/",
        checklists.evidence_download,
        name="evidence_download",
    ),
    path("secondments/<int:pk>/dates/", secondments.secondment_dates, name="secondment_dates"),
    path(
        "secondments/<int:pk>/end-early/",
        secondments.secondment_end_early,
        name="secondment_end_early",
    ),
    path("secondments/<int:pk>/cancel/", secondments.secondment_cancel, name="secondment_cancel"),
    path(
        "secondments/<int:pk>/supervisor/",
        secondments.secondment_supervisor,
        name="secondment_supervisor",
    ),
    path(
        "secondments/<int:pk>/midpoint-review/", secondments.midpoint_review, name="midpoint_review"
    ),
    path("secondments/<int:pk>/return-report/", secondments.return_report, name="return_report"),
    path("secondments/<int:pk>/<str:action>/", secondments.secondment_step, name="secondment_step"),
    path("reciprocity/", secondments.reciprocity, name="reciprocity"),
    path("reports/", reports.report_page, name="reports"),
]

# Each report section's downloads: /exchanges/reports/<section>.csv and .xlsx.
urlpatterns += [
    path(
        f"reports/{section}.{fmt}",
        reports.report_export,
        {"section": section, "fmt": fmt},
        name=f"report_{section.replace('-', '_')}_{fmt}",
    )
    for section, _ in reports.SECTIONS
    for fmt in ("csv", "xlsx")
]
