"""The search page: ``/search/?q=…&kind=…&page=…``."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from accounts.decorators import mfa_enforced

from ..forms import SearchForm
from ..pagination import COUNT_LIMIT, paginate
from . import engine
from .registry import all_sources


def _count_text(count: int) -> str:
    return f"more than {COUNT_LIMIT:,}" if count > COUNT_LIMIT else f"{count:,}"


def _link(query: str, kind: str = "") -> str:
    params = {"q": query, **({"kind": kind} if kind else {})}
    return f"{reverse('search')}?{urlencode(params)}"


@require_GET
@mfa_enforced
def search(request):
    sources = all_sources()
    form = SearchForm(
        request.GET if "q" in request.GET or "kind" in request.GET else None,
        kinds=[(source.kind, source.label) for source in sources],
    )
    context = {"form": form, "query": "", "search_page": True}
    if not form.is_bound or not form.is_valid():
        return render(request, "portal/search.html", context)
    query, chosen = form.cleaned_data["q"], form.cleaned_data["kind"]
    context["query"] = query
    if not query:
        return render(request, "portal/search.html", context)

    user = request.user
    found = {source.kind: engine.matches(source, user=user, query=query) for source in sources}
    counts = {source.kind: engine.count(found[source.kind]) for source in sources}
    total = sum(counts.values())
    context.update(
        total=total,
        total_text=_count_text(total),
        filters=[
            {
                "label": "Everything",
                "count_text": _count_text(total),
                "url": _link(query),
                "current": not chosen,
            },
            *(
                {
                    "label": source.label,
                    "count_text": _count_text(counts[source.kind]),
                    "url": _link(query, source.kind),
                    "current": chosen == source.kind,
                }
                for source in sources
            ),
        ],
    )
    if chosen:
        source = next(source for source in sources if source.kind == chosen)
        page = paginate(request, engine.for_display(source, found[chosen], query=query))
        context.update(
            chosen=source,
            chosen_count_text=_count_text(counts[chosen]),
            page_obj=page,
            results=[engine.result(source, obj, query=query) for obj in page],
        )
    else:
        groups = []
        for source in sources:
            if not counts[source.kind]:
                continue
            rows = engine.for_display(source, found[source.kind], query=query)
            groups.append(
                {
                    "label": source.label,
                    "count": counts[source.kind],
                    "count_text": _count_text(counts[source.kind]),
                    "more_url": _link(query, source.kind),
                    "results": [
                        engine.result(source, obj, query=query)
                        for obj in rows[: engine.PREVIEW_SIZE]
                    ],
                }
            )
        context["groups"] = groups
    return render(request, "portal/search.html", context)
