"""Reminder rules for exchanges: decisions waiting, checklists, secondment dates, expiries.

Every rule is one query on an index the exchange models declare: application_waiting_idx
(status, status_changed_at), checklist_due_idx (status, due_date), the secondment
status/start and status/end indexes, and the partial indexes on clearance and visa expiry.
"""

from django.db.models import Case, CharField, F, IntegerField, Q, Value, When
from django.db.models.functions import Cast, Concat, TruncDate
from django.template.defaultfilters import pluralize

from accounts.clock import local_now, today_for
from accounts.models import Institute
from notifications.calendars import working_days_before
from notifications.rules import Message, Rule, due_values
from notifications.windows import (
    DaysSince,
    before,
    found_at,
    once_after,
    once_within,
    relative_day,
)

from . import access, selectors
from .models import Application, ChecklistItem, Secondment

WAITING_WORKING_DAYS = 5


# --- applications waiting on a decision ----------------------------------------------


def _waiting(now, status: str, recipient: str, also: Q | None = None):
    """Waiting ``WAITING_WORKING_DAYS`` working days for ``recipient``, counted on the
    working days of the recipient's institute (one cutoff per institute), then weekly."""
    where = f"{recipient}__institute"
    cutoffs = {
        institute.pk: working_days_before(now, WAITING_WORKING_DAYS, institute=institute)
        for institute in Institute.objects.all()
    }
    no_institute = working_days_before(now, WAITING_WORKING_DAYS)
    waited = Q(**{f"{where}__isnull": True, "status_changed_at__lte": no_institute})
    for pk, cutoff in cutoffs.items():
        waited |= Q(**{where: pk, "status_changed_at__lte": cutoff})
    since = TruncDate("status_changed_at")
    weeks = Case(
        *[When(**{where: pk}, then=DaysSince(since, c.date())) for pk, c in cutoffs.items()],
        default=DaysSince(since, no_institute.date()),
        output_field=IntegerField(),
    )
    window = Concat(
        Value(f"{status}-w"),
        Cast(weeks / 7, output_field=CharField()),
        Value(":"),
        Cast(since, output_field=CharField()),
        output_field=CharField(),
    )
    return due_values(
        # One filter() for everything about the recipient, so that a recipient reached
        # through a many-to-many (programme managers) is one join, tested as a whole.
        Application.objects.filter(status=status).filter(
            waited & Q(**{f"{recipient}__isnull": False}) & (also or Q())
        ),
        object_id=F("pk"),
        recipient_id=F(recipient),
        window=window,
        due_at=found_at(now),
    )


def awaiting_endorsement(now):
    """Submitted, waiting for the named home line manager to endorse or return it."""
    return _waiting(now, Application.Status.SUBMITTED, "line_manager")


def awaiting_acceptance(now):
    """Endorsed, waiting for the host programme's managers to accept or decline it."""
    return _waiting(now, Application.Status.ENDORSED, "programme__managers")


def awaiting_endorsement_by_delegate(now):
    """Submitted, and the line manager has an acting delegate today: reminded alike."""
    recipient, condition = access.acting_delegates_path(
        role_path="line_manager", kind=access.LINE, on=now.date()
    )
    return _waiting(now, Application.Status.SUBMITTED, recipient, condition)


def awaiting_acceptance_by_delegate(now):
    """Endorsed, and a host-side manager of its programme has an acting delegate today."""
    recipient, condition = access.acting_delegates_path(
        role_path="programme__managers", kind=access.HOST, on=now.date()
    )
    at_host = Q(programme__managers__institute=F("host_institute"))
    return _waiting(now, Application.Status.ENDORSED, recipient, condition & at_host)


