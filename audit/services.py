"""Writing the audit log. Every app's services call ``record``; accounts reaches it
through ``accounts.events.record`` (registered in ``AuditConfig.ready()``)."""

import json

from allauth.core.internal.httpkit import get_client_ip
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from accounts import events

from .models import AuditEntry, AuditEvent

LABEL_MAX = 300
SUMMARY_MAX = 500


def client_ip(request) -> str | None:
    """The client's address, as the sign-in rate limits reckon it (behind a proxy, the
    trusted proxy settings decide)."""
    if request is None:
        return None
    try:
        return get_client_ip(request)
    except (ImproperlyConfigured, ValueError):
        return request.META.get("REMOTE_ADDR") or None


def _json(values: dict | None) -> dict:
    # Dates, decimals and the like as text, so the entry reads back as it was written.
    return json.loads(json.dumps(values or {}, cls=DjangoJSONEncoder, default=str))


def record(
    *,
    event: AuditEvent | str,
    actor=None,
    obj: models.Model | None = None,
    object_label: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    institute=None,
    object_institute=None,
    old: dict | None = None,
    new: dict | None = None,
    summary: str = "",
    request=None,
    actor_label: str = "",
) -> AuditEntry:
    """Append one entry.

    ``actor`` defaults to whoever is acting (``accounts.events.current_actor``),
    ``request`` to the one being served (for the client's address), ``institute`` to the
    actor's. ``obj`` names the record acted on; ``object_institute`` the institute it
    belongs to, when an admin there should see the entry too.
    """
    request = request if request is not None else events.current_request()
    if actor is None:
        actor = events.current_actor()
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    entry = AuditEntry(
        event=AuditEvent(event),
        actor=actor,
        actor_label=(actor_label or (actor.email if actor is not None else ""))[:254],
        # The actor's institute by its id: no query for a record the page did not load.
        institute_id=institute.pk
        if institute is not None
        else getattr(actor, "institute_id", None),
        object_institute=object_institute,
        old_values=_json(old),
        new_values=_json(new),
        ip=client_ip(request),
        summary=summary[:SUMMARY_MAX],
    )
    if obj is not None:
        entry.object_type = obj._meta.label_lower
        entry.object_id = str(obj.pk)
        entry.object_label = str(obj)[:LABEL_MAX]
    if object_type is not None:
        entry.object_type = object_type[:100]
    if object_id is not None:
        entry.object_id = str(object_id)[:64]
    if object_label is not None:
        entry.object_label = object_label[:LABEL_MAX]
    entry.save()
    return entry


# --- the retention schedule's exceptions to append-only (docs/records.md) --------------


def entries_expire(ids) -> int:
    """Delete the entries ``ids`` (past the schedule's period). The log's own guards
    refuse deletes; the schedule goes round them through the base queryset, here only."""
    deleted, _ = models.QuerySet.delete(AuditEntry.objects.filter(pk__in=list(ids)))
    return deleted


def entries_anonymise_person(*, user_id, email: str, label: str) -> int:
    """Replace an anonymised person's address in the entries that name them: as the actor
    (``actor_label``) or as the record acted on (``object_label``). Their client
    addresses go too. What they did, when, and to what, stays."""
    as_actor = AuditEntry.objects.filter(actor_id=user_id)
    changed = models.QuerySet.update(as_actor, actor_label=label, ip=None)
    if email:
        named = AuditEntry.objects.filter(actor_id__isnull=True, actor_label__iexact=email)
        changed += models.QuerySet.update(named, actor_label=label, ip=None)
    about = AuditEntry.objects.filter(object_type="accounts.user", object_id=str(user_id))
    changed += models.QuerySet.update(about, object_label=label, old_values={}, new_values={})
    return changed
