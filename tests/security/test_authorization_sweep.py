"""The authorization sweep: every URL pattern of the project is classified
(``urls_classified.py``), and each class is requested as the people it must refuse and
the people it must serve, on one world of real records (``world.py``).

A record's page is refused (a redirect to sign-in, a 403 or a 404, and nothing changed
in the database) for anonymous visitors, strangers at the other institute and strangers
at the same institute, for GET and every POST action; it serves the right person. The
admin's pages of each registered model are requested by both institutes' admins: a
record of one institute never opens for the other's admin.
"""

import datetime
import re

import pytest
from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient
from simple_history.admin import SimpleHistoryAdmin

from . import urls_classified as classified
from .urls_classified import (
    ADMIN_MODELS,
    ADMIN_SITE,
    ADMIN_VIEWS,
    API,
    MANAGER,
    PUBLIC,
    ROUTES,
    SCOPED,
    SIGNED_IN,
    SIGNED_IN_POST,
    SUPERUSERS,
    TOKEN,
    Out,
    Scoped,
)
from .world import SESSIONS, TOKENS

pytestmark = pytest.mark.django_db

WHERE = "tests/security/urls_classified.py"
LOGIN = "/accounts/login/"
ADMIN_MODEL_VIEW = re.compile(r"^admin:(?P<app>[a-z_]+?)_(?P<model>[a-z]+)_(?P<view>[a-z_]+)$")

# --- enumerating the patterns -----------------------------------------------------------


