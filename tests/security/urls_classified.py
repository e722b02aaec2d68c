"""Every URL pattern of the portal, classified for the authorization sweep.

ADDING A URL? Classify it here, or ``test_every_url_pattern_is_classified`` fails:

- ``PUBLIC``: anyone, signed in or not (the sign-in pages, health checks);
- ``SIGNED_IN``: any signed-in person, showing only their own things (lists, forms that
  create); ``SIGNED_IN_POST`` for a POST-only one;
- ``MANAGER``: programme managers only (404 for everyone else);
- ``TOKEN``: reached by a secret in the address, no session (the calendar feed);
- ``ADMIN_SITE``: the Django admin's own pages; each registered model's pages are swept
  from ``ADMIN_MODELS`` below;
- ``Scoped(...)``: one record's page, requested for a real record as anonymous, as a
  stranger at the other institute, as a stranger at the same institute, and as the right
  person, for GET and every POST action (``Post``), built from ``tests/security/world.py``;
- ``API``: an endpoint of ``/api/v1/`` that needs a personal access token and shows
  only the token's person's own things (lists, ``me``); a record's endpoint is a
  ``Scoped(..., api=True)``, requested with each person's token (``tests/api`` checks
  the answers' content);
- ``Out("reason")``: explicitly out of the sweep, with the reason.

The key is the URL's name (``namespace:name``), or its route when it has no name.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.exchange.factories import PDF_BYTES


@dataclass(frozen=True)
class Out:
    reason: str


PUBLIC = "public"
SIGNED_IN = "signed in"
SIGNED_IN_POST = "signed in (POST)"
MANAGER = "programme managers"
TOKEN = "secret token"
ADMIN_SITE = "admin site"
API = "API (personal access token)"


@dataclass(frozen=True)
class Post:
    """A POST action on a record. ``data`` builds the right person's valid input from the
    world; ``harvest`` starts from the form the right person's GET shows (edit pages)."""

    label: str
    data: Callable = lambda w: {}
    harvest: bool = False


@dataclass(frozen=True)
class Scoped:
    id: str
    kwargs: Callable
    right: str
    owner: str = "uk"  # the institute whose records these are: its stranger is "same"
    same: str | None = None  # a different "same institute, no relation" person
    other: str | None = None
    get: bool = True
    get_ok: int = 200  # what the right person's GET answers
    posts: tuple[Post, ...] = ()
    # People on the record who may read it but not take this action.
    post_refused: tuple[str, ...] = field(default_factory=tuple)
    # An API endpoint: a bearer token instead of a session, JSON bodies, 401 for nobody.
    api: bool = False
    method: str = "post"


def _iso(day: datetime.date) -> str:
    return day.isoformat()


