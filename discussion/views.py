"""The discussion's own pages: adding a comment (the form on each record's page posts
here, and comes back here only to show what needs fixing), changing one's comment
within the edit window, and removing it. Everything else shows on the record's page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.decorators import mfa_enforced
from portal.actions import posted
from portal.forms import apply_service_errors

from . import access, registry, selectors, services
from .forms import CommentEditForm, CommentForm


def _record_or_404(user, kind: str, pk: int):
    record = selectors.record_visible_to(user, kind, pk)
    if record is None:
        raise Http404("No such record.")
    return registry.entry(kind), record


def _marking_context(entry, record) -> dict:
    marking = entry.marking_of(record)
    if marking is None:
        return {}
    return {"marking": marking[0], "marking_class": marking[1]}


def _say_who_was_not_told(request, outcome: services.Posted, entry) -> None:
    if outcome.not_told:
        messages.warning(
            request,
            "Not told, because they cannot see this "
            f"{entry.label} or have no account: " + ", ".join(outcome.not_told) + ".",
        )


def _own_comment_or_404(request, pk: int):
    """The person's own comment on a record they may still see; 404 for anyone else's."""
    comment = get_object_or_404(
        access.comments_visible_to(request.user).select_related("author"), pk=pk
    )
    if not access.is_author(user=request.user, comment=comment):
        raise Http404("No such comment.")
    entry, record = _record_or_404(request.user, comment.kind, comment.record_id)
    return comment, entry, record


@mfa_enforced
def comment_post(request, kind: str, pk: int):
    entry, record = _record_or_404(request.user, kind, pk)
    form = CommentForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.comment_post(
                user=request.user, record=record, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Your comment was added.")
            _say_who_was_not_told(request, outcome, entry)
            return redirect(selectors.thread_url(outcome.comment, record))
    return render(
        request,
        "discussion/comment_form.html",
        {
            "form": form,
            "record": record,
            "entry": entry,
            "back_url": record.get_absolute_url() + "#discussion",
            **_marking_context(entry, record),
        },
    )


@mfa_enforced
def comment_edit(request, pk: int):
    comment, entry, record = _own_comment_or_404(request, pk)
    back = selectors.thread_url(comment, record)
    form = CommentEditForm(posted(request), initial={"body": comment.body})
    open_ = access.can_edit(user=request.user, comment=comment)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.comment_edit(
                user=request.user, comment=comment, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Your comment was changed.")
            _say_who_was_not_told(request, outcome, entry)
            return redirect(back)
    return render(
        request,
        "discussion/comment_edit.html",
        {
            "form": form,
            "comment": comment,
            "record": record,
            "entry": entry,
            "back_url": back,
            "edit_open": open_,
            "closes_at": access.edit_closes_at(comment),
            "minutes": int(access.edit_window().total_seconds() // 60),
            "now": timezone.now(),
            **_marking_context(entry, record),
        },
    )


@mfa_enforced
def comment_remove(request, pk: int):
    comment, entry, record = _own_comment_or_404(request, pk)
    back = selectors.thread_url(comment, record)
    if request.method == "POST":
        try:
            services.comment_remove(user=request.user, comment=comment)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))
        else:
            messages.success(request, "Your comment was removed.")
        return redirect(back)
    return render(
        request,
        "discussion/comment_remove.html",
        {
            "comment": comment,
            "record": record,
            "entry": entry,
            "back_url": back,
            **_marking_context(entry, record),
        },
    )
