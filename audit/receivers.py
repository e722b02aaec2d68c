"""What the audit log hears without being called: allauth's sign-in and MFA signals,
changes to people, institutes and roles, and the Django admin's own log.

Connected in ``AuditConfig.ready()``. Each receiver writes through ``services.record``.
"""

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import signals as auth_signals
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from accounts.models import Institute, InstituteDomain, User
from accounts.selectors import institute_for_email

from .models import AuditEvent
from .services import record

# The fields of a person and an institute whose changes are recorded, old and new. The
# password is recorded as an event (changed, reset), never as a value.
USER_FIELDS = (
    "email",
    "full_name",
    "job_title",
    "time_zone",
    "nationality",
    "institute",
    "is_active",
    "is_staff",
    "is_superuser",
)
INSTITUTE_FIELDS = ("name", "code", "country", "time_zone", "classification_scheme", "subdivision")


# --- signing in ----------------------------------------------------------------------------


def on_signed_in(sender, request, user, **kwargs):
    record(event=AuditEvent.SIGN_IN, actor=user, obj=user, request=request)


def on_signed_out(sender, request, user, **kwargs):
    if user is not None:
        record(event=AuditEvent.SIGN_OUT, actor=user, obj=user, request=request)


def attempted_login(credentials: dict) -> str:
    return str(credentials.get("email") or credentials.get("username") or "")[:254].lower()


def sign_in_subject(login: str):
    """The account and institute a sign-in attempt with ``login`` was for, if any."""
    account = User.objects.select_related("institute").filter(email__iexact=login).first()
    if account is not None:
        return account, account.institute
    return None, institute_for_email(email=login) if "@" in login else None


def on_sign_in_failed(sender, credentials, request=None, **kwargs):
    login = attempted_login(credentials)
    account, institute = sign_in_subject(login)
    record(
        event=AuditEvent.SIGN_IN_FAILED,
        actor=None,
        actor_label=login,
        obj=account,
        object_label=None if account else login,
        institute=institute,
        request=request,
        summary="Wrong password or unknown address.",
    )


def on_password_changed(sender, request, user, **kwargs):
    record(event=AuditEvent.PASSWORD_CHANGED, actor=user, obj=user, request=request)


def on_password_reset(sender, request, user, **kwargs):
    record(event=AuditEvent.PASSWORD_RESET, actor=user, obj=user, request=request)


# --- two-factor authentication ---------------------------------------------------------------


AUTHENTICATOR_KINDS = {
    Authenticator.Type.TOTP: "Authenticator app",
    Authenticator.Type.RECOVERY_CODES: "Recovery codes",
    Authenticator.Type.WEBAUTHN: "Security key",
}


def _authenticator_kind(authenticator) -> str:
    return AUTHENTICATOR_KINDS.get(authenticator.type, str(authenticator.type))


def on_authenticator_added(sender, request, user, authenticator, **kwargs):
    record(
        event=AuditEvent.MFA_ADDED,
        actor=user,
        obj=user,
        request=request,
        new={"method": _authenticator_kind(authenticator)},
    )


def on_authenticator_removed(sender, request, user, authenticator, **kwargs):
    record(
        event=AuditEvent.MFA_REMOVED,
        actor=user,
        obj=user,
        request=request,
        old={"method": _authenticator_kind(authenticator)},
    )


def on_authenticator_reset(sender, request, user, authenticator, **kwargs):
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        record(event=AuditEvent.RECOVERY_CODES_REGENERATED, actor=user, obj=user, request=request)


def on_authenticator_used(sender, request, user, authenticator, **kwargs):
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        # The code was marked used on another copy of the record: read it again.
        stored = Authenticator.objects.filter(pk=authenticator.pk).first() or authenticator
        left = len(stored.wrap().get_unused_codes())
        record(
            event=AuditEvent.RECOVERY_CODE_USED,
            actor=user,
            obj=user,
            request=request,
            summary=f"{left} recovery codes left.",
        )


def on_mfa_failed(sender, request, user, authenticator=None, **kwargs):
    record(
        event=AuditEvent.MFA_FAILED,
        actor=None,
        actor_label=user.email,
        obj=user,
        institute=user.institute,
        request=request,
    )