def describe_waiting(application: Application, reminder) -> Message:
    today = today_for(reminder.recipient)
    waited = (today - local_now(reminder.recipient, application.status_changed_at).date()).days
    step = "endorse" if application.status == Application.Status.SUBMITTED else "accept or decline"
    acting_for = selectors.acting_decider_for(user=reminder.recipient, application=application)
    return Message(
        subject=f"{f'Acting for {acting_for}: ' if acting_for else ''}"
        f"Application {application.reference} from {application.applicant} is "
        f"waiting for your decision",
        body=f"It has waited {waited} day{pluralize(waited)} for you to {step} it. "
        f"You will be reminded weekly until it has a decision.",
        url=application.get_absolute_url(),
    )


# --- checklist items -----------------------------------------------------------------


def _open_items():
    return ChecklistItem.objects.filter(
        status__in=[ChecklistItem.Status.NOT_STARTED, ChecklistItem.Status.IN_PROGRESS],
        owner__isnull=False,
        secondment__status__in=Secondment.LIVE,
    )


def checklist_item_due(now):
    q, window = once_within("due_date", now.date(), 7, "d7")
    return due_values(
        _open_items().filter(q),
        object_id=F("pk"),
        recipient_id=F("owner_id"),
        window=window,
        due_at=found_at(now),
    )


def checklist_item_late(now):
    q, window = once_after("due_date", now.date(), "late")
    return due_values(
        _open_items().filter(q),
        object_id=F("pk"),
        recipient_id=F("owner_id"),
        window=window,
        due_at=found_at(now),
    )


def describe_item_due(item: ChecklistItem, reminder) -> Message:
    return Message(
        subject=f"Checklist: “{item.title}” for {item.secondment.reference} is due on "
        f"{item.due_date:%-d %B %Y}",
        body=f"Secondment: {item.secondment}.\nYou own this checklist item.",
        url=item.get_absolute_url(),
    )


def describe_item_late(item: ChecklistItem, reminder) -> Message:
    return Message(
        subject=f"Checklist: “{item.title}” for {item.secondment.reference} is late "
        f"(due {item.due_date:%-d %B %Y})",
        body=f"Secondment: {item.secondment}.\nYou own this checklist item. Complete it, "
        f"or mark it not applicable with a note.",
        url=item.get_absolute_url(),
    )


# --- secondment dates ----------------------------------------------------------------

NOT_STARTED = [Secondment.Status.PLANNING, Secondment.Status.READY]


def _starting(recipient):
    def due(now):
        q, window = before("start_date", now.date(), (30, 7))
        return due_values(
            Secondment.objects.filter(status__in=NOT_STARTED)
            .filter(q)
            .filter(**{f"{recipient}__isnull": False}),
            object_id=F("pk"),
            recipient_id=F(recipient),
            window=window,
            due_at=found_at(now),
        )

    return due


def _ending(recipient):
    def due(now):
        q, window = once_within("end_date", now.date(), 30, "d30")
        return due_values(
            Secondment.objects.filter(status__in=Secondment.LIVE).filter(q),
            object_id=F("pk"),
            recipient_id=F(recipient),
            window=window,
            due_at=found_at(now),
        )

    return due


def describe_starting(secondment: Secondment, reminder) -> Message:
    today = today_for(reminder.recipient)
    when = relative_day(max(secondment.start_date, today), today)
    return Message(
        subject=f"Secondment {secondment.reference} ({secondment.secondee}) starts {when}, "
        f"on {secondment.start_date:%-d %B %Y}",
        body=f"{secondment.title}, {secondment.location}.\nCheck that every mandatory "
        f"checklist item is done before the start.",
        url=secondment.get_absolute_url(),
    )


def describe_ending(secondment: Secondment, reminder) -> Message:
    return Message(
        subject=f"Secondment {secondment.reference} ({secondment.secondee}) ends on "
        f"{secondment.end_date:%-d %B %Y}: the return report is due",
        body=f"{secondment.title}, {secondment.location}.\nPlan the return report and the "
        f"knowledge handover before the end date.",
        url=secondment.get_absolute_url(),
    )


# --- clearance and visa expiry -------------------------------------------------------