def _walk(resolver, prefix="", namespace=None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield prefix + str(pattern.pattern), name


def all_patterns() -> list[tuple[str, str | None]]:
    return list(_walk(get_resolver()))


def _admin_model_labels() -> dict[str, str]:
    """``app_model`` (as in admin URL names) → ``app.model`` for every registered model."""
    return {
        f"{m._meta.app_label}_{m._meta.model_name}": m._meta.label_lower
        for m in admin.site._registry
    }


def _is_admin_model_pattern(route: str, name: str | None) -> bool:
    """The pages Django's admin makes for each registered model: swept from ADMIN_MODELS."""
    labels = _admin_model_labels()
    if name:
        for prefix in labels:
            if name.startswith(f"admin:{prefix}_"):
                view = name.removeprefix(f"admin:{prefix}_")
                return view in {"changelist", "add", "history", "delete", "change", *ADMIN_VIEWS}
        return False
    return any(
        route == f"admin/{label.replace('.', '/')}/<path:object_id>/" for label in labels.values()
    )


def test_every_url_pattern_is_classified():
    """A URL that is not classified fails here, saying where to add it; so does a
    classification whose URL has gone."""
    missing, seen = [], set()
    for route, name in all_patterns():
        if _is_admin_model_pattern(route, name):
            continue
        key = name or route
        seen.add(key)
        if key not in ROUTES:
            missing.append(f"{key!r} ({route})")
    assert not missing, (
        f"Unclassified URL patterns: classify each in ROUTES in {WHERE} "
        "(PUBLIC, SIGNED_IN, MANAGER, TOKEN, ADMIN_SITE, API, Scoped(...) or Out(reason)):\n  "
        + "\n  ".join(missing)
    )
    stale = sorted(set(ROUTES) - seen)
    assert not stale, f"Classified in {WHERE} but no longer a URL: {stale}"


def test_every_admin_model_is_classified():
    labels = set(_admin_model_labels().values())
    missing = sorted(labels - set(ADMIN_MODELS))
    assert not missing, f"Admin models not in ADMIN_MODELS in {WHERE}: {missing}"
    assert not sorted(set(ADMIN_MODELS) - labels), "ADMIN_MODELS names an unregistered model"


def test_out_of_scope_says_why():
    for key, kind in [*ROUTES.items(), *ADMIN_MODELS.items()]:
        if isinstance(kind, Out):
            assert len(kind.reason) > 20, f"{key}: say why it is out of the sweep"


# --- helpers ------------------------------------------------------------------------------


def fingerprint() -> dict[str, tuple]:
    """Rows inserted, updated and deleted so far in this transaction, per table
    (PostgreSQL's own counters, which include the test's savepoint): equal before and
    after a request means the request wrote nothing. The session store is left out, and
    so are the API tokens' last-used stamps."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables "
            "WHERE relname <> 'django_session'"
        )
        counts = {row[0]: tuple(row[1:]) for row in cursor.fetchall()}
        # Using an API token stamps when it was last used: bookkeeping, not a change. Its
        # table is compared by its contents without that stamp.
        if "api_personalaccesstoken" in counts:
            cursor.execute(
                "SELECT md5(coalesce(string_agg(concat_ws('|', id, user_id, name, scope, "
                "expires_at, revoked_at), ',' ORDER BY id), '')) FROM api_personalaccesstoken"
            )
            counts["api_personalaccesstoken"] = cursor.fetchone()
    return counts


def changed(before: dict, after: dict) -> list[str]:
    return sorted(t for t in after if before.get(t) != after[t])


def client_as(user, *, api: bool = False) -> Client:
    """A fresh client (no cookies from another test) signed in as ``user``, with the
    session the world made for them; for the API, one sending their token."""
    if api:
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {TOKENS[user.pk]}")
        return client
    client = Client()
    if user is None:
        return client
    session = SESSIONS.get(user.pk)
    if session is None:
        client.force_login(user)
    else:
        client.cookies[settings.SESSION_COOKIE_NAME] = session
    return client


def _sample_kwargs(route: str) -> dict:
    """Harmless values for a pattern's arguments (for pages the sweep only must not 500)."""
    values = {
        "key": "no-such-key",
        "uidb36": "0",
        "provider_id": "none",
        "token": "x" * 40,
        "app_label": "exchange",
    }
    names = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
    return {a or b: values.get(a or b, "1") for a, b in names}


def _refused_anonymously(response) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return True
    location = response.headers.get("Location", "")
    return response.status_code == 302 and ("/login/" in location or "/admin/login" in location)


def _patterns_of(kind) -> list[tuple[str, str]]:
    found = []
    for route, name in all_patterns():
        key = name or route
        if ROUTES.get(key) == kind:
            found.append(pytest.param(key, route, id=key))
    return found


def _url(key: str, route: str) -> str:
    if "/" not in key:  # a name
        return reverse(key, kwargs=_sample_kwargs(route) or None)
    return "/" + re.sub(r"<[^>]+>", "1", route)


# --- pages by class ---------------------------------------------------------------------


@pytest.mark.parametrize(("key", "route"), _patterns_of(PUBLIC))
def test_public_pages_answer_anyone(world, key, route):
    response = client_as(None).get(_url(key, route))
    assert response.status_code < 500, key


@pytest.mark.parametrize(("key", "route"), _patterns_of(SIGNED_IN))
def test_signed_in_pages_refuse_anonymous_and_serve_staff(world, key, route):
    url = _url(key, route)
    assert _refused_anonymously(client_as(None).get(url)), key
    assert client_as(world.uk_stranger).get(url).status_code < 500, key


@pytest.mark.parametrize(("key", "route"), _patterns_of(SIGNED_IN_POST))
def test_signed_in_actions_refuse_anonymous(world, key, route):
    before = fingerprint()
    assert _refused_anonymously(client_as(None).post(_url(key, route))), key
    assert changed(before, fingerprint()) == []


@pytest.mark.parametrize(("key", "route"), _patterns_of(MANAGER))
def test_manager_pages_are_for_programme_managers_only(world, key, route):
    url = _url(key, route)
    assert _refused_anonymously(client_as(None).get(url)), key
    assert client_as(world.uk_stranger).get(url).status_code == 404, key
    assert client_as(world.uk_pm).get(url).status_code == 200, key


@pytest.mark.parametrize(("key", "route"), _patterns_of(ADMIN_SITE))
def test_admin_site_pages_refuse_everyone_but_admins(world, key, route):
    url = _url(key, route)
    for person in (None, world.uk_stranger, world.uk_pm):
        response = client_as(person).get(url)
        assert _refused_anonymously(response), (key, person)


@pytest.mark.parametrize(("key", "route"), _patterns_of(API))
def test_api_endpoints_need_a_token(world, key, route):
    url = _url(key, route)
    assert client_as(None, api=True).get(url).status_code == 401, key
    assert client_as(world.uk_stranger, api=True).get(url).status_code == 200, key


@pytest.mark.parametrize(("key", "route"), _patterns_of(TOKEN))
def test_the_calendar_feed_answers_its_token_only(world, key, route):
    anonymous = client_as(None)
    assert anonymous.get(reverse(key, kwargs={"token": "x" * 40})).status_code == 404
    assert anonymous.get(reverse(key, kwargs={"token": world.feed.token})).status_code == 200


# --- one record's pages: GET and every POST action --------------------------------------

STRANGERS = ("anonymous", "other institute", "same institute")


def _scoped_cases():
    for key, kinds in ROUTES.items():
        for scoped in kinds if isinstance(kinds, tuple) else (kinds,):
            if isinstance(scoped, Scoped):
                yield key, scoped


def person(w, scoped: Scoped, persona: str):
    other_institute = {"uk": "au", "au": "uk"}[scoped.owner]
    return {
        "anonymous": lambda: None,
        "right": lambda: getattr(w, scoped.right),
        "same institute": lambda: getattr(w, scoped.same or f"{scoped.owner}_stranger"),
        "other institute": lambda: getattr(w, scoped.other or f"{other_institute}_stranger"),
    }.get(persona, lambda: getattr(w, persona))()


def _assert_refused(response, who: str, label: str):
    if who == "anonymous":
        assert _refused_anonymously(response), f"{label}: {response.status_code}"
    else:
        assert response.status_code in (403, 404), f"{label}: {response.status_code}"


GET_CASES = [
    pytest.param(key, scoped, who, id=f"{key}[{scoped.id}]-{who}")
    for key, scoped in _scoped_cases()
    if scoped.get
    for who in (*STRANGERS, "right")
]


@pytest.mark.parametrize(("key", "scoped", "who"), GET_CASES)
def test_a_record_page_opens_for_the_right_person_only(world, key, scoped, who):
    url = reverse(key, kwargs=scoped.kwargs(world))
    client = client_as(person(world, scoped, who), api=scoped.api)
    before = fingerprint()
    response = client.get(url)
    label = f"GET {url} as {who}"
    if who == "right":
        assert response.status_code == scoped.get_ok, f"{label}: {response.status_code}"
        return
    _assert_refused(response, who, label)
    assert changed(before, fingerprint()) == [], label


def _harvest(form) -> dict:
    """What the right person's browser would post back from an edit page unchanged."""
    data = {}
    for bound in form:
        field, value = bound.field, bound.value()
        if isinstance(field, forms.FileField) or value in (None, ""):
            continue
        if isinstance(field, forms.BooleanField):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(getattr(v, "pk", v)) for v in value]
        elif isinstance(value, datetime.date):
            data[bound.html_name] = value.isoformat()
        else:
            data[bound.html_name] = str(getattr(value, "pk", value))
    return data