# --- people, institutes and roles ---------------------------------------------------------


def _values(model, pk, fields) -> dict | None:
    return model._base_manager.filter(pk=pk).values(*fields).first()


def _readable(values: dict) -> dict:
    if "institute" in values:
        pk = values["institute"]
        values["institute"] = (
            str(Institute.objects.filter(pk=pk).first() or pk) if pk is not None else None
        )
    return values


def _diff(old: dict, new: dict) -> tuple[dict, dict]:
    changed = [name for name in new if old.get(name) != new[name]]
    return {n: old.get(n) for n in changed}, {n: new[n] for n in changed}


def _remember(fields):
    def receiver(sender, instance, raw=False, update_fields=None, **kwargs):
        if raw or instance._state.adding or instance.pk is None:
            return
        if update_fields is not None and not set(update_fields) & set(fields):
            return
        instance._audit_before = _values(sender, instance.pk, fields)

    return receiver


def _current(instance, fields) -> dict:
    return {
        name: getattr(instance, f"{name}_id" if name == "institute" else name) for name in fields
    }


def on_user_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    if created:
        record(
            event=AuditEvent.USER_CREATED,
            obj=instance,
            object_institute=instance.institute,
            new=_readable(_current(instance, USER_FIELDS)),
        )
        return
    before = instance.__dict__.pop("_audit_before", None)
    if before is None:
        return
    old, new = _diff(before, _current(instance, USER_FIELDS))
    if new:
        record(
            event=AuditEvent.USER_CHANGED,
            obj=instance,
            object_institute=instance.institute,
            old=_readable(old),
            new=_readable(new),
            summary="Changed: " + ", ".join(sorted(new)) + ".",
        )


def on_institute_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = {} if created else instance.__dict__.pop("_audit_before", None)
    if before is None:
        return
    old, new = _diff(before, _current(instance, INSTITUTE_FIELDS))
    if new:
        record(
            event=AuditEvent.INSTITUTE_CHANGED,
            obj=instance,
            object_institute=instance,
            old=old,
            new=new,
            summary=("Added." if created else "Changed: " + ", ".join(sorted(new)) + "."),
        )


def on_domain_saved(sender, instance, created, raw=False, **kwargs):
    if raw or not created:
        return
    record(
        event=AuditEvent.INSTITUTE_CHANGED,
        obj=instance.institute,
        object_institute=instance.institute,
        new={"domain": instance.domain},
        summary=f"Email domain {instance.domain} added: its addresses may sign up.",
    )


def on_domain_deleted(sender, instance, **kwargs):
    institute = Institute.objects.filter(pk=instance.institute_id).first()
    if institute is None:
        return
    record(
        event=AuditEvent.INSTITUTE_CHANGED,
        obj=institute,
        object_institute=institute,
        old={"domain": instance.domain},
        summary=f"Email domain {instance.domain} removed.",
    )


def _role_changes(instance, reverse, pk_set):
    """(person, group) pairs a change of ``User.groups`` touches."""
    if reverse:  # group.user_set.add(...)
        people = User.objects.select_related("institute").filter(pk__in=pk_set or ())
        return [(person, instance) for person in people]
    groups = Group.objects.filter(pk__in=pk_set or ())
    return [(instance, group) for group in groups]


def on_groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action == "pre_clear":
        related = instance.user_set if reverse else instance.groups
        instance._audit_cleared = set(related.values_list("pk", flat=True))
        return
    if action == "post_clear":
        pk_set, action = instance.__dict__.pop("_audit_cleared", set()), "post_remove"
    if action not in ("post_add", "post_remove"):
        return
    added = action == "post_add"
    for person, group in _role_changes(instance, reverse, pk_set):
        record(
            event=AuditEvent.ROLE_ADDED if added else AuditEvent.ROLE_REMOVED,
            obj=person,
            object_institute=person.institute,
            old={} if added else {"role": group.name},
            new={"role": group.name} if added else {},
            summary=f"{group.name}: {'given' if added else 'taken away'}.",
        )


