from django.urls import path

from . import views

app_name = "discussion"

urlpatterns = [
    path(
        "<str:kind>/<int:pk>/comments/",
        views.comment_post,
        name="comment_post",
    ),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/remove/", views.comment_remove, name="comment_remove"),
]
