"""Hostile input, as property tests, on every form of the project: the portal's pages and
the admin's change forms.

Each form is posted from its own page, with the page's own values changed at random:
random and unusual text, NUL bytes, over-long values, malformed and extreme dates and
numbers, invalid choices, records that do not exist and missing fields. Whatever is
posted:

- the answer is never a 500 or an exception: the page shows the form with its errors, or
  it redirects;
- a refused submission changes nothing at all (no half-saved record): every table of the
  project has the rows it had, and the record being edited is as it was;
- after an accepted submission, every page, export and feed that shows the record still
  answers.

Every example runs in a transaction that is rolled back, so each starts from the same
world. How many examples each form gets is the hypothesis profile's (tests/conftest.py):
small and fixed under CI. A form of the project that no case covers fails
``test_every_form_of_the_project_is_covered``; a new admin screen is covered at once (the
admin cases are read from the admin site).
"""

import importlib
import importlib.util
import inspect
from pathlib import Path

import pytest
import time_machine
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.db import connection, transaction
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from .cases import CASES, GET_CASES, VIEWS, Case
from .forms import hostile_data, post_data
from .world import NOW, HostileWorld

pytestmark = pytest.mark.django_db

# The project's own apps (their forms are covered; their tables must be left alone by a
# refused submission), and the third-party apps whose tables the portal writes. The audit
# log is left out: it records attempts, refused ones included, by design.
PROJECT_APPS = sorted(
    config.label
    for config in apps.get_app_configs()
    if Path(config.path).parent == Path(settings.BASE_DIR) and config.label != "tests"
)
APP_LABELS = (set(PROJECT_APPS) | {"auth", "account", "socialaccount", "mfa"}) - {"audit"}
FORM_MODULES = [
    module
    for config in apps.get_app_configs()
    if config.label in PROJECT_APPS
    for module in (f"{config.name}.forms", f"{config.name}.sso.forms")
    if importlib.util.find_spec(module.rsplit(".", 1)[0]) is not None
    and importlib.util.find_spec(module) is not None
]


@pytest.fixture
def world():
    with time_machine.travel(NOW, tick=False):
        yield HostileWorld()


class People:
    """A signed-in test client per person of the world (anonymous for None)."""

    def __init__(self, world):
        self.world = world
        self.clients: dict = {}

    def __call__(self, who: str | None) -> Client:
        if who not in self.clients:
            client = Client()
            if who is not None:
                client.force_login(getattr(self.world, who))
            self.clients[who] = client
        return self.clients[who]


def table_counts() -> tuple[int, ...]:
    """Rows in every table of the project's apps, in one query."""
    tables = sorted(
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_label in APP_LABELS and model._meta.managed
    )
    quote = connection.ops.quote_name
    # Table names come from the models, quoted: nothing from outside reaches the SQL.
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


def record_state(record) -> dict | None:
    if record is None:
        return None
    fresh = type(record)._default_manager.filter(pk=record.pk).first()
    return model_to_dict(fresh) if fresh is not None else {}


def _errors(response) -> str:
    context = response.context or {}
    found = []
    adminform = context.get("adminform")
    form = adminform.form if adminform is not None else context.get("form")
    if form is not None:
        found.append(form.errors.as_text())
    for inline in context.get("inline_admin_formsets", []):
        found.append(str(inline.formset.errors) + str(inline.formset.non_form_errors()))
    return " ".join(found) or response.content.decode()[:2000]


def check_views(people: People, views, world, what: str) -> None:
    for who, url in views:
        address = url(world)
        response = people(who).get(address)
        assert response.status_code == 200, (
            f"{what}: {address} as {who} answered {response.status_code}"
        )


def post_hostile(
    *,
    people: People,
    who: str | None,
    url: str,
    form,
    base: dict,
    record,
    views,
    world,
    refusals=(200,),
    accepts_base=True,
    accepted=lambda response: response.status_code == 302,
    examples=(),
):
    """Run the property for one form: draw, post, check; every example rolled back.

    ``examples`` are fixed regressions, each ``make(base, world)`` giving the data to post:
    they run on every run, before the drawn ones."""

    # Sign everyone in before the first example: a session made inside an example's
    # transaction would be rolled back with it.
    for viewer, _ in views:
        people(viewer)

    if accepts_base:
        # The page's own values (and the case's valid ones) are accepted, and afterwards
        # every page that shows the record answers: the checks below run at least once.
        with transaction.atomic():
            response = people(who).post(url, base)
            read_only = response.status_code == 403 and 403 in refusals
            assert read_only or accepted(response), f"{url} refused its own valid data: " + (
                _errors(response)
            )
            if not read_only:
                check_views(people, views, world, "after valid data")
            transaction.set_rollback(True)

    @given(data=st.data(), fixed=st.none())
    def attempt(data, fixed):
        cache.clear()  # rate limits start afresh for each example, as the rows do
        with transaction.atomic():
            before = (table_counts(), record_state(record))
            posted, files = (fixed, {}) if fixed is not None else hostile_data(data, form, base)
            response = people(who).post(url, {**posted, **files})
            status = response.status_code
            assert status in (*refusals, 302), f"{url} answered {status} to {posted!r}"
            if not accepted(response):
                after = (table_counts(), record_state(record))
                assert after == before, f"{url} refused {posted!r} but changed the database"
            else:
                if status == 302:
                    target = response["Location"]
                    follow = people(who).get(target)
                    assert follow.status_code < 400, f"{target} answered {follow.status_code}"
                check_views(people, views, world, f"after {posted!r}")
            transaction.set_rollback(True)

    for make in examples:
        attempt = example(data=None, fixed=make(base, world))(attempt)
    attempt()