def post_data(world, scoped: Scoped, post, url: str) -> dict:
    data = {}
    if post.harvest:
        page = client_as(getattr(world, scoped.right)).get(url)
        data = _harvest(page.context["form"])
    data.update(post.data(world))
    return data


POST_CASES = [
    pytest.param(key, scoped, post, who, id=f"{key}[{scoped.id}]-{post.label}-{who}")
    for key, scoped in _scoped_cases()
    for post in scoped.posts
    for who in (*STRANGERS, *scoped.post_refused, "right")
]


@pytest.mark.parametrize(("key", "scoped", "post", "who"), POST_CASES)
def test_a_record_action_is_taken_by_the_right_person_only(world, key, scoped, post, who):
    url = reverse(key, kwargs=scoped.kwargs(world))
    data = post_data(world, scoped, post, url)
    client = client_as(person(world, scoped, who), api=scoped.api)
    before = fingerprint()
    if scoped.api:
        response = getattr(client, scoped.method)(url, data, format="json")
    else:
        response = client.post(url, data)
    after = fingerprint()
    label = f"{scoped.method.upper()} {url} ({post.label}) as {who}"
    if who == "right" and scoped.api:
        assert response.status_code in (200, 201), f"{label}: {response.status_code}"
        assert changed(before, after), f"{label}: nothing was saved"
        return
    if who == "right":
        form = response.context.get("form") if response.context else None
        errors = form.errors if form is not None else ""
        assert response.status_code == 302, f"{label}: {response.status_code} {errors}"
        assert LOGIN not in response["Location"], label
        assert changed(before, after), f"{label}: nothing was saved"
        return
    if who in STRANGERS:
        _assert_refused(response, who, label)
    else:  # on the record, but not theirs to do: any answer, as long as nothing changed
        assert response.status_code in (200, 302, 400, 403, 404), label
    assert changed(before, after) == [], f"{label} changed {changed(before, after)}"


# --- the admin, with both institutes' admins --------------------------------------------


def _admin_url(label: str, view: str, record, world) -> str | None:
    app, model = label.split(".")
    if view in ("changelist", "add"):
        return reverse(f"admin:{app}_{model}_{view}")
    if view == "simple_history":
        if not isinstance(admin.site._registry[type(record)], SimpleHistoryAdmin):
            return None
        past = record.history.order_by("history_id").first()
        if past is None:
            return None
        return reverse(f"admin:{app}_{model}_simple_history", args=[record.pk, past.history_id])
    return reverse(f"admin:{app}_{model}_{view}", args=[record.pk])


def _admin_cases():
    for label, kind in ADMIN_MODELS.items():
        if isinstance(kind, Out):
            continue
        # A model institute admins have no permission on: its list and add pages refuse.
        views = ("changelist", "add") if kind == SUPERUSERS else ADMIN_VIEWS
        for view in views:
            for side in ("own", "other"):
                yield pytest.param(label, view, side, id=f"{label}-{view}-{side}")


