"""Every endpoint asked by four people, as the pages' authorization is tested: nobody
(no token), someone at the partner institute, a colleague of the right person with no
part in the record, and the right person.

Each case names the request and the right person; the answer expected from each of the
others is a 404 (never confirming that the record exists) unless the portal's own rule
shows it to them, which the case says. Lists answer 200 to everyone with a token, and
hold the record only for those who may see it.
"""

from dataclasses import dataclass, field

import pytest

from exchange.models import ChecklistItem, ItemKind
from tests.factories import UserFactory
from tests.handover.factories import make_handover

from .conftest import api_client

ANONYMOUS, FOREIGNER, STRANGER, RIGHT = "anonymous", "foreigner", "stranger", "right"


@dataclass
class Case:
    name: str
    method: str
    # (world) -> (url, right person)
    target: object
    body: dict | None = None
    right_status: int = 200
    # What the others get when it differs from the default (401, 404, 404).
    others: dict = field(default_factory=dict)


def _checklist_item(world):
    """One of the secondee's own items (only an item's owner side may change it)."""
    mine = ChecklistItem.objects.filter(secondment=world.secondment, owner_party="secondee")
    return mine.filter(kind=ItemKind.OTHER).first() or mine.order_by("pk").first()


def _draft_submit(world):
    applicant = UserFactory(institute=world.uk, full_name="Dee Draft")
    return f"/api/v1/applications/{world.draft(applicant=applicant).pk}/submit/", applicant


def _draft_handover_send(world):
    """A draft is seen by its sender alone."""
    draft = make_handover(world.uk_staff, [world.au_staff], [world.document], send=False)
    return f"/api/v1/handovers/{draft.reference}/send/", world.uk_staff


def _item_download(world):
    item = world.handover.items.get()
    return f"/api/v1/handovers/{world.handover.reference}/items/{item.pk}/download/", world.au_staff


