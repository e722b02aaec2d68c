"""Writes about people and institutes."""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from . import access, events
from .access import forget_roles
from .models import AttributeChangeRequest, Institute, InstituteDomain, Role, User


@transaction.atomic
def institute_upsert(
    *,
    code: str,
    name: str,
    country: str,
    time_zone: str,
    classification_scheme: str,
    domains: list[str],
    subdivision: str = "",
) -> Institute:
    institute, _ = Institute.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "country": country,
            "time_zone": time_zone,
            "classification_scheme": classification_scheme,
            "subdivision": subdivision,
        },
    )
    for domain in domains:
        InstituteDomain.objects.update_or_create(
            domain=domain.lower(), defaults={"institute": institute}
        )
    return institute


# Institute admins work in the Django admin on these apps' records (scoped to their
# institute by each ModelAdmin); they never get permissions on groups or permissions.
# What they may do to people (their own institute's, the portal's roles only) is decided
# by accounts.access (people_managed_in_admin, person_fields_locked_for).
INSTITUTE_ADMIN_APPS = (
    "accounts",
    "exchange",
    "programmes",
    "handover",
    "notifications",
    "discussion",
    "api",
    "webhooks",
)


@transaction.atomic
def role_groups_ensure() -> dict[str, Group]:
    groups = {role.value: Group.objects.get_or_create(name=role.value)[0] for role in Role}
    admin_perms = Permission.objects.filter(
        content_type__app_label__in=INSTITUTE_ADMIN_APPS
    ).exclude(content_type__model__in=["institute", "institutedomain"])
    # They see their own institute (to pick it as a host, for example), never change it.
    see_institute = Permission.objects.filter(
        content_type__app_label="accounts", codename="view_institute"
    )
    groups[Role.INSTITUTE_ADMIN.value].permissions.set([*admin_perms, *see_institute])
    return groups


@transaction.atomic
def user_grant_role(*, user: User, role: Role) -> None:
    group = role_groups_ensure()[role.value]
    user.groups.add(group)
    if role == Role.INSTITUTE_ADMIN and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    forget_roles(user)


@transaction.atomic
def user_revoke_role(*, user: User, role: Role) -> None:
    """Take ``role`` away from ``user``."""
    user.groups.remove(*Group.objects.filter(name=role.value))
    forget_roles(user)


# --- a person's own details, and changes an admin confirms ------------------------------

# What a person may change about themselves; everything in
# ``access.ATTRIBUTES_SET_BY_ADMINS`` goes through a request an admin confirms.
PROFILE_FIELDS = ("full_name", "job_title", "time_zone")