@pytest.mark.parametrize(("label", "view", "side"), list(_admin_cases()))
def test_an_admin_record_opens_for_its_institutes_admin_only(world, label, view, side):
    admin_user = world.uk_admin if side == "own" else world.au_admin
    client = client_as(admin_user)
    if ADMIN_MODELS[label] == SUPERUSERS:
        response = client.get(_admin_url(label, view, None, world))
        what = f"{view} of {label} for the {side} institute's admin"
        assert response.status_code in (302, 403, 404), f"{what}: {response.status_code}"
        return
    record = world.admin_records[label]
    url = _admin_url(label, view, record, world)
    if url is None:
        return  # keeps no history in the admin: nothing to open
    change_url = reverse(f"admin:{label.replace('.', '_')}_change", args=[record.pk])
    response = client.get(url)
    what = f"{view} of {label} #{record.pk} for the {side} institute's admin"
    assert ADMIN_MODELS[label] == SCOPED
    if side == "own":
        expected = (200, 403) if view == "delete" else (200,)
        assert response.status_code in expected, f"{what}: {response.status_code}"
        if view == "changelist":
            assert change_url in response.content.decode(), f"{what}: not listed"
        return
    if view == "changelist":
        assert response.status_code in (200, 403), f"{what}: {response.status_code}"
        assert change_url not in response.content.decode(), f"{what}: listed"
        return
    assert response.status_code in (302, 403, 404), f"{what}: {response.status_code}"
    if response.status_code == 302:
        assert response["Location"] != url, what
    if view == "delete":
        before = fingerprint()
        client.post(url, {"post": "yes"})
        assert changed(before, fingerprint()) == [], f"{what}: deleted"


def test_classes_are_the_documented_ones():
    """Every value in ROUTES is one of the classes the module's docstring lists."""
    kinds = {PUBLIC, SIGNED_IN, SIGNED_IN_POST, MANAGER, TOKEN, ADMIN_SITE, API}
    for key, kind in ROUTES.items():
        options = kind if isinstance(kind, tuple) else (kind,)
        for option in options:
            assert option in kinds or isinstance(option, Scoped | Out), key
    assert classified.__doc__ and "ADDING A URL" in classified.__doc__


@pytest.mark.parametrize("side", ["own", "other"])
def test_a_persons_password_page_opens_for_their_institutes_admin_only(world, side):
    person_ = world.admin_records["accounts.user"]
    url = reverse("admin:auth_user_password_change", args=[person_.pk])
    admin_user = world.uk_admin if side == "own" else world.au_admin
    client = client_as(admin_user)
    before = fingerprint()
    response = client.get(url)
    if side == "own":
        assert response.status_code == 200
        return
    assert response.status_code in (302, 403, 404)
    client.post(url, {"password1": "Another-horse-9", "password2": "Another-horse-9"})
    assert changed(before, fingerprint()) == []


def test_a_draft_application_is_not_shown_to_the_host_institutes_admin(world):
    """The portal hides a draft from the host; so does the admin."""
    draft = world.draft_for_host
    assert draft.status == "draft" and draft.host_institute_id == world.au.pk
    client = client_as(world.au_admin)
    url = reverse("admin:exchange_application_change", args=[draft.pk])
    assert client.get(url).status_code in (302, 403, 404)


def _autocomplete_cases():
    for model, model_admin in admin.site._registry.items():
        for field_name in getattr(model_admin, "autocomplete_fields", ()):
            target = model._meta.get_field(field_name).remote_field.model._meta.label_lower
            if ADMIN_MODELS.get(target) == SCOPED:
                label = model._meta.label_lower
                yield pytest.param(label, field_name, target, id=f"{label}.{field_name}")


# What to type in the picker to find the world's UK-only record of each target model.
AUTOCOMPLETE_TERMS = {
    "accounts.institute": "UK AI Security",
    "accounts.user": "Una Kingdom",
    "exchange.secondment": "Una Kingdom",
    "exchange.application": "Una Kingdom",
    "exchange.opportunity": "UK-only role",
}


@pytest.mark.parametrize(("label", "field_name", "target"), list(_autocomplete_cases()))
def test_admin_autocomplete_offers_no_record_of_the_other_institute(
    world, label, field_name, target
):
    """The pickers search the same institute-scoped list as the changelist: the UK admin
    finds the UK-only record, the Australian admin does not."""
    record = world.admin_records[target]
    app_label, model_name = label.split(".")
    query = {
        "app_label": app_label,
        "model_name": model_name,
        "field_name": field_name,
        "term": AUTOCOMPLETE_TERMS[target],
    }
    offered = {}
    for side, user in (("own", world.uk_admin), ("other", world.au_admin)):
        response = client_as(user).get(reverse("admin:autocomplete"), query)
        assert response.status_code == 200, (side, response.status_code)
        offered[side] = {item["id"] for item in response.json()["results"]}
    assert str(record.pk) in offered["own"], f"{target} #{record.pk} not found by its admin"
    assert str(record.pk) not in offered["other"], f"{target} #{record.pk} offered to the other"