def _expiring(field: str, key: str, recipient: str):
    def due(now):
        q, window = once_within(field, now.date(), 60, key)
        return due_values(
            ChecklistItem.objects.filter(secondment__status__in=Secondment.LIVE).filter(q),
            object_id=F("pk"),
            recipient_id=F(recipient),
            window=window,
            due_at=found_at(now),
        )

    return due


def describe_expiring(item: ChecklistItem, reminder) -> Message:
    is_visa = reminder.window.startswith("visa")
    what = "Visa" if is_visa else "Security clearance"
    expires = item.visa_expires_on if is_visa else item.clearance_expires_on
    secondment = item.secondment
    return Message(
        subject=f"{what} for {secondment.secondee} ({secondment.reference}) expires on "
        f"{expires:%-d %B %Y}",
        body=f"Secondment: {secondment.title} until {secondment.end_date:%-d %B %Y}.\n"
        f"Arrange the renewal, or change the secondment's dates, before it expires.",
        url=item.get_absolute_url(),
    )


def _items():
    return ChecklistItem.objects.select_related("secondment__secondee")


def _secondments():
    return Secondment.objects.select_related("secondee")


def _applications():
    return Application.objects.select_related("applicant", "line_manager")


def _waiting_rule(name: str, due) -> Rule:
    """A reminder of an application waiting on a decision (its manager's or, through a
    delegation in force, their acting delegate's)."""
    return Rule(
        name=name,
        kind="application_awaiting_decision",
        model=Application,
        due=due,
        describe=describe_waiting,
        visible_to=access.applications_visible_to,
        queryset=_applications,
    )


RULES = [
    _waiting_rule("exchange.application_awaiting_endorsement", awaiting_endorsement),
    _waiting_rule("exchange.application_awaiting_acceptance", awaiting_acceptance),
    _waiting_rule(
        "exchange.application_awaiting_endorsement.delegate", awaiting_endorsement_by_delegate
    ),
    _waiting_rule(
        "exchange.application_awaiting_acceptance.delegate", awaiting_acceptance_by_delegate
    ),
    Rule(
        name="exchange.checklist_item_due",
        kind="checklist_item_due",
        model=ChecklistItem,
        due=checklist_item_due,
        describe=describe_item_due,
        visible_to=access.checklist_items_visible_to,
        queryset=_items,
    ),
    Rule(
        name="exchange.checklist_item_late",
        kind="checklist_item_late",
        model=ChecklistItem,
        due=checklist_item_late,
        describe=describe_item_late,
        visible_to=access.checklist_items_visible_to,
        queryset=_items,
    ),
]
for _who in ("secondee", "home_manager", "host_supervisor"):
    RULES.append(
        Rule(
            name=f"exchange.secondment_starting.{_who}",
            kind="secondment_starting",
            model=Secondment,
            due=_starting(_who),
            describe=describe_starting,
            visible_to=access.secondments_visible_to,
            queryset=_secondments,
        )
    )
for _who in ("secondee", "home_manager"):
    RULES.append(
        Rule(
            name=f"exchange.secondment_ending.{_who}",
            kind="secondment_ending",
            model=Secondment,
            due=_ending(_who),
            describe=describe_ending,
            visible_to=access.secondments_visible_to,
            queryset=_secondments,
        )
    )
    for _field, _key in (("clearance_expires_on", "clearance"), ("visa_expires_on", "visa")):
        RULES.append(
            Rule(
                name=f"exchange.{_key}_expiring.{_who}",
                kind="clearance_expiring",
                model=ChecklistItem,
                due=_expiring(_field, _key, f"secondment__{_who}"),
                describe=describe_expiring,
                visible_to=access.checklist_items_visible_to,
                queryset=_items,
            )
        )

# Who may see each kind of record a notice is about (checked again at send time).
VISIBILITY = {
    Application: access.applications_visible_to,
    Secondment: access.secondments_visible_to,
    ChecklistItem: access.checklist_items_visible_to,
}