DETAIL_CASES = [
    Case(
        "opportunity (draft, managed)",
        "get",
        lambda w: (f"/api/v1/opportunities/{w.draft_opportunity.pk}/", w.au_pm),
    ),
    Case(
        "opportunity (open to the partner's staff)",
        "get",
        lambda w: (f"/api/v1/opportunities/{w.au_opportunity.pk}/", w.uk_staff),
        # Open to everyone at the partner institute; not shown at its host's own.
        others={STRANGER: 200},
    ),
    Case(
        "application",
        "get",
        lambda w: (f"/api/v1/applications/{w.application.pk}/", w.uk_staff),
    ),
    Case(
        "application endorse",
        "post",
        lambda w: (f"/api/v1/applications/{w.application.pk}/endorse/", w.uk_manager),
        body={"reason": "A good fit."},
    ),
    Case(
        "application return",
        "post",
        lambda w: (f"/api/v1/applications/{w.application.pk}/return/", w.uk_manager),
        body={"reason": "Say more about the benefit."},
    ),
    Case(
        "application decline",
        "post",
        lambda w: (f"/api/v1/applications/{w.application.pk}/decline/", w.uk_manager),
        body={"reason": "Not this year."},
    ),
    Case(
        "application withdraw",
        "post",
        lambda w: (f"/api/v1/applications/{w.application.pk}/withdraw/", w.uk_staff),
        body={},
    ),
    Case(
        "application submit",
        "post",
        lambda w: _draft_submit(w),
        body={},
    ),
    Case(
        "application accept",
        "post",
        lambda w: (
            f"/api/v1/applications/{w.endorsed(applicant=w.stranger(w.uk_staff)).pk}/accept/",
            w.au_pm,
        ),
        body={"arrangement": "secondment", "host_supervisor": None},
    ),
    Case(
        "secondment",
        "get",
        lambda w: (f"/api/v1/secondments/{w.secondment.pk}/", w.secondment.secondee),
    ),
    Case(
        "secondment checklist",
        "get",
        lambda w: (f"/api/v1/secondments/{w.secondment.pk}/checklist/", w.secondment.secondee),
    ),
    Case(
        "checklist item change",
        "patch",
        lambda w: (
            f"/api/v1/secondments/{w.secondment.pk}/checklist/{_checklist_item(w).pk}/",
            w.secondment.secondee,
        ),
        body={"notes": "Booked through the travel desk."},
    ),
    Case(
        "secondment ready (refused: open mandatory items)",
        "post",
        lambda w: (f"/api/v1/secondments/{w.secondment.pk}/ready/", w.secondment.home_manager),
        body={},
        right_status=400,
    ),
    Case(
        "secondment dates",
        "post",
        lambda w: (f"/api/v1/secondments/{w.secondment.pk}/dates/", w.secondment.home_manager),
        body={"start_date": "2026-10-05", "end_date": "2027-04-02", "reason": "Visa timing."},
    ),
    Case(
        "secondment supervisor",
        "post",
        lambda w: (f"/api/v1/secondments/{w.secondment.pk}/supervisor/", w.au_pm),
        body={"host_supervisor": None},
    ),
    Case(
        "secondment cancel",
        "post",
        lambda w: (f"/api/v1/secondments/{w.secondment.pk}/cancel/", w.secondment.home_manager),
        body={"reason": "The project was paused."},
    ),
    Case(
        "programme",
        "get",
        lambda w: (f"/api/v1/programmes/{w.programme.pk}/", w.uk_staff),
    ),
    Case(
        "project",
        "get",
        lambda w: (f"/api/v1/projects/{w.project.code}/", w.uk_staff),
    ),
    Case(
        "milestone",
        "get",
        lambda w: (f"/api/v1/milestones/{w.milestone.pk}/", w.uk_staff),
    ),
    Case(
        "milestone status (owner)",
        "post",
        lambda w: (f"/api/v1/milestones/{w.milestone.pk}/status/", w.uk_staff),
        body={"status": "in_progress"},
    ),
    Case(
        "milestone create",
        "post",
        lambda w: (f"/api/v1/projects/{w.project.code}/milestones/", w.uk_pm),
        body={"title": "Shared evaluation", "owner": None, "due_date": "2027-01-29"},
        right_status=201,
    ),
    Case(
        "milestone update",
        "patch",
        lambda w: (f"/api/v1/milestones/{w.milestone.pk}/", w.uk_pm),
        body={"title": "Renamed milestone"},
    ),
    Case(
        "milestone due date",
        "post",
        lambda w: (f"/api/v1/milestones/{w.milestone.pk}/due-date/", w.au_pm),
        body={"due_date": "2027-05-28", "reason": "Compute arrives late."},
    ),
    Case(
        "document (received through a handover)",
        "get",
        lambda w: (f"/api/v1/documents/{w.document.pk}/", w.au_staff),
        # The owning institute's staff see their documents.
        others={FOREIGNER: 200},
    ),
    Case(
        "document version download",
        "get",
        lambda w: (f"/api/v1/documents/{w.document.pk}/versions/1/download/", w.au_staff),
        others={FOREIGNER: 200},
    ),
    Case(
        "handover",
        "get",
        lambda w: (f"/api/v1/handovers/{w.handover.reference}/", w.au_staff),
    ),
    Case(
        "handover acknowledge",
        "post",
        lambda w: (f"/api/v1/handovers/{w.handover.reference}/acknowledge/", w.au_staff),
        body={},
    ),
    Case(
        "handover query",
        "post",
        lambda w: (f"/api/v1/handovers/{w.handover.reference}/query/", w.au_staff),
        body={"reason": "The annex is missing."},
    ),
    Case(
        "handover withdraw",
        "post",
        lambda w: (f"/api/v1/handovers/{w.handover.reference}/withdraw/", w.uk_staff),
        body={"reason": "Wrong version."},
    ),
    Case(
        "handover send",
        "post",
        lambda w: _draft_handover_send(w),
        body={},
    ),
    Case("handover item download", "get", _item_download),
]


