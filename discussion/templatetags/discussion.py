"""``{% discussion record %}``: the Discussion section of a record's page."""

from django import template
from django.utils import timezone

from .. import access, registry, selectors
from ..forms import CommentForm

register = template.Library()


@register.inclusion_tag("discussion/_thread.html", takes_context=True)
def discussion(context, record):
    request = context["request"]
    user = request.user
    entry = registry.entry_for(record)
    page = selectors.thread_page(user, record, request.GET.get(selectors.PAGE_PARAM))
    now = timezone.now()
    for comment in page.object_list:
        comment.may_edit = access.can_edit(user=user, comment=comment, now=now)
        comment.may_remove = access.can_remove(user=user, comment=comment)
    marking = entry.marking_of(record)
    return {
        "request": request,
        "user": user,
        "record": record,
        "entry": entry,
        "page": page,
        "page_param": selectors.PAGE_PARAM,
        "form": CommentForm(auto_id="id_comment_%s"),
        "comment_marking": marking[0] if marking else "",
    }
