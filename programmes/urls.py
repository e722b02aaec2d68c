from django.urls import path

from .views import calendar, deliverables, milestones, programmes, projects, timeline

app_name = "programmes"

urlpatterns = [
    path("", programmes.programme_list, name="programme_list"),
    path("new/", programmes.programme_create, name="programme_create"),
    path("<int:pk>/", programmes.programme_detail, name="programme_detail"),
    path("<int:pk>/edit/", programmes.programme_edit, name="programme_edit"),
    path("<int:pk>/timeline/", timeline.programme_timeline, name="programme_timeline"),
    path("projects/new/", projects.project_create, name="project_create"),
    path("projects/<str:code>/", projects.project_detail, name="project_detail"),
    path("projects/<str:code>/edit/", projects.project_edit, name="project_edit"),
    path("projects/<str:code>/timeline/", timeline.project_timeline, name="project_timeline"),
    path("projects/<str:code>/members/", projects.project_members, name="project_members"),
    path(
        "projects/<str:code>/members/<int:membership_id>/remove/",
        projects.project_member_remove,
        name="project_member_remove",
    ),
    path("projects/<str:code>/rag/", projects.project_rag, name="project_rag"),
    path(
        "projects/<str:code>/milestones/new/", milestones.milestone_create, name="milestone_create"
    ),
    path("milestones/", milestones.milestone_list, name="milestone_list"),
    path(
        "milestones/export.csv",
        milestones.milestone_export,
        {"fmt": "csv"},
        name="milestone_export_csv",
    ),
    path(
        "milestones/export.xlsx",
        milestones.milestone_export,
        {"fmt": "xlsx"},
        name="milestone_export_xlsx",
    ),
    path("milestones/<int:pk>/", milestones.milestone_detail, name="milestone_detail"),
    path("milestones/<int:pk>/edit/", milestones.milestone_edit, name="milestone_edit"),
    path("milestones/<int:pk>/status/", milestones.milestone_status, name="milestone_status"),
    path("milestones/<int:pk>/due-date/", milestones.milestone_due_date, name="milestone_due_date"),
    path(
        "milestones/<int:pk>/deliverables/new/",
        deliverables.deliverable_create,
        name="deliverable_create",
    ),
    path("deliverables/<int:pk>/edit/", deliverables.deliverable_edit, name="deliverable_edit"),
    path(
        "deliverables/<int:pk>/remove/", deliverables.deliverable_remove, name="deliverable_remove"
    ),
    path("calendar/", calendar.calendar_settings, name="calendar_settings"),
]
