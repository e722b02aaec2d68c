"""/api/v1/: the endpoints, the OpenAPI schema and its reference page."""

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from . import errors
from .views import docs
from .views.exchange import ApplicationViewSet, OpportunityViewSet, SecondmentViewSet
from .views.handover import DocumentViewSet, HandoverViewSet
from .views.me import MeView
from .views.programmes import MilestoneViewSet, ProgrammeViewSet, ProjectViewSet

app_name = "api"

router = SimpleRouter()
router.register("opportunities", OpportunityViewSet, basename="opportunity")
router.register("applications", ApplicationViewSet, basename="application")
router.register("secondments", SecondmentViewSet, basename="secondment")
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("projects", ProjectViewSet, basename="project")
router.register("milestones", MilestoneViewSet, basename="milestone")
router.register("documents", DocumentViewSet, basename="document")
router.register("handovers", HandoverViewSet, basename="handover")

urlpatterns = [
    path("v1/me/", MeView.as_view(), name="me"),
    path("v1/schema/", docs.SchemaView.as_view(), name="schema"),
    path("v1/docs/", docs.reference, name="docs"),
    path("v1/", include(router.urls)),
    # Anything else under /api/ is a JSON 404, not the HTML page.
    re_path(r"^.*$", errors.not_found, name="not_found"),
]