# --- the Django admin's own log --------------------------------------------------------------

ADMIN_VERBS = {ADDITION: "Added", CHANGE: "Changed", DELETION: "Deleted"}
INSTITUTE_ATTRIBUTES = (
    "institute",
    "owner_institute",
    "host_institute",
    "home_institute",
    "sending_institute",
)


def _institute_of_record(obj):
    if obj is None:
        return None
    if isinstance(obj, Institute):
        return obj
    for name in INSTITUTE_ATTRIBUTES:
        value = getattr(obj, name, None)
        if isinstance(value, Institute):
            return value
    return None


def admin_entry_ingest(entry: LogEntry) -> None:
    """Copy an entry of the Django admin's log (add, change, delete) into the audit log."""
    edited = None
    if entry.action_flag != DELETION:
        try:
            edited = entry.get_edited_object()
        except Exception:  # noqa: BLE001 - the record may be gone or its model removed
            edited = None
    model = entry.content_type.model_class() if entry.content_type_id else None
    what = model._meta.verbose_name if model else "record"
    message = entry.get_change_message()
    summary = f"{ADMIN_VERBS.get(entry.action_flag, 'Changed')} {what}"
    record(
        event=AuditEvent.ADMIN_ACTION,
        actor=entry.user,
        object_type=f"{entry.content_type.app_label}.{entry.content_type.model}"
        if entry.content_type_id
        else "",
        object_id=entry.object_id or "",
        object_label=entry.object_repr,
        object_institute=_institute_of_record(edited),
        summary=f"{summary}: {message}" if message else f"{summary}.",
    )


def on_admin_log(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        admin_entry_ingest(instance)


def log_deletions_recorded(original):
    """``ModelAdmin.log_deletions`` writes several objects' entries with ``bulk_create``,
    which sends no ``post_save``: those are ingested here."""

    def log_deletions(self, request, queryset):
        entries = original(self, request, queryset)
        if isinstance(entries, list) and len(entries) > 1:
            for entry in entries:
                admin_entry_ingest(entry)
        return entries

    return log_deletions


def connect() -> None:
    account_signals.user_logged_in.connect(on_signed_in, dispatch_uid="audit_sign_in")
    auth_signals.user_logged_out.connect(on_signed_out, dispatch_uid="audit_sign_out")
    auth_signals.user_login_failed.connect(on_sign_in_failed, dispatch_uid="audit_failed")
    account_signals.password_changed.connect(on_password_changed, dispatch_uid="audit_pw")
    account_signals.password_reset.connect(on_password_reset, dispatch_uid="audit_pw_reset")
    mfa_signals.authenticator_added.connect(on_authenticator_added, dispatch_uid="audit_mfa+")
    mfa_signals.authenticator_removed.connect(on_authenticator_removed, dispatch_uid="audit_mfa-")
    mfa_signals.authenticator_reset.connect(on_authenticator_reset, dispatch_uid="audit_mfa_r")
    mfa_signals.authenticator_used.connect(on_authenticator_used, dispatch_uid="audit_mfa_u")
    mfa_signals.authentication_failed.connect(on_mfa_failed, dispatch_uid="audit_mfa_failed")
    pre_save.connect(_remember(USER_FIELDS), sender=User, weak=False, dispatch_uid="audit_u0")
    post_save.connect(on_user_saved, sender=User, dispatch_uid="audit_user")
    pre_save.connect(
        _remember(INSTITUTE_FIELDS), sender=Institute, weak=False, dispatch_uid="audit_i0"
    )
    post_save.connect(on_institute_saved, sender=Institute, dispatch_uid="audit_institute")
    post_save.connect(on_domain_saved, sender=InstituteDomain, dispatch_uid="audit_domain+")
    post_delete.connect(on_domain_deleted, sender=InstituteDomain, dispatch_uid="audit_domain-")
    m2m_changed.connect(on_groups_changed, sender=User.groups.through, dispatch_uid="audit_roles")
    post_save.connect(on_admin_log, sender=LogEntry, dispatch_uid="audit_admin_log")
