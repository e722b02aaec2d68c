"""Your API tokens, in your account area: create one (shown once), revoke one."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import access as accounts_access
from portal.actions import posted, run_action, service_kwargs
from portal.forms import apply_service_errors

from .. import access, services
from ..forms import TokenForm


@never_cache
@login_required
def token_list(request):
    """The person's tokens and the form for a new one. A new token is shown on the page
    that answers the form, once: it is not stored and is never shown again."""
    mfa_done = accounts_access.request_has_mfa(request)
    refusal = access.token_refusal(user=request.user, mfa_done=mfa_done)
    form = TokenForm(posted(request))
    created = {}
    # Not run_form: the answer is this page, with the token on it, not a redirect.
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            token, raw = services.token_create(
                actor=request.user, mfa_done=mfa_done, **service_kwargs(form)
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            created = {"created": token, "raw": raw}
            form = TokenForm()
    context = {
        "form": form,
        "refusal": refusal,
        "tokens": access.tokens_of(request.user),
        **created,
    }
    return render(request, "api/tokens.html", context)


@require_POST
@login_required
def token_revoke(request, pk: int):
    token = get_object_or_404(access.tokens_of(request.user), pk=pk)
    return run_action(
        request,
        lambda: services.token_revoke(actor=request.user, token=token),
        success=f"The token “{token.name}” was revoked. It no longer works.",
        then="api_tokens",
    )