# --- the portal's forms ------------------------------------------------------------------


def _record_for(case: Case, world):
    """The record the form edits (for the half-saved check), if there is one."""
    match case.id:
        case "ProfileForm":
            return world.uk_staff
        case "ProgrammeForm-edit":
            return world.programme
        case "ProjectForm-edit" | "RagOverrideForm":
            return world.project
        case "MilestoneForm-edit" | "MilestoneStatusForm" | "DueDateChangeForm":
            return world.milestone
        case "DeliverableForm-edit":
            return world.deliverable
        case "OpportunityForm-edit":
            return world.au_opportunity
        case "ApplicationForm-edit":
            return world.draft_application
        case "ReasonForm-return":
            return world.submitted_application
        case "AcceptForm":
            return world.endorsed_application
        case "ReasonForm-cancel" | "DateChangeForm":
            return world.secondment
        case "EndEarlyForm" | "SupervisorForm":
            return world.active_secondment
        case "ChecklistItemForm":
            return world.secondment.checklist_items.get(key="visa")
        case "QueryForm" | "WithdrawForm":
            return world.handover
        case "CommentEditForm":
            return world.comment
    return None


def _with_valid(base: dict, valid: dict) -> dict:
    """The page's values with the case's valid ones: a date given whole (ISO, under its
    plain name) replaces the Day, Month and Year boxes the page shows for it."""
    boxes = {f"{name}_{part}" for name in valid for part in ("day", "month", "year")}
    return {**{key: value for key, value in base.items() if key not in boxes}, **valid}


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_portal_forms_survive_hostile_input(world, case):
    """Whatever is posted to a portal form: no 500, nothing half-saved, and the pages that
    show the record still answer after an accepted submission."""
    people = People(world)
    client = people(case.user)
    url = case.prepare(world, client) if case.prepare else case.url(world)
    page = client.get(url)
    assert page.status_code == 200, f"{url} answered {page.status_code}"
    form = page.context["form"]
    assert isinstance(form, case.form), f"{url} shows {type(form).__name__}"
    views = [view for group in case.views for view in VIEWS[group]]
    post_hostile(
        people=people,
        who=case.user,
        url=url,
        form=form,
        base=_with_valid(post_data(form), case.valid(world)),
        record=_record_for(case, world),
        views=views,
        world=world,
        # Sign-in and password reset answer 429 once their rate limit is reached.
        refusals=(200, 429) if case.user is None else (200,),
        accepts_base=case.accepts_valid,
        accepted=case.accepted,
    )


@pytest.mark.parametrize("case", GET_CASES, ids=[case.id for case in GET_CASES])
def test_portal_get_forms_survive_hostile_input(world, case):
    """A form read from the address (search): whatever the query says, the page answers
    with its results or its errors, never a 500, and changes nothing."""
    client = People(world)(case.user)
    url = case.url(world)
    page = client.get(url)
    assert page.status_code == 200, f"{url} answered {page.status_code}"
    form = page.context["form"]
    assert isinstance(form, case.form), f"{url} shows {type(form).__name__}"
    base = {**post_data(form), **case.valid(world)}
    valid = client.get(url, base)
    assert valid.status_code == 200 and not valid.context["form"].errors, _errors(valid)

    @given(data=st.data())
    def attempt(data):
        cache.clear()
        with transaction.atomic():
            before = table_counts()
            query, _files = hostile_data(data, form, base)
            response = client.get(url, query)
            assert response.status_code == 200, (
                f"{url} answered {response.status_code} to {query!r}"
            )
            assert table_counts() == before, f"{url} changed the database for {query!r}"
            transaction.set_rollback(True)

    attempt()


def _project_forms() -> set[type]:
    found = set()
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found.add(cls)
    return found


def test_every_form_of_the_project_is_covered():
    """Every form class in the apps' forms modules has a hostile-input case: a new form
    fails here until it joins ``tests/hostile/cases.py``."""
    covered = {case.form for case in (*CASES, *GET_CASES)}
    missing = sorted(cls.__qualname__ for cls in _project_forms() - covered)
    assert not missing, f"forms with no hostile-input case: {missing}"


# --- the admin's change forms ------------------------------------------------------------

