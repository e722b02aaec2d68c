"""Every portal form, the page that shows it, who uses it, and the pages that show its
record afterwards. ``tests/hostile/test_hostile_input.py`` fails when a form of the
project is in none of these cases."""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import forms as account_forms
from accounts.sso import forms as sso_forms
from api import forms as api_forms
from audit import forms as audit_forms
from exchange import forms as exchange_forms
from handover import forms as handover_forms
from handover.demo import sample_pdf
from notifications import forms as notification_forms
from portal import forms as portal_forms
from programmes import forms as programme_forms

from .world import HostileWorld

Url = Callable[[HostileWorld], str]


@dataclass(frozen=True)
class Case:
    form: type
    user: str | None
    url: Url
    # Values that make the page's own data a valid submission (fields with no initial).
    valid: Callable[[HostileWorld], dict] = lambda world: {}
    # The pages (as which person) that show what the form changes.
    views: tuple[str, ...] = ()
    name: str = ""
    # Set up before the page is read (e.g. a password reset link); returns the URL.
    prepare: Callable[[HostileWorld, Client], str] | None = None
    # Whether the page's values with ``valid`` are accepted (a sign-in with a wrong
    # password is not, by design).
    accepts_valid: bool = True
    # How an accepted submission answers: a redirect, unless the page answers itself.
    accepted: Callable = lambda response: response.status_code == 302

    @property
    def id(self) -> str:
        return self.name or self.form.__name__


def _pdf(name="file.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, sample_pdf("Hostile input"), content_type="application/pdf")


def _day(days: int) -> str:
    return (datetime.date(2026, 8, 3) + datetime.timedelta(days=days)).isoformat()


def _reset_link(world: HostileWorld, client: Client) -> str:
    """Follow a real password reset email to the set-a-new-password page."""
    mail.outbox.clear()
    # Someone who is not signed in elsewhere in the test: signing in changes last_login,
    # which ends a reset link.
    client.post(reverse("account_reset_password"), {"email": world.uk_applicant.email})
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)
    return client.get(link).url or link


# --- the pages that show each app's records -----------------------------------------------

VIEWS: dict[str, list[tuple[str | None, Url]]] = {
    "accounts": [
        ("uk_staff", lambda w: reverse("home")),
        ("uk_staff", lambda w: reverse("profile")),
        (None, lambda w: reverse("account_login")),
    ],
    "programmes": [
        ("uk_pm", lambda w: reverse("programmes:programme_list")),
        ("uk_pm", lambda w: reverse("programmes:programme_detail", args=[w.programme.pk])),
        ("uk_staff", lambda w: reverse("programmes:project_detail", args=[w.project.code])),
        ("uk_staff", lambda w: reverse("programmes:milestone_detail", args=[w.milestone.pk])),
        ("uk_pm", lambda w: reverse("programmes:programme_timeline", args=[w.programme.pk])),
        ("uk_staff", lambda w: reverse("programmes:project_timeline", args=[w.project.code])),
        ("uk_staff", lambda w: reverse("programmes:milestone_list")),
        ("uk_staff", lambda w: reverse("programmes:milestone_export_csv")),
        ("uk_staff", lambda w: reverse("programmes:milestone_export_xlsx")),
        (None, lambda w: reverse("calendar_feed", args=[w.feed.token])),
        ("uk_staff", lambda w: reverse("home")),
    ],
    "exchange": [
        ("au_staff", lambda w: reverse("exchange:opportunity_list")),
        ("au_pm", lambda w: reverse("exchange:opportunity_manage")),
        ("uk_staff", lambda w: w.au_opportunity.get_absolute_url()),
        ("uk_staff", lambda w: reverse("exchange:application_list")),
        ("au_pm", lambda w: reverse("exchange:application_queue")),
        ("au_pm", lambda w: w.endorsed_application.get_absolute_url()),
        ("uk_staff", lambda w: reverse("exchange:secondment_list")),
        ("uk_staff", lambda w: w.secondment.get_absolute_url()),
        ("au_staff", lambda w: w.active_secondment.get_absolute_url()),
        ("au_pm", lambda w: reverse("exchange:reciprocity")),
        ("uk_staff", lambda w: reverse("exchange:saved_search_list")),
        ("uk_staff", lambda w: reverse("home")),
    ],
    "handover": [
        ("uk_staff", lambda w: reverse("handover:document_list")),
        ("uk_staff", lambda w: w.document.get_absolute_url()),
        ("uk_staff", lambda w: reverse("handover:handover_list")),
        ("au_staff", lambda w: w.handover.get_absolute_url()),
        (
            "uk_staff",
            lambda w: reverse("handover:handover_manifest", args=[w.handover.reference, "csv"]),
        ),
        (
            "uk_staff",
            lambda w: reverse("handover:handover_manifest", args=[w.handover.reference, "json"]),
        ),
    ],
    "notifications": [
        ("uk_staff", lambda w: reverse("notifications:list")),
        ("uk_staff", lambda w: reverse("notifications:preferences")),
    ],
}