@transaction.atomic
def profile_update(*, actor: User, **fields) -> User:
    """Save ``actor``'s own details (the audit log records old and new values)."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"profile_update() cannot change {', '.join(sorted(unknown))}.")
    user = User.objects.select_for_update().get(pk=actor.pk)
    for name, value in fields.items():
        setattr(user, name, value)
    with events.acting(actor):
        user.save(update_fields=list(fields))
    for name, value in fields.items():
        setattr(actor, name, value)
    return user


def attribute_display(user: User, field: str) -> str:
    if field == AttributeChangeRequest.Field.INSTITUTE:
        return user.institute.code if user.institute_id else ""
    return getattr(user, field) or ""


def _clean_requested_value(field: str, value: str) -> str:
    value = (value or "").strip()
    if field == AttributeChangeRequest.Field.NATIONALITY:
        value = value.upper()
        if len(value) != 3 or not value.isalpha():
            raise ValidationError(
                {"requested_value": "Enter a 3-letter country code, such as GBR or AUS."}
            )
    elif field == AttributeChangeRequest.Field.INSTITUTE:
        if not Institute.objects.filter(code=value).exists():
            raise ValidationError({"requested_value": "Choose one of the institutes."})
    else:
        raise ValidationError({"field": "Choose what you want changed."})
    return value


@transaction.atomic
def attribute_change_request(
    *, actor: User, field: str, requested_value: str, reason: str
) -> AttributeChangeRequest:
    """``actor`` asks for an attribute that decides access to be changed."""
    if not access.is_active_person(actor):
        raise PermissionDenied("Sign in to ask for a change.")
    requested_value = _clean_requested_value(field, requested_value)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the change is needed."})
    current = attribute_display(actor, field)
    if requested_value == current:
        raise ValidationError({"requested_value": "That is already what the portal holds."})
    pending = AttributeChangeRequest.objects.select_for_update().filter(
        user=actor, field=field, status=AttributeChangeRequest.Status.PENDING
    )
    if pending.exists():
        raise ValidationError(
            {"field": "You have already asked for a change to this: an admin will decide."}
        )
    change = AttributeChangeRequest.objects.create(
        user=actor,
        field=field,
        current_value=current,
        requested_value=requested_value,
        reason=reason[:2000],
    )
    events.record(
        event="change_requested",
        actor=actor,
        obj=change,
        old={field: current},
        new={field: requested_value},
        summary=reason[:500],
    )
    return change


def _locked_pending(change: AttributeChangeRequest, actor: User) -> AttributeChangeRequest:
    change = (
        AttributeChangeRequest.objects.select_for_update(of=("self",))
        .select_related("user__institute")
        .get(pk=change.pk)
    )
    if not access.can_decide_attribute_change(actor, change):
        raise PermissionDenied(
            "Only an admin of the person's institute may decide this, and never about "
            "their own details."
        )
    if change.status != AttributeChangeRequest.Status.PENDING:
        raise ValidationError(f"This request was already {change.get_status_display().lower()}.")
    return change


@transaction.atomic
def attribute_change_confirm(
    *, actor: User, change: AttributeChangeRequest, note: str = ""
) -> AttributeChangeRequest:
    """An admin confirms: the person's attribute takes the requested value."""
    change = _locked_pending(change, actor)
    user = User.objects.select_for_update().get(pk=change.user_id)
    old = attribute_display(user, change.field)
    if change.field == AttributeChangeRequest.Field.INSTITUTE:
        institute = Institute.objects.filter(code=change.requested_value).first()
        if institute is None:
            raise ValidationError("That institute no longer exists.")
        user.institute = institute
    else:
        setattr(user, change.field, _clean_requested_value(change.field, change.requested_value))
    with events.acting(actor):
        user.save(update_fields=[change.field])
    change.status = AttributeChangeRequest.Status.CONFIRMED
    change.decided_by, change.decided_at, change.decision_note = actor, timezone.now(), note[:500]
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    events.record(
        event="change_confirmed",
        actor=actor,
        obj=change,
        object_institute=change.user.institute,
        old={change.field: old},
        new={change.field: change.requested_value},
        summary=f"{change.get_field_display()} of {user.email} changed.",
    )
    return change


@transaction.atomic
def attribute_change_reject(
    *, actor: User, change: AttributeChangeRequest, note: str = ""
) -> AttributeChangeRequest:
    """An admin rejects: nothing about the person changes."""
    change = _locked_pending(change, actor)
    change.status = AttributeChangeRequest.Status.REJECTED
    change.decided_by, change.decided_at, change.decision_note = actor, timezone.now(), note[:500]
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    events.record(
        event="change_rejected",
        actor=actor,
        obj=change,
        object_institute=change.user.institute,
        summary=note[:500],
    )
    return change


# --- the retention schedule (records app, docs/records.md) ------------------------------

ANONYMISED_EMAIL_DOMAIN = "anonymised.invalid"


def anonymised_name(pk) -> str:
    return f"Former staff member #{pk}"


def anonymised_email(pk) -> str:
    return f"former-staff-{pk}@{ANONYMISED_EMAIL_DOMAIN}"


def people_anonymise(ids) -> list[tuple[int, str]]:
    """Anonymise the people ``ids``: their name becomes "Former staff member #id", their
    address a unique placeholder, their job title, nationality and time zone are
    cleared; their sign-in (password, email addresses, two-factor authenticators,
    linked institute accounts) is removed. The row stays, so every record that names
    them (applications, custody events, the audit log) still points at someone.

    Done as updates, not saves, so that the old values are not copied into the audit
    log by the change receivers. Returns (id, old email) of each person anonymised.
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount
    from django.contrib.auth.hashers import make_password

    people = list(User.objects.filter(pk__in=list(ids)).values_list("pk", "email"))
    for pk, _ in people:
        User.objects.filter(pk=pk).update(
            full_name=anonymised_name(pk),
            email=anonymised_email(pk),
            job_title="",
            nationality="",
            time_zone="",
            is_active=False,
            password=make_password(None),
        )
    pks = [pk for pk, _ in people]
    EmailAddress.objects.filter(user_id__in=pks).delete()
    Authenticator.objects.filter(user_id__in=pks).delete()
    SocialAccount.objects.filter(user_id__in=pks).delete()
    AttributeChangeRequest.objects.filter(user_id__in=pks).update(
        current_value="", requested_value="", reason="", decision_note=""
    )
    return people
