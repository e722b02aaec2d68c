from django.urls import path, re_path

from . import views

app_name = "handover"

REFERENCE = r"(?P<reference>HO-\d{4}-\d{4,})"

urlpatterns = [
    path("", views.document_list, name="document_list"),
    path("upload/", views.document_upload, name="document_upload"),
    path("<int:pk>/", views.document_detail, name="document_detail"),
    path("<int:pk>/versions/new/", views.version_add, name="version_add"),
    path(
        "<int:pk>/versions/<int:number>/download/",
        views.version_download,
        name="version_download",
    ),
    path(
        "deliverables/<int:pk>/link/",
        views.deliverable_document_link,
        name="deliverable_document_link",
    ),
    path(
        "deliverables/<int:pk>/links/<int:link_id>/unlink/",
        views.deliverable_document_unlink,
        name="deliverable_document_unlink",
    ),
    path("handovers/", views.handover_list, name="handover_list"),
    path("handovers/new/", views.handover_prepare, name="handover_prepare"),
    re_path(rf"^handovers/{REFERENCE}/$", views.handover_detail, name="handover_detail"),
    re_path(rf"^handovers/{REFERENCE}/send/$", views.handover_send, name="handover_send"),
    re_path(
        rf"^handovers/{REFERENCE}/acknowledge/$",
        views.handover_acknowledge,
        name="handover_acknowledge",
    ),
    re_path(rf"^handovers/{REFERENCE}/query/$", views.handover_query, name="handover_query"),
    re_path(
        rf"^handovers/{REFERENCE}/withdraw/$", views.handover_withdraw, name="handover_withdraw"
    ),
    re_path(
        rf"^handovers/{REFERENCE}/access/end/$",
        views.handover_access_end,
        name="handover_access_end",
    ),
    re_path(
        rf"^handovers/{REFERENCE}/access/revoke/$",
        views.handover_access_revoke,
        name="handover_access_revoke",
    ),
    re_path(
        rf"^handovers/{REFERENCE}/items/(?P<item_id>\d+)/download/$",
        views.handover_item_download,
        name="handover_item_download",
    ),
    re_path(
        rf"^handovers/{REFERENCE}/manifest\.(?P<fmt>csv|json)$",
        views.handover_manifest,
        name="handover_manifest",
    ),
]
