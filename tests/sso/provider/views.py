import json
import os
import secrets
from functools import wraps

from django.contrib.auth import authenticate, get_user_model, login
from django.http import HttpResponseForbidden, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.models import get_application_model

from .models import Person


def control(view):
    """The tests' own API, behind the token the fixture started the provider with."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request):
        expected = f"Bearer {os.environ['IDP_CONTROL_TOKEN']}"
        given = request.headers.get("Authorization", "")
        if request.method != "POST" or not secrets.compare_digest(given, expected):
            return HttpResponseForbidden()
        return view(request, json.loads(request.body))

    return wrapper


@control
def client(request, data):
    application, _ = get_application_model().objects.update_or_create(
        client_id=data["client_id"],
        defaults={
            "name": "Exchange Portal",
            "client_secret": data["client_secret"],
            "redirect_uris": " ".join(data["redirect_uris"]),
            "client_type": "confidential",
            "authorization_grant_type": "authorization-code",
            "algorithm": "RS256",
            "skip_authorization": True,
        },
    )
    return JsonResponse({"client_id": application.client_id})


@control
def person(request, data):
    user, _ = get_user_model().objects.get_or_create(username=data["username"])
    user.set_password(data["password"])
    user.save()
    Person.objects.update_or_create(
        user=user, defaults={"claims": data.get("claims", {}), "faults": data.get("faults", {})}
    )
    return JsonResponse({"sub": str(user.pk)})


@csrf_exempt
def sign_in(request):
    """A plain sign-in page; the real provider's would have its own MFA and so on."""
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    error = ""
    if request.method == "POST":
        user = authenticate(
            request,
            username=request.POST.get("username", ""),
            password=request.POST.get("password", ""),
        )
        if user is not None:
            login(request, user)
            return HttpResponseRedirect(next_url)
        error = "Wrong username or password."
    return render(request, "idp/sign_in.html", {"next": next_url, "error": error})
