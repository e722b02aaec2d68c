"""A comment on one application, secondment, project, milestone or handover.

One nullable foreign key per kind of record, exactly one of them set (a check
constraint): "the comments on the records a person may see" is then one indexed
``<kind>_id IN (<that app's access rule>)`` per kind, with no generic join.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from simple_history.models import HistoricalRecords

from portal import bounds
from portal.search.fields import SearchIndex, search_document

from .registry import KINDS

BODY_MAX_LENGTH = bounds.NOTE_MAX_LENGTH


def _exactly_one_record() -> Q:
    condition = Q()
    for kind in KINDS:
        one = Q(**{f"{kind}__isnull": False})
        for other in KINDS:
            if other != kind:
                one &= Q(**{f"{other}__isnull": True})
        condition |= one
    return condition


def _on(model: str) -> models.ForeignKey:
    # Indexed by the partial (record, created_at) indexes in Meta, not on its own.
    return models.ForeignKey(
        model,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        db_index=False,
    )


class Comment(models.Model):
    application = _on("exchange.Application")
    secondment = _on("exchange.Secondment")
    project = _on("programmes.Project")
    milestone = _on("programmes.Milestone")
    handover = _on("handover.Handover")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    body = models.TextField(max_length=BODY_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Removed comments keep their place in the thread ("Comment removed"); the text is
    # cleared from the comment and kept in its history.
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    # Found by the portal's search (``discussion/search.py``); a removed comment has no
    # text, so nothing of it is found.
    search_vector = search_document(("body", "B"))

    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one_record(), name="comment_on_exactly_one_record"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), BODY_MAX_LENGTH),
                name="comment_body_bounded",
            ),
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True) | Q(body=""),
                name="comment_removed_has_no_text",
            ),
        ]
        indexes = [
            *(
                models.Index(
                    fields=[kind, "created_at"],
                    condition=Q(**{f"{kind}__isnull": False}),
                    name=f"comment_{kind}_idx",
                )
                for kind in KINDS
            ),
            models.Index(fields=["author", "created_at"], name="comment_author_idx"),
            SearchIndex(fields=["search_vector"], name="comment_search_idx"),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} by {self.author}"

    @property
    def kind(self) -> str:
        return next(kind for kind in KINDS if getattr(self, f"{kind}_id") is not None)

    @property
    def record_id(self) -> int:
        return getattr(self, f"{self.kind}_id")

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None
