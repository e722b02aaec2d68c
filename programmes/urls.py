from django.urls import path

from . import views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="programme_list"),
    path("new/", views.programme_create, name="programme_create"),
    path("<int:pk>/", views.programme_detail, name="programme_detail"),
    path("<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<str:code>/", views.project_detail, name="project_detail"),
    path("projects/<str:code>/edit/", views.project_edit, name="project_edit"),
    path("projects/<str:code>/members/", views.project_members, name="project_members"),
    path(
        "projects/<str:code>/members/<int:membership_id>/remove/",
        views.project_member_remove,
        name="project_member_remove",
    ),
    path("projects/<str:code>/rag/", views.project_rag, name="project_rag"),
    path("projects/<str:code>/milestones/new/", views.milestone_create, name="milestone_create"),
    path("milestones/", views.milestone_list, name="milestone_list"),
    path(
        "milestones/export.csv",
        views.milestone_export,
        {"fmt": "csv"},
        name="milestone_export_csv",
    ),
    path(
        "milestones/export.xlsx",
        views.milestone_export,
        {"fmt": "xlsx"},
        name="milestone_export_xlsx",
    ),
    path("milestones/<int:pk>/", views.milestone_detail, name="milestone_detail"),
    path("milestones/<int:pk>/edit/", views.milestone_edit, name="milestone_edit"),
    path("milestones/<int:pk>/status/", views.milestone_status, name="milestone_status"),
    path("milestones/<int:pk>/due-date/", views.milestone_due_date, name="milestone_due_date"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
]