P, E, H = "programmes", "exchange", "handover"

CASES = [
    # accounts and sign-in
    Case(
        account_forms.ProfileForm,
        "uk_staff",
        lambda w: reverse("profile"),
        views=("accounts",),
    ),
    Case(
        account_forms.SignupExtraForm,
        None,
        lambda w: reverse("account_signup"),
        valid=lambda w: {
            "full_name": "Hostile Tester",
            "email": "hostile@uk-aisi.example.org",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
        },
        views=("accounts",),
        name="SignupForm",
    ),
    Case(
        sso_forms.LoginForm,
        None,
        lambda w: reverse("account_login"),
        valid=lambda w: {"login": w.uk_staff.email, "password": "wrong"},
        views=("accounts",),
        accepts_valid=False,
    ),
    Case(
        sso_forms.ResetPasswordForm,
        None,
        lambda w: reverse("account_reset_password"),
        valid=lambda w: {"email": w.uk_staff.email},
        views=("accounts",),
    ),
    Case(
        sso_forms.ResetPasswordKeyForm,
        None,
        lambda w: "",
        valid=lambda w: {
            "password1": "another-long-and-unusual-passphrase",
            "password2": "another-long-and-unusual-passphrase",
        },
        views=("accounts",),
        prepare=_reset_link,
    ),
    Case(
        account_forms.AttributeChangeRequestForm,
        "au_staff",
        lambda w: reverse("profile_change_request"),
        valid=lambda w: {
            "field": "nationality",
            "requested_value": "GBR",
            "reason": "I hold dual nationality.",
        },
        views=("accounts",),
    ),
    Case(
        api_forms.TokenForm,
        "uk_staff",
        lambda w: reverse("api_tokens"),
        views=("accounts",),
        # The page answers itself, with the new token on it.
        accepted=lambda response: "created" in (response.context or {}),
        accepts_valid=False,
    ),
    Case(
        audit_forms.AuditExportForm,
        "admin",
        lambda w: reverse("admin:audit_auditentry_export"),
        valid=lambda w: {"what": "log", "start": "2026-07-01", "end": "2026-08-03"},
        accepted=lambda response: response.get("Content-Type", "").startswith("text/csv"),
    ),
    Case(
        notification_forms.PreferencesForm,
        "uk_staff",
        lambda w: reverse("notifications:preferences"),
        views=("notifications",),
    ),
    # programmes
    Case(
        programme_forms.ProgrammeForm,
        "uk_pm",
        lambda w: reverse("programmes:programme_create"),
        valid=lambda w: {
            "name": "Hostile programme",
            "start_date": "2026-09-01",
            "end_date": "2027-08-31",
            "institutes": [str(w.uk.pk), str(w.au.pk)],
            "reciprocity_target_months": "6",
        },
        views=(P,),
        name="ProgrammeForm-create",
    ),
    Case(
        programme_forms.ProgrammeForm,
        "uk_pm",
        lambda w: reverse("programmes:programme_edit", args=[w.programme.pk]),
        views=(P,),
        name="ProgrammeForm-edit",
    ),
    Case(
        programme_forms.ProjectForm,
        "uk_pm",
        lambda w: reverse("programmes:project_create"),
        valid=lambda w: {
            "programme": str(w.programme.pk),
            "code": "JRP-NEW-01",
            "title": "A new project",
            "lead_institute": str(w.uk.pk),
            "partner_institutes": [str(w.au.pk)],
            "status": "active",
            "start_date": "2026-09-01",
            "end_date": "2027-08-31",
        },
        views=(P,),
        name="ProjectForm-create",
    ),
    Case(
        programme_forms.ProjectForm,
        "uk_pm",
        lambda w: reverse("programmes:project_edit", args=[w.project.code]),
        views=(P,),
        name="ProjectForm-edit",
    ),
    Case(
        programme_forms.MemberAddForm,
        "uk_pm",
        lambda w: reverse("programmes:project_members", args=[w.project.code]),
        valid=lambda w: {"email": w.uk_applicant.email, "role": "researcher"},
        views=(P,),
    ),
    Case(
        programme_forms.RagOverrideForm,
        "uk_pm",
        lambda w: reverse("programmes:project_rag", args=[w.project.code]),
        valid=lambda w: {"rag": "red", "reason": "A key researcher is on leave"},
        views=(P,),
    ),
    Case(
        programme_forms.MilestoneForm,
        "uk_pm",
        lambda w: reverse("programmes:milestone_create", args=[w.project.code]),
        valid=lambda w: {
            "title": "A new milestone",
            "owner": str(w.uk_staff.pk),
            "due_date": "2026-12-01",
        },
        views=(P,),
        name="MilestoneForm-create",
    ),
    Case(
        programme_forms.MilestoneForm,
        "uk_pm",
        lambda w: reverse("programmes:milestone_edit", args=[w.milestone.pk]),
        views=(P,),
        name="MilestoneForm-edit",
    ),
    Case(
        programme_forms.DeliverableForm,
        "uk_staff",
        lambda w: reverse("programmes:deliverable_create", args=[w.milestone.pk]),
        valid=lambda w: {"title": "Dataset card", "status": "planned"},
        views=(P,),
        name="DeliverableForm-create",
    ),
    Case(
        programme_forms.DeliverableForm,
        "uk_pm",
        lambda w: reverse("programmes:deliverable_edit", args=[w.deliverable.pk]),
        views=(P,),
        name="DeliverableForm-edit",
    ),
    Case(
        programme_forms.MilestoneStatusForm,
        "uk_staff",
        lambda w: reverse("programmes:milestone_status", args=[w.milestone.pk]),
        valid=lambda w: {"status": "in_progress"},
        views=(P,),
    ),
    Case(
        programme_forms.DueDateChangeForm,
        "uk_pm",
        lambda w: reverse("programmes:milestone_due_date", args=[w.milestone.pk]),
        valid=lambda w: {"due_date": "2026-10-15", "reason": "Compute arrives later"},
        views=(P,),
    ),
    # exchange
    Case(
        exchange_forms.OpportunityForm,
        "au_pm",
        lambda w: reverse("exchange:opportunity_create"),
        valid=lambda w: {
            "programme": str(w.programme.pk),
            "host_institute": str(w.au.pk),
            "team": "Evaluations",
            "title": "A new opportunity",
            "description": "Work on evaluations.",
            "location": "Canberra",
            "min_duration_months": "3",
            "max_duration_months": "6",
            "earliest_start": "2026-10-01",
            "closing_date": "2026-09-15",
            "places": "1",
        },
        views=(E,),
        name="OpportunityForm-create",
    ),
    Case(
        exchange_forms.OpportunityForm,
        "au_pm",
        lambda w: reverse("exchange:opportunity_edit", args=[w.au_opportunity.pk]),
        views=(E,),
        name="OpportunityForm-edit",
    ),
    Case(
        exchange_forms.ApplicationForm,
        "au_applicant",
        lambda w: reverse("exchange:application_edit", args=[w.draft_application.pk]),
        valid=lambda w: {"save": "1"},
        views=(E,),
        name="ApplicationForm-edit",
    ),
    Case(
        exchange_forms.ApplicationForm,
        "uk_applicant",
        lambda w: reverse("exchange:application_create", args=[w.second_au_opportunity.pk]),
        valid=lambda w: {
            "proposed_start": "2026-10-01",
            "proposed_end": "2027-04-01",
            "line_manager": str(w.uk_manager.pk),
            "has_conflict_of_interest": "False",
            "declaration_confirmed": "on",
            "save": "1",
        },
        views=(E,),
        name="ApplicationForm-create",
    ),
    Case(
        exchange_forms.OpenApplicationForm,
        "au_applicant",
        lambda w: reverse("exchange:application_create_open"),
        valid=lambda w: {
            "host_institute": str(w.uk.pk),
            "proposed_start": "2027-10-01",
            "proposed_end": "2028-04-01",
            "line_manager": str(w.au_manager.pk),
            "has_conflict_of_interest": "False",
            "skills_to_gain": "Evaluation at scale",
            "benefit_to_home_team": "Shared tooling",
            "offer_to_host": "Cyber ranges",
            "submit": "1",
            "declaration_confirmed": "on",
            "cv_upload": _pdf("cv.pdf"),
        },
        views=(E,),
    ),
    Case(
        exchange_forms.ReasonForm,
        "au_manager",
        lambda w: reverse(
            "exchange:application_action", args=[w.submitted_application.pk, "return"]
        ),
        valid=lambda w: {"reason": "Say more about the benefit."},
        views=(E,),
        name="ReasonForm-return",
    ),
    Case(
        exchange_forms.ReasonForm,
        "uk_manager",
        lambda w: reverse("exchange:secondment_cancel", args=[w.secondment.pk]),
        valid=lambda w: {"reason": "The team was reorganised."},
        views=(E,),
        name="ReasonForm-cancel",
    ),
    Case(
        exchange_forms.AcceptForm,
        "au_pm",
        lambda w: reverse("exchange:application_accept", args=[w.endorsed_application.pk]),
        views=(E,),
    ),
    Case(
        exchange_forms.SavedSearchForm,
        "uk_staff",
        lambda w: reverse("exchange:saved_search_create"),
        valid=lambda w: {"search-name": "Hostile search", "search-duration": "6"},
        views=(E,),
    ),
    Case(
        exchange_forms.ChecklistItemForm,
        "uk_staff",
        lambda w: reverse(
            "exchange:checklist_item_update",
            args=[w.secondment.pk, w.secondment.checklist_items.get(key="visa").pk],
        ),
        valid=lambda w: {"status": "in_progress"},
        views=(E,),
    ),
    Case(
        exchange_forms.DateChangeForm,
        "uk_manager",
        lambda w: reverse("exchange:secondment_dates", args=[w.secondment.pk]),
        valid=lambda w: {
            "start_date": "2026-10-01",
            "end_date": "2027-05-01",
            "reason": "An extension was agreed.",
        },
        views=(E,),
    ),
    Case(
        exchange_forms.EndEarlyForm,
        "au_manager",
        lambda w: reverse("exchange:secondment_end_early", args=[w.active_secondment.pk]),
        valid=lambda w: {"end_date": "2027-01-15", "reason": "Needed back at home."},
        views=(E,),
    ),
    Case(
        exchange_forms.SupervisorForm,
        "uk_pm",
        lambda w: reverse("exchange:secondment_supervisor", args=[w.active_secondment.pk]),
        valid=lambda w: {"host_supervisor": str(w.uk_manager.pk)},
        views=(E,),
    ),
    Case(
        exchange_forms.MidpointReviewForm,
        "au_staff",
        lambda w: reverse("exchange:midpoint_review", args=[w.active_secondment.pk]),
        valid=lambda w: {"progress": "on_track", "achievements": "Shipped the harness."},
        views=(E,),
    ),
    Case(
        exchange_forms.ReturnReportForm,
        "au_staff",
        lambda w: reverse("exchange:return_report", args=[w.active_secondment.pk]),
        valid=lambda w: {
            "work_summary": "Evaluations.",
            "skills_gained": "Scale.",
            "knowledge_handed_over": "Notes.",
            "benefit_to_home": "Tooling.",
            "would_recommend": "True",
        },
        views=(E,),
    ),
    # handover
    Case(
        handover_forms.DocumentUploadForm,
        "uk_staff",
        lambda w: reverse("handover:document_upload"),
        valid=lambda w: {
            "title": "A new document",
            "file": _pdf(),
        },
        views=(H,),
    ),
    Case(
        handover_forms.VersionForm,
        "uk_staff",
        lambda w: reverse("handover:version_add", args=[w.document.pk]),
        valid=lambda w: {"file": _pdf("v2.pdf"), "note": "Second version"},
        views=(H,),
    ),
    Case(
        handover_forms.HandoverForm,
        "uk_staff",
        lambda w: reverse("handover:handover_prepare"),
        valid=lambda w: {
            "receiving_institute": str(w.au.pk),
            "recipients": [str(w.au_staff.pk)],
            "versions": [str(w.document.versions.get().pk)],
            "acknowledge_by": _day(14),
            "message": "Please acknowledge.",
        },
        views=(H,),
    ),
    Case(
        handover_forms.QueryForm,
        "au_staff",
        lambda w: reverse("handover:handover_query", args=[w.handover.reference]),
        valid=lambda w: {"reason": "Page 3 is missing."},
        views=(H,),
    ),
    Case(
        handover_forms.WithdrawForm,
        "uk_staff",
        lambda w: reverse("handover:handover_withdraw", args=[w.handover.reference]),
        valid=lambda w: {"reason": "Sent in error."},
        views=(H,),
    ),
    Case(
        handover_forms.AccessEndForm,
        "uk_staff",
        lambda w: reverse("handover:handover_access_end", args=[w.handover.reference]),
        valid=lambda w: {"access_ends_on": _day(30)},
        views=(H,),
    ),
    Case(
        handover_forms.RevokeAccessForm,
        "uk_staff",
        lambda w: reverse("handover:handover_access_revoke", args=[w.handover.reference]),
        valid=lambda w: {"reason": "Sent to the wrong team."},
        views=(H,),
    ),
]

# Forms read from the address (GET): the page answers whatever the query says.
GET_CASES = [
    Case(
        portal_forms.SearchForm,
        "uk_staff",
        lambda w: reverse("search"),
        valid=lambda w: {"q": "evaluation protocol"},
    ),
]