def _pdf(name="sweep.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def _application_data(w):
    return {
        "proposed_start": "2026-10-01",
        "proposed_end": "2027-04-01",
        "skills_to_gain": "Evaluation at scale",
        "benefit_to_home_team": "Shared tooling",
        "offer_to_host": "Cyber ranges",
        "line_manager": str(w.uk_manager.pk),
        "has_conflict_of_interest": "False",
        "declaration_confirmed": "on",
        "cv_upload": _pdf("cv.pdf"),
    }


REASON = Post("reason", lambda w: {"reason": "Checked by the authorization sweep."})

ROUTES: dict[str, object] = {
    # --- portal-wide ------------------------------------------------------------------
    "home": SIGNED_IN,
    # Results come only through each kind's access function (tests/search).
    "search": SIGNED_IN,
    "healthz": PUBLIC,
    "readyz": PUBLIC,
    "favicon": PUBLIC,
    "profile": SIGNED_IN,
    # Asking for a change to one's own institute or nationality (tests/accounts).
    "profile_change_request": SIGNED_IN,
    "calendar_feed": TOKEN,
    # A person's download of their own data (tests/records: content and isolation).
    "my_data": SIGNED_IN,
    # The footer's pages: for everyone, signed in or not.
    "privacy": PUBLIC,
    "accessibility": PUBLIC,
    "cookies": PUBLIC,
    # --- allauth: sign-in, sign-up, password, MFA (its own flows: tests/accounts) -------
    "account_login": PUBLIC,
    "account_logout": SIGNED_IN,
    "account_inactive": PUBLIC,
    "account_signup": PUBLIC,
    "account_reauthenticate": SIGNED_IN,
    "account_request_reauthentication_code": SIGNED_IN,
    "account_confirm_reauthentication_code": SIGNED_IN,
    "account_email": SIGNED_IN,
    "account_email_verification_sent": PUBLIC,
    "account_change_password": SIGNED_IN,
    "account_set_password": SIGNED_IN,
    "account_reset_password": PUBLIC,
    "account_confirm_login_code": PUBLIC,
    "account_confirm_email": PUBLIC,
    "account_reset_password_from_key_done": PUBLIC,
    "account_reset_password_from_key": PUBLIC,
    "account_reset_password_done": PUBLIC,
    "mfa_index": SIGNED_IN,
    "mfa_authenticate": PUBLIC,
    "mfa_reauthenticate": SIGNED_IN,
    "mfa_activate_totp": SIGNED_IN,
    "mfa_deactivate_totp": SIGNED_IN,
    "mfa_view_recovery_codes": SIGNED_IN,
    "mfa_generate_recovery_codes": SIGNED_IN,
    "mfa_download_recovery_codes": SIGNED_IN,
    "socialaccount_login_cancelled": PUBLIC,
    "socialaccount_login_error": PUBLIC,
    "socialaccount_signup": PUBLIC,
    "socialaccount_connections": SIGNED_IN,
    "accounts/social/login/cancelled/": PUBLIC,
    "accounts/social/login/error/": PUBLIC,
    "accounts/social/signup/": PUBLIC,
    "accounts/social/connections/": PUBLIC,
    "openid_connect_login": Out(
        "starts single sign-on at an identity provider the operator configured; "
        "tests/sso covers it against a real provider"
    ),
    "openid_connect_callback": Out(
        "the identity provider's return leg, refused without the state it set; tests/sso"
    ),
    # --- Django admin site (models: ADMIN_MODELS) -------------------------------------
    "admin:index": ADMIN_SITE,
    "admin:login": PUBLIC,
    "admin:logout": PUBLIC,  # signing out: nothing to protect
    "admin:password_change": ADMIN_SITE,
    "admin:password_change_done": ADMIN_SITE,
    "admin:autocomplete": ADMIN_SITE,
    "admin:jsi18n": ADMIN_SITE,
    "admin:view_on_site": ADMIN_SITE,
    "admin:app_list": ADMIN_SITE,
    # The audit log's CSV export: scoped like its list (tests/audit).
    "admin:audit_auditentry_export": ADMIN_SITE,
    # The retention schedule's dry run: scoped samples for institute admins (tests/records).
    "admin:records_retentionrule_dry_run": ADMIN_SITE,
    # A person's password page in the user admin: also swept for both institutes' admins.
    "admin:auth_user_password_change": ADMIN_SITE,
    "admin/(?P<url>.*)$": Out("the admin's catch-all: a 404 for any address it does not know"),
    # --- exchange ---------------------------------------------------------------------
    "exchange:opportunity_list": SIGNED_IN,
    "exchange:opportunity_manage": MANAGER,
    "exchange:opportunity_create": MANAGER,
    "exchange:saved_search_list": SIGNED_IN,
    "exchange:saved_search_create": SIGNED_IN,
    "exchange:saved_search_delete": Scoped(
        "saved search",
        lambda w: {"pk": w.saved_search.pk},
        right="researcher",
        get=False,
        posts=(Post("delete"),),
    ),
    "exchange:opportunity_detail": Scoped(
        "draft", lambda w: {"pk": w.opportunity_draft.pk}, right="au_pm", owner="au"
    ),
    "exchange:opportunity_edit": Scoped(
        "draft",
        lambda w: {"pk": w.opportunity_draft.pk},
        right="au_pm",
        owner="au",
        posts=(Post("edit", harvest=True),),
    ),
    "exchange:application_create": Scoped(
        # Open to staff of partner institutes: not the host's own, not outside the programme.
        "open",
        lambda w: {"pk": w.opportunity.pk},
        right="uk_stranger",
        owner="au",
        other="outsider",
        posts=(Post("apply", _application_data),),
    ),
    "exchange:opportunity_status": (
        Scoped(
            "publish",
            lambda w: {"pk": w.opportunity_draft.pk, "action": "publish"},
            right="au_pm",
            owner="au",
            get=False,
            posts=(Post("publish"),),
        ),
        Scoped(
            "close",
            lambda w: {"pk": w.opportunity.pk, "action": "close"},
            right="au_pm",
            owner="au",
            get=False,
            posts=(Post("close"),),
            post_refused=("uk_stranger",),
        ),
    ),
    "exchange:application_list": SIGNED_IN,
    "exchange:application_queue": MANAGER,
    "exchange:application_create_open": SIGNED_IN,
    "exchange:application_detail": Scoped(
        "submitted", lambda w: {"pk": w.app_submitted.pk}, right="applicant_submitted"
    ),
    "exchange:application_edit": Scoped(
        "draft",
        lambda w: {"pk": w.app_draft.pk},
        right="applicant_draft",
        posts=(Post("save", harvest=True),),
    ),
    "exchange:application_submit": Scoped(
        "draft",
        lambda w: {"pk": w.app_draft.pk},
        right="applicant_draft",
        get=False,
        posts=(Post("submit"),),
    ),
    "exchange:application_accept": Scoped(
        "endorsed",
        lambda w: {"pk": w.app_endorsed.pk},
        right="au_pm",
        posts=(Post("accept", lambda w: {"arrangement": "secondment"}, harvest=True),),
        post_refused=("applicant_endorsed", "uk_manager"),
    ),
    "exchange:application_cv": Scoped(
        "submitted", lambda w: {"pk": w.app_submitted.pk}, right="applicant_submitted"
    ),
    "exchange:application_action": tuple(
        Scoped(
            action,
            lambda w, action=action: {"pk": w.app_submitted.pk, "action": action},
            right=right,
            posts=(REASON,),
            post_refused=refused,
        )
        for action, right, refused in (
            ("endorse", "uk_manager", ("applicant_submitted",)),
            ("return", "uk_manager", ("applicant_submitted",)),
            ("decline", "uk_manager", ("applicant_submitted",)),
            ("withdraw", "applicant_submitted", ("uk_manager",)),
        )
    ),
    # Acting delegates: a person's own, current and upcoming; naming one is for those who
    # take decisions (a calm page for everyone else); ending one is the delegator's alone.
    "exchange:delegation_list": SIGNED_IN,
    "exchange:delegation_create": SIGNED_IN,
    "exchange:delegation_end": Scoped(
        "upcoming",
        lambda w: {"pk": w.delegation.pk},
        right="uk_manager",
        posts=(Post("end"),),
    ),
    "exchange:secondment_list": SIGNED_IN,
    "exchange:secondment_detail": Scoped(
        "planning", lambda w: {"pk": w.secondment.pk}, right="secondee"
    ),
    "exchange:checklist_item_update": (
        Scoped(
            "secondee-item",
            lambda w: {"pk": w.secondment.pk, "item_pk": w.travel.pk},
            right="secondee",
            posts=(Post("update", lambda w: {"status": "in_progress", "notes": "Booked"}),),
            post_refused=("au_supervisor",),
        ),
        Scoped(
            # Issue 14: the secondee could save the host's clearance item.
            "host-item",
            lambda w: {"pk": w.secondment.pk, "item_pk": w.clearance.pk},
            right="au_supervisor",
            posts=(Post("update", lambda w: {"status": "in_progress", "notes": "Asked"}),),
            post_refused=("secondee", "uk_manager"),
        ),
    ),
    "exchange:evidence_download": Scoped(
        "itinerary",
        lambda w: {"pk": w.secondment.pk, "evidence_pk": w.evidence.pk},
        right="secondee",
    ),
    "exchange:secondment_dates": Scoped(
        "planning",
        lambda w: {"pk": w.secondment.pk},
        right="uk_manager",
        posts=(
            Post(
                "re-date",
                lambda w: {
                    "start_date": "2026-10-05",
                    "end_date": "2027-04-05",
                    "reason": "Moved by the sweep.",
                },
            ),
        ),
        post_refused=("secondee",),
    ),
    "exchange:secondment_end_early": Scoped(
        "active",
        lambda w: {"pk": w.secondment_active.pk},
        right="uk_manager",
        posts=(Post("end early", lambda w: {"end_date": "2027-01-15", "reason": "Ended early."}),),
        post_refused=("secondee_active",),
    ),
    "exchange:secondment_cancel": Scoped(
        "planning",
        lambda w: {"pk": w.secondment.pk},
        right="uk_manager",
        posts=(REASON,),
        post_refused=("secondee",),
    ),
    "exchange:secondment_supervisor": Scoped(
        "planning",
        lambda w: {"pk": w.secondment.pk},
        right="au_pm",
        posts=(Post("name", lambda w: {"host_supervisor": str(w.au_manager.pk)}),),
        post_refused=("secondee", "au_supervisor"),
    ),
    "exchange:midpoint_review": Scoped(
        "active",
        lambda w: {"pk": w.secondment_active.pk},
        right="secondee_active",
        posts=(
            Post(
                "submit",
                lambda w: {"progress": "on_track", "achievements": "Good progress."},
            ),
        ),
    ),
    "exchange:return_report": Scoped(
        "active",
        lambda w: {"pk": w.secondment_active.pk},
        right="secondee_active",
        posts=(
            Post(
                "submit",
                lambda w: {
                    "work_summary": "Work",
                    "skills_gained": "Skills",
                    "knowledge_handed_over": "Knowledge",
                    "benefit_to_home": "Benefit",
                    "would_recommend": "True",
                },
            ),
        ),
        post_refused=("uk_manager",),
    ),
    "exchange:secondment_step": Scoped(
        "ready",
        lambda w: {"pk": w.secondment_ready.pk, "action": "ready"},
        right="uk_manager",
        get=False,
        posts=(Post("ready"),),
        post_refused=("secondee_ready",),
    ),
    "exchange:reciprocity": MANAGER,
    # The reports are for programme managers and institute admins (tests/exchange/
    # test_reports.py checks the admins and that another institute sees nothing of yours).
    "exchange:reports": MANAGER,
    **{
        f"exchange:report_{section}_{fmt}": MANAGER
        for section in ("applications", "secondments", "person_months", "late_items")
        for fmt in ("csv", "xlsx")
    },
    # --- programmes -------------------------------------------------------------------
    "programmes:programme_list": SIGNED_IN,
    "programmes:programme_create": MANAGER,
    "programmes:programme_detail": Scoped(
        "programme", lambda w: {"pk": w.programme.pk}, right="researcher"
    ),
    "programmes:programme_timeline": Scoped(
        "programme", lambda w: {"pk": w.programme.pk}, right="researcher"
    ),
    "programmes:programme_edit": Scoped(
        "programme",
        lambda w: {"pk": w.programme.pk},
        right="uk_pm",
        posts=(Post("edit", harvest=True),),
        post_refused=("researcher",),
    ),
    "programmes:project_create": MANAGER,
    "programmes:project_detail": Scoped(
        "project", lambda w: {"code": w.project.code}, right="researcher"
    ),
    "programmes:project_timeline": Scoped(
        "project", lambda w: {"code": w.project.code}, right="researcher"
    ),
    "programmes:project_edit": Scoped(
        "project",
        lambda w: {"code": w.project.code},
        right="uk_pm",
        posts=(Post("edit", harvest=True),),
        post_refused=("researcher",),
    ),
    "programmes:project_members": Scoped(
        "project",
        lambda w: {"code": w.project.code},
        right="uk_pm",
        posts=(Post("add", lambda w: {"email": w.uk_stranger.email, "role": "researcher"}),),
        post_refused=("researcher",),
    ),
    "programmes:project_member_remove": Scoped(
        "member",
        lambda w: {"code": w.project.code, "membership_id": w.partner_membership.pk},
        right="uk_pm",
        get=False,
        posts=(Post("remove"),),
        post_refused=("researcher",),
    ),
    "programmes:project_rag": Scoped(
        "project",
        lambda w: {"code": w.project.code},
        right="uk_pm",
        posts=(Post("override", lambda w: {"rag": "amber", "reason": "Checked."}),),
        post_refused=("researcher",),
    ),
    "programmes:milestone_create": Scoped(
        "project",
        lambda w: {"code": w.project.code},
        right="uk_pm",
        posts=(
            Post(
                "create",
                lambda w: {
                    "title": "Added by the sweep",
                    "owner": str(w.researcher.pk),
                    "due_date": "2026-12-15",
                },
            ),
        ),
        post_refused=("researcher",),
    ),
    "programmes:milestone_list": SIGNED_IN,
    "programmes:milestone_export_csv": SIGNED_IN,
    "programmes:milestone_export_xlsx": SIGNED_IN,
    "programmes:milestone_detail": Scoped(
        "milestone", lambda w: {"pk": w.milestone.pk}, right="researcher"
    ),
    "programmes:milestone_edit": Scoped(
        "milestone",
        lambda w: {"pk": w.milestone.pk},
        right="uk_pm",
        posts=(Post("edit", harvest=True),),
        post_refused=("researcher",),
    ),
    "programmes:milestone_status": Scoped(
        "milestone",
        lambda w: {"pk": w.milestone.pk},
        right="researcher",
        posts=(Post("status", lambda w: {"status": "in_progress"}),),
        post_refused=("partner",),
    ),
    "programmes:milestone_due_date": Scoped(
        "milestone",
        lambda w: {"pk": w.milestone.pk},
        right="uk_pm",
        posts=(Post("re-date", lambda w: {"due_date": "2026-12-15", "reason": "Slipped."}),),
        post_refused=("researcher",),
    ),
    # The milestone's owner (the researcher) and its programme's managers manage its
    # deliverables; the partner sees them on the milestone page but gets 404 here.
    "programmes:deliverable_create": Scoped(
        "milestone",
        lambda w: {"pk": w.milestone.pk},
        right="researcher",
        posts=(
            Post(
                "add",
                lambda w: {
                    "title": "Added by the sweep",
                    "owner": str(w.researcher.pk),
                    "due_date": "2026-12-01",
                    "status": "planned",
                },
            ),
        ),
        post_refused=("partner",),
    ),
    "programmes:deliverable_edit": Scoped(
        "deliverable",
        lambda w: {"pk": w.deliverable.pk},
        right="researcher",
        posts=(Post("edit", harvest=True),),
        post_refused=("partner",),
    ),
    "programmes:deliverable_remove": Scoped(
        "deliverable",
        lambda w: {"pk": w.deliverable.pk},
        right="researcher",
        get=False,
        posts=(Post("remove"),),
        post_refused=("partner",),
    ),
    "programmes:calendar_settings": SIGNED_IN,
    # --- documents and handovers ------------------------------------------------------
    # Documents are their owner institute's: a same-institute stranger is one whom the
    # marking (UK EYES ONLY) does not admit.
    "handover:document_list": SIGNED_IN,
    "handover:document_upload": SIGNED_IN,
    "handover:document_detail": Scoped(
        "eyes-only",
        lambda w: {"pk": w.document_eyes_only.pk},
        right="sender",
        same="uk_foreign",
    ),
    "handover:version_add": Scoped(
        "eyes-only",
        lambda w: {"pk": w.document_eyes_only.pk},
        right="sender",
        same="uk_foreign",
        posts=(Post("upload", lambda w: {"file": _pdf("v2.pdf"), "note": "Second"}),),
    ),
    "handover:version_download": Scoped(
        "eyes-only",
        lambda w: {"pk": w.document_eyes_only.pk, "number": 1},
        right="sender",
        same="uk_foreign",
    ),
    # A deliverable's managers (here the milestone's owner, the researcher) link document
    # versions they may see; the partner sees the milestone but gets 404 here.
    "handover:deliverable_document_link": Scoped(
        "deliverable",
        lambda w: {"pk": w.deliverable.pk},
        right="researcher",
        posts=(Post("link", lambda w: {"version": str(w.document_draft.versions.get().pk)}),),
        post_refused=("partner", "sender"),
    ),
    "handover:deliverable_document_unlink": Scoped(
        "deliverable",
        lambda w: {"pk": w.deliverable.pk, "link_id": w.deliverable_link.pk},
        right="researcher",
        get=False,
        posts=(Post("unlink"),),
        post_refused=("partner", "sender"),
    ),
    "handover:handover_list": SIGNED_IN,
    "handover:handover_prepare": SIGNED_IN,
    "handover:handover_detail": Scoped(
        "sent", lambda w: {"reference": w.handover.reference}, right="recipient"
    ),
    "handover:handover_send": Scoped(
        "draft",
        lambda w: {"reference": w.handover_draft.reference},
        right="sender",
        get=False,
        posts=(Post("send"),),
        post_refused=("recipient",),
    ),
    "handover:handover_acknowledge": Scoped(
        "sent",
        lambda w: {"reference": w.handover.reference},
        right="recipient",
        get=False,
        posts=(Post("acknowledge"),),
        post_refused=("sender",),
    ),
    "handover:handover_query": Scoped(
        "sent",
        lambda w: {"reference": w.handover.reference},
        right="recipient",
        posts=(REASON,),
        post_refused=("sender",),
    ),
    "handover:handover_withdraw": Scoped(
        "sent",
        lambda w: {"reference": w.handover.reference},
        right="sender",
        posts=(REASON,),
        post_refused=("recipient",),
    ),
    "handover:handover_access_end": Scoped(
        "sent",
        lambda w: {"reference": w.handover.reference},
        right="sender",
        posts=(Post("access_ends_on", lambda w: {"access_ends_on": "2026-12-31"}),),
        post_refused=("recipient",),
    ),
    "handover:handover_access_revoke": Scoped(
        "sent",
        lambda w: {"reference": w.handover.reference},
        right="sender",
        posts=(REASON,),
        post_refused=("recipient",),
    ),
    "handover:handover_item_download": Scoped(
        "sent",
        lambda w: {"reference": w.handover.reference, "item_id": w.handover_item.pk},
        right="recipient",
    ),
    "handover:handover_manifest": Scoped(
        "sent", lambda w: {"reference": w.handover.reference, "fmt": "csv"}, right="sender"
    ),
    # --- discussion: a comment is for those who may see its record -------------------
    "discussion:comment_post": tuple(
        Scoped(
            kind,
            lambda w, kind=kind, record=record: {"kind": kind, "pk": getattr(w, record).pk},
            right=right,
            posts=(Post("comment", lambda w: {"body": "Checked by the sweep."}),),
        )
        for kind, record, right in (
            ("application", "app_submitted", "applicant_submitted"),
            ("secondment", "secondment", "secondee"),
            ("project", "project", "researcher"),
            ("milestone", "milestone", "researcher"),
            ("handover", "handover", "recipient"),
        )
    ),
    # Only the author changes or removes their comment; others who read it get a 404.
    "discussion:comment_edit": Scoped(
        "comment",
        lambda w: {"pk": w.comment.pk},
        right="researcher",
        posts=(Post("edit", lambda w: {"body": "Changed by the sweep."}),),
        post_refused=("partner", "uk_pm"),
    ),
    "discussion:comment_remove": Scoped(
        "comment",
        lambda w: {"pk": w.comment.pk},
        right="researcher",
        posts=(Post("remove"),),
        post_refused=("partner", "uk_pm"),
    ),
    # --- notifications ----------------------------------------------------------------
    "notifications:list": SIGNED_IN,
    "notifications:preferences": SIGNED_IN,
    "notifications:read_all": SIGNED_IN_POST,
    "notifications:open": Scoped(
        # Opening a notice marks it read and goes on to what it is about.
        "notice",
        lambda w: {"pk": w.notice.pk},
        right="researcher",
        get_ok=302,
    ),
    "notifications:read": Scoped(
        "notice",
        lambda w: {"pk": w.notice.pk},
        right="researcher",
        get=False,
        posts=(Post("read"),),
    ),
    # --- API tokens (account area) and the API ---------------------------------------
    "api_tokens": SIGNED_IN,
    "api_token_revoke": Scoped(
        "token",
        lambda w: {"pk": w.token.pk},
        right="researcher",
        get=False,
        posts=(Post("revoke"),),
    ),
    "api:me": API,
    "api:schema": PUBLIC,  # the OpenAPI schema: what the API offers, no data
    "api:docs": PUBLIC,  # the reference page rendered from the schema
    "api:not_found": PUBLIC,  # a JSON 404 for any other address under /api/
    "api:opportunity-list": API,
    "api:application-list": API,
    "api:secondment-list": API,
    "api:programme-list": API,
    "api:project-list": API,
    "api:milestone-list": API,
    "api:document-list": API,
    "api:handover-list": API,
    "api:opportunity-detail": Scoped(
        "draft", lambda w: {"pk": w.opportunity_draft.pk}, right="au_pm", owner="au", api=True
    ),
    "api:application-detail": Scoped(
        "submitted", lambda w: {"pk": w.app_submitted.pk}, right="applicant_submitted", api=True
    ),
    **{
        f"api:application-{name}": Scoped(
            name,
            lambda w, app=app: {"pk": getattr(w, app).pk},
            right=right,
            get=False,
            api=True,
            posts=(REASON,),
            post_refused=refused,
        )
        for name, app, right, refused in (
            ("endorse", "app_submitted", "uk_manager", ("applicant_submitted",)),
            ("return-for-changes", "app_submitted", "uk_manager", ("applicant_submitted",)),
            ("decline", "app_submitted", "uk_manager", ("applicant_submitted",)),
            ("withdraw", "app_submitted", "applicant_submitted", ("uk_manager",)),
            ("submit", "app_draft", "applicant_draft", ()),
        )
    },
    "api:application-accept": Scoped(
        "endorsed",
        lambda w: {"pk": w.app_endorsed.pk},
        right="au_pm",
        get=False,
        api=True,
        posts=(
            Post(
                "accept",
                lambda w: {"arrangement": "secondment", "host_supervisor": w.au_supervisor.pk},
            ),
        ),
        post_refused=("applicant_endorsed", "uk_manager"),
    ),
    "api:secondment-detail": Scoped(
        "planning", lambda w: {"pk": w.secondment.pk}, right="secondee", api=True
    ),
    "api:secondment-checklist": Scoped(
        "planning", lambda w: {"pk": w.secondment.pk}, right="secondee", api=True
    ),
    "api:secondment-checklist-item": Scoped(
        # Issue 14: only the item's owner side changes it.
        "host-item",
        lambda w: {"pk": w.secondment.pk, "item_pk": w.clearance.pk},
        right="au_supervisor",
        get=False,
        api=True,
        method="patch",
        posts=(Post("update", lambda w: {"status": "in_progress", "notes": "Asked"}),),
        post_refused=("secondee", "uk_manager"),
    ),
    "api:secondment-cancel": Scoped(
        "planning",
        lambda w: {"pk": w.secondment.pk},
        right="uk_manager",
        get=False,
        api=True,
        posts=(REASON,),
        post_refused=("secondee",),
    ),
    "api:secondment-dates": Scoped(
        "planning",
        lambda w: {"pk": w.secondment.pk},
        right="uk_manager",
        get=False,
        api=True,
        posts=(
            Post(
                "re-date",
                lambda w: {
                    "start_date": "2026-10-05",
                    "end_date": "2027-04-05",
                    "reason": "Moved by the sweep.",
                },
            ),
        ),
        post_refused=("secondee",),
    ),
    "api:secondment-end-early": Scoped(
        "active",
        lambda w: {"pk": w.secondment_active.pk},
        right="uk_manager",
        get=False,
        api=True,
        posts=(Post("end early", lambda w: {"end_date": "2027-01-15", "reason": "Ended early."}),),
        post_refused=("secondee_active",),
    ),
    "api:secondment-ready": Scoped(
        "ready",
        lambda w: {"pk": w.secondment_ready.pk},
        right="uk_manager",
        get=False,
        api=True,
        posts=(Post("ready"),),
        post_refused=("secondee_ready",),
    ),
    "api:secondment-start": Out(
        "needs a ready secondment on its start date; tests/api/test_authorization.py asks it "
        "as nobody, both strangers and the right person"
    ),
    "api:secondment-complete": Out(
        "needs an active secondment past its end date; tests/api/test_authorization.py asks "
        "it as nobody, both strangers and the right person"
    ),
    "api:secondment-supervisor": Scoped(
        "planning",
        lambda w: {"pk": w.secondment.pk},
        right="au_pm",
        get=False,
        api=True,
        posts=(Post("name", lambda w: {"host_supervisor": w.au_manager.pk}),),
        post_refused=("secondee", "au_supervisor"),
    ),
    "api:programme-detail": Scoped(
        "programme", lambda w: {"pk": w.programme.pk}, right="researcher", api=True
    ),
    "api:project-detail": Scoped(
        "project", lambda w: {"code": w.project.code}, right="researcher", api=True
    ),
    "api:project-milestones": Scoped(
        "project",
        lambda w: {"code": w.project.code},
        right="uk_pm",
        get=False,
        api=True,
        posts=(
            Post(
                "create",
                lambda w: {
                    "title": "Added by the sweep",
                    "owner": w.researcher.pk,
                    "due_date": "2026-12-15",
                },
            ),
        ),
        post_refused=("researcher",),
    ),
    "api:milestone-detail": Scoped(
        "milestone",
        lambda w: {"pk": w.milestone.pk},
        right="uk_pm",
        api=True,
        method="patch",
        posts=(Post("update", lambda w: {"title": "Renamed by the sweep"}),),
        post_refused=("researcher",),
    ),
    "api:milestone-status": Scoped(
        "milestone",
        lambda w: {"pk": w.milestone.pk},
        right="researcher",
        get=False,
        api=True,
        posts=(Post("status", lambda w: {"status": "in_progress"}),),
        post_refused=("partner",),
    ),
    "api:milestone-due-date": Scoped(
        "milestone",
        lambda w: {"pk": w.milestone.pk},
        right="uk_pm",
        get=False,
        api=True,
        posts=(Post("re-date", lambda w: {"due_date": "2026-12-15", "reason": "Slipped."}),),
        post_refused=("researcher",),
    ),
    "api:document-detail": Scoped(
        "eyes-only",
        lambda w: {"pk": w.document_eyes_only.pk},
        right="sender",
        same="uk_foreign",
        api=True,
    ),
    "api:document-download": Scoped(
        "eyes-only",
        lambda w: {"pk": w.document_eyes_only.pk, "number": 1},
        right="sender",
        same="uk_foreign",
        api=True,
    ),
    "api:handover-detail": Scoped(
        "sent", lambda w: {"reference": w.handover.reference}, right="recipient", api=True
    ),
    "api:handover-download": Scoped(
        "sent",
        lambda w: {"reference": w.handover.reference, "item_id": w.handover_item.pk},
        right="recipient",
        api=True,
    ),
    "api:handover-send": Scoped(
        "draft",
        lambda w: {"reference": w.handover_draft.reference},
        right="sender",
        get=False,
        api=True,
        posts=(Post("send"),),
        post_refused=("recipient",),
    ),
    "api:handover-acknowledge": Scoped(
        "sent",
        lambda w: {"reference": w.handover.reference},
        right="recipient",
        get=False,
        api=True,
        posts=(Post("acknowledge"),),
        post_refused=("sender",),
    ),
    "api:handover-query": Scoped(
        "sent",
        lambda w: {"reference": w.handover.reference},
        right="recipient",
        get=False,
        api=True,
        posts=(REASON,),
        post_refused=("sender",),
    ),
    "api:handover-set-access-end": Scoped(
        "sent",
        lambda w: {"reference": w.handover.reference},
        right="sender",
        get=False,
        api=True,
        posts=(Post("access_ends_on", lambda w: {"access_ends_on": "2026-12-31"}),),
        post_refused=("recipient",),
    ),
    "api:handover-revoke-access": Scoped(
        "sent",
        lambda w: {"reference": w.handover.reference},
        right="sender",
        get=False,
        api=True,
        posts=(REASON,),
        post_refused=("recipient",),
    ),
    "api:handover-withdraw": Scoped(
        "sent",
        lambda w: {"reference": w.handover.reference},
        right="sender",
        get=False,
        api=True,
        posts=(REASON,),
        post_refused=("recipient",),
    ),
}

# Every model registered in the admin. "scoped": the world's record of the UK institute
# (shared only with a third institute) opens for the UK admin and never for the
# Australian one. "superusers": institute admins have no permission on it at all.
# "shared": both institutes' admins manage it, by design (the reason says why).
SCOPED = "scoped"
SUPERUSERS = "superusers"

ADMIN_MODELS: dict[str, object] = {
    "auth.group": SUPERUSERS,
    "account.emailaddress": SUPERUSERS,
    "mfa.authenticator": SUPERUSERS,
    "socialaccount.socialaccount": SUPERUSERS,
    # Superusers manage institutes; an institute admin reads their own one only.
    "accounts.institute": SCOPED,
    "accounts.singlesignon": SUPERUSERS,
    "accounts.user": SCOPED,
    "accounts.attributechangerequest": SCOPED,
    "audit.auditentry": SCOPED,
    "exchange.opportunity": SCOPED,
    "exchange.application": SCOPED,
    "exchange.secondment": SCOPED,
    "exchange.checklistitem": SCOPED,
    "exchange.exchangequota": SCOPED,
    "exchange.savedsearch": SCOPED,
    "exchange.checklisttemplate": Out(
        "shared: one checklist template per direction, which both institutes' admins keep"
    ),
    "exchange.clearancerecognition": Out(
        "shared: one recognition table across the two schemes, which every admin reads; "
        "each institute's admins change the rows of their own scheme "
        "(exchange.access.can_change_clearance_recognition, tests/exchange)"
    ),
    "exchange.midpointreview": SCOPED,
    "exchange.delegation": SCOPED,
    "exchange.decisionreassignment": SCOPED,
    "exchange.returnreport": SCOPED,
    "programmes.programme": SCOPED,
    "programmes.project": SCOPED,
    "programmes.milestone": SCOPED,
    "programmes.projectmembership": SCOPED,
    "programmes.milestoneduedatechange": SCOPED,
    "programmes.deliverable": SCOPED,
    "programmes.calendarfeed": SCOPED,
    "handover.document": SCOPED,
    "handover.documentversion": SCOPED,
    "handover.handover": SCOPED,
    "handover.accessevent": SCOPED,
    "handover.custodyevent": SCOPED,
    "notifications.reminder": SCOPED,
    "notifications.preference": SCOPED,
    "notifications.notification": SCOPED,
    "notifications.digest": SCOPED,
    "discussion.comment": SCOPED,
    "api.personalaccesstoken": SCOPED,
    "webhooks.endpoint": SCOPED,
    "webhooks.delivery": SCOPED,
    "records.retentionrule": Out(
        "shared: one retention schedule for both institutes' records under the MoU, which "
        "every institute admin reads and only superusers change (tests/records)"
    ),
    "records.retentionrun": Out(
        "the daily runs' totals are shared; an institute admin's dry runs are seen by their "
        "own institute's admins only (records.access.runs_visible_to, tests/records)"
    ),
}

# The per-model admin views the sweep requests (simple_history's past version where the
# model keeps history).
ADMIN_VIEWS = ("changelist", "change", "history", "delete", "simple_history")