def _request(client, case, url):
    call = getattr(client, case.method)
    if case.body is None:
        return call(url)
    return call(url, case.body, format="json")


def _body(world, case, url_and_user):
    body = dict(case.body or {})
    if case.name == "milestone create":
        body["owner"] = world.uk_staff.pk
    if case.name in ("application accept", "secondment supervisor"):
        body["host_supervisor"] = world.au_supervisor.pk
    return body


def _check(world, case):
    url, right = case.target(world)
    if case.body is not None:
        case = Case(**{**case.__dict__, "body": _body(world, case, (url, right))})
    expected = {ANONYMOUS: 401, FOREIGNER: 404, STRANGER: 404, **case.others}
    people = {
        ANONYMOUS: None,
        FOREIGNER: world.foreigner(right),
        STRANGER: world.stranger(right),
    }
    for who, person in people.items():
        response = _request(api_client(person), case, url)
        assert response.status_code == expected[who], (case.name, who, response.content[:300])
        if response.status_code >= 400:
            assert "detail" in response.json()
    # The right person last, so that nothing the others tried had changed anything.
    response = _request(api_client(right), case, url)
    assert response.status_code == case.right_status, (case.name, response.content[:500])


READS = [case for case in DETAIL_CASES if case.method == "get"]
WRITES = [case for case in DETAIL_CASES if case.method != "get"]
# Actions that end the same record's story (one application, one handover) each need a
# world of their own; the rest share one, in turns.
SEPARATE = [
    {"application return", "handover query"},
    {"application decline", "handover withdraw"},
    {"application withdraw", "secondment cancel"},
]
TURNS = [
    [case for case in WRITES if not any(case.name in turn for turn in SEPARATE)],
    *[[case for case in WRITES if case.name in turn] for turn in SEPARATE],
]


def test_each_read_answers_only_the_right_person(world):
    """Reads change nothing, so one world serves them all."""
    for case in READS:
        _check(world, case)


@pytest.mark.parametrize("turn", TURNS, ids=lambda t: ", ".join(c.name for c in t))
def test_each_action_answers_only_the_right_person(world, turn):
    for case in turn:
        _check(world, case)


def test_every_action_is_asked():
    assert sorted(c.name for turn in TURNS for c in turn) == sorted(c.name for c in WRITES)


LIST_CASES = [
    ("/api/v1/opportunities/", lambda w: (w.draft_opportunity.pk, w.au_pm), "id"),
    ("/api/v1/applications/", lambda w: (w.application.pk, w.uk_staff), "id"),
    ("/api/v1/secondments/", lambda w: (w.secondment.pk, w.secondment.secondee), "id"),
    ("/api/v1/programmes/", lambda w: (w.programme.pk, w.uk_staff), "id"),
    ("/api/v1/projects/", lambda w: (w.project.code, w.uk_staff), "code"),
    ("/api/v1/milestones/", lambda w: (w.milestone.pk, w.uk_staff), "id"),
    ("/api/v1/handovers/", lambda w: (w.handover.reference, w.au_staff), "reference"),
]


def test_each_list_holds_only_what_the_person_may_see(world):
    for url, target, key in LIST_CASES:
        record, right = target(world)
        assert api_client().get(url).status_code == 401
        for person, sees in (
            (world.foreigner(right), False),
            (world.stranger(right), False),
            (right, True),
        ):
            response = api_client(person).get(url)
            assert response.status_code == 200
            keys = [row[key] for row in response.json()["results"]]
            assert (record in keys) is sees, (url, person, keys)


def test_the_document_list_follows_the_documents_rule(world):
    """Held by the owning institute's staff and the handover's recipients only."""
    pk = world.document.pk

    def ids(user):
        return [row["id"] for row in api_client(user).get("/api/v1/documents/").json()["results"]]

    assert pk in ids(world.au_staff)
    assert pk in ids(world.stranger(world.uk_staff))
    assert pk not in ids(world.stranger(world.au_staff))
    assert api_client().get("/api/v1/documents/").status_code == 401
