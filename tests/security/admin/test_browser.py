"""The admin pages institute admins use pass axe, and the secondment page fits 1280 px."""

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from discussion.models import Comment
from exchange import services as exchange_services
from exchange.checklist_defaults import install_default_templates
from exchange.models import (
    ChecklistTemplate,
    ChecklistTemplateItem,
    ClearanceRecognition,
    Delegation,
    ExchangeQuota,
)
from programmes.models import Deliverable
from tests.exchange.factories import World
from tests.factories import UserFactory, enable_totp
from tests.handover.factories import make_document
from tests.programmes.factories import MilestoneFactory, ProjectFactory

from .support import TODAY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def admin_pages(world, admin) -> list[str]:
    """Changelist, change form, add form and history of the main models, and a past
    version."""
    application, secondment = world.accepted()
    item = secondment.checklist_items.first()
    document = make_document(world.au_staff, title="Benchmark notes")
    project = ProjectFactory(
        programme=world.programme, lead_institute=world.au, partner_institutes=[world.uk]
    )
    milestone = MilestoneFactory(project=project)
    # The newer screens: quotas, saved searches, acting delegates, deliverables, comments.
    quota = ExchangeQuota.objects.create(
        programme=world.programme, year=2026, direction="AU_UK", agreed=12
    )
    exchange_services.saved_search_create(owner=world.au_staff, name="Evaluations")
    delegation = Delegation.objects.create(
        delegator=world.au_pm,
        delegate=admin,
        kind=Delegation.Kind.HOST_MANAGER,
        start=TODAY.date(),
        end=TODAY.date(),
        created_by=world.au_pm,
    )
    deliverable = Deliverable.objects.create(
        milestone=milestone,
        title="Evaluation report",
        owner=milestone.owner,
        due_date=milestone.due_date,
    )
    comment = Comment.objects.create(milestone=milestone, author=world.au_pm, body="Agreed.")
    records = {
        "exchange_opportunity": world.au_opportunity,
        "exchange_application": application,
        "exchange_secondment": secondment,
        "exchange_checklistitem": item,
        "exchange_clearancerecognition": ClearanceRecognition.objects.get(
            held="UK_SC", meets="AU_NV1"
        ),
        "accounts_user": world.au_staff,
        "programmes_programme": world.programme,
        "programmes_project": project,
        "programmes_milestone": milestone,
        "handover_document": document,
        "exchange_exchangequota": quota,
        "programmes_deliverable": deliverable,
    }
    no_add = {"exchange_application", "exchange_secondment"}
    urls = [
        reverse("admin:index"),
        reverse("admin:api_personalaccesstoken_changelist"),
        reverse("admin:webhooks_endpoint_changelist"),
        reverse("admin:webhooks_endpoint_add"),
        reverse("admin:webhooks_delivery_changelist"),
        reverse("admin:exchange_savedsearch_changelist"),
        reverse("admin:exchange_delegation_changelist"),
        reverse("admin:exchange_delegation_change", args=[delegation.pk]),
        reverse("admin:exchange_decisionreassignment_changelist"),
        reverse("admin:exchange_decisionreassignment_add"),
        reverse("admin:discussion_comment_changelist"),
        reverse("admin:discussion_comment_change", args=[comment.pk]),
        reverse("admin:records_retentionrule_changelist"),
        reverse("admin:records_retentionrule_dry_run"),
        reverse("admin:records_retentionrun_changelist"),
    ]
    for name, obj in records.items():
        urls.append(reverse(f"admin:{name}_changelist"))
        urls.append(reverse(f"admin:{name}_change", args=[obj.pk]))
        if name not in no_add:
            urls.append(reverse(f"admin:{name}_add"))
        if name != "accounts_user":
            urls.append(reverse(f"admin:{name}_history", args=[obj.pk]))
    opportunity = world.au_opportunity
    first = opportunity.history.order_by("history_id").first()
    urls.append(
        reverse("admin:exchange_opportunity_simple_history", args=[opportunity.pk, first.pk])
    )
    return urls


def test_the_admin_pages_an_institute_admin_uses_pass_axe(page, live_server, browser_login, axe):
    with time_machine.travel(TODAY):
        install_default_templates(ChecklistTemplate, ChecklistTemplateItem)
        world = World()
        admin = UserFactory(institute=world.au, roles=[Role.INSTITUTE_ADMIN])
        enable_totp(admin)
        urls = admin_pages(world, admin)
    browser_login(page, admin)
    page.set_viewport_size({"width": 1280, "height": 900})
    failures = []
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, url
        results = axe.run(page)
        if results.violations_count:
            failures.append(f"{url}\n{results.generate_report()}")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            failures.append(f"{url}: {overflow} px wider than the window at 1280 px")
    assert not failures, "\n\n".join(failures)