ADMIN_MODELS = sorted(
    model._meta.label for model in admin.site._registry if model._meta.app_label in APP_LABELS
)

# Which record each admin screen is tried on (else the first of its model).
ADMIN_RECORDS = {
    # Not a person the app's pages are read as afterwards: an accepted change may
    # deactivate the person, and a deactivated person is signed out (by design: see
    # test_a_person_deactivated_in_the_admin_is_signed_out).
    "accounts.User": lambda w: w.uk_applicant,
    "accounts.Institute": lambda w: w.au,
    "exchange.Opportunity": lambda w: w.au_opportunity,
    # A draft is the applicant's alone: the admin does not show it.
    "exchange.Application": lambda w: w.submitted_application,
    "exchange.Secondment": lambda w: w.secondment,
    "exchange.ChecklistItem": lambda w: w.secondment.checklist_items.get(key="visa"),
    "programmes.Programme": lambda w: w.programme,
    "programmes.Project": lambda w: w.project,
    "programmes.Milestone": lambda w: w.milestone,
    "handover.Document": lambda w: w.document,
    "handover.Handover": lambda w: w.handover,
    # The daily run's history has no row until it has run once.
    "records.RetentionRun": lambda w: _retention_run(),
}

# Fixed regressions, posted on every run before the drawn examples: (base, world) -> data.
ADMIN_EXAMPLES = {
    # A key too large for SQLite's integers in an autocomplete field: was an OverflowError
    # (500) when the widget looked it up to show the form again.
    "exchange.Application": [
        lambda base, w: {**base, "line_manager": "9" * 30},
        lambda base, w: {**base, "applicant": str(2**63)},
    ],
    # The same in a field of several references.
    "accounts.SingleSignOn": [lambda base, w: {**base, "domains": ["9" * 30]}],
    "accounts.User": [
        lambda base, w: {**base, "groups": ["9" * 30]},
        # "Active" unticked (left out of the post, as a browser does): accepted, and
        # the pages still answer for everyone else.
        lambda base, w: {key: value for key, value in base.items() if key != "is_active"},
    ],
}


def _retention_run():
    from records.models import RetentionRun

    return RetentionRun.objects.create(counts={"notifications.notifications": 3})


ADMIN_VIEWS = {
    "accounts": "accounts",
    "exchange": "exchange",
    "programmes": "programmes",
    "handover": "handover",
    "notifications": "notifications",
    "discussion": "programmes",
}


def admin_post_data(page) -> dict:
    """What the admin change page posts back unchanged, inlines included."""
    data = post_data(page.context["adminform"].form)
    for inline in page.context.get("inline_admin_formsets", []):
        formset = inline.formset
        data.update(post_data(formset.management_form))
        for form in formset.forms:  # extra forms unchanged, so they are left out
            data.update(post_data(form))
    data["_save"] = "Save"
    return data


@pytest.mark.parametrize("label", ADMIN_MODELS)
def test_admin_forms_survive_hostile_input(world, label):
    """Whatever is posted to an admin change form (as a superuser): no 500, nothing
    half-saved, and after an accepted change the admin's list, change and history pages
    and the portal's pages for that app still answer. Read-only screens refuse (403)."""
    model = apps.get_model(label)
    record = ADMIN_RECORDS.get(label, lambda w: model._default_manager.order_by("pk").first())(
        world
    )
    assert record is not None, f"the hostile world has no {label} to try the admin on"
    people = People(world)
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
    page = people("admin").get(url)
    assert page.status_code == 200, f"{url} answered {page.status_code}"
    views = [
        ("admin", lambda w: reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")),
        ("admin", lambda w: url),
        (
            "admin",
            lambda w: reverse(
                f"admin:{opts.app_label}_{opts.model_name}_history", args=[record.pk]
            ),
        ),
        # The app's pages, except those that depend on who the record names (an admin
        # may change a handover's recipients).
        *(
            view
            for view in VIEWS.get(ADMIN_VIEWS.get(opts.app_label, ""), [])
            if not (label == "handover.Handover" and view[0] == "au_staff")
        ),
    ]
    post_hostile(
        people=people,
        who="admin",
        url=url,
        form=page.context["adminform"].form,
        base=admin_post_data(page),
        record=record,
        views=views,
        world=world,
        refusals=(200, 403),
        accepts_base=page.context["has_change_permission"],
        examples=ADMIN_EXAMPLES.get(label, ()),
    )


def test_a_person_deactivated_in_the_admin_is_signed_out(world):
    """Unticking "Active" ends the person's access at once: their next page is the
    sign-in page (why the admin cases read the app's pages as other people)."""
    people = People(world)
    person = world.uk_staff
    assert people("uk_staff").get(reverse("home")).status_code == 200
    url = reverse("admin:accounts_user_change", args=[person.pk])
    data = admin_post_data(people("admin").get(url))
    del data["is_active"]
    assert people("admin").post(url, data).status_code == 302
    person.refresh_from_db()
    assert not person.is_active
    response = people("uk_staff").get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
