"""How django-axes names the client and the account of a sign-in, and what a locked-out sign-in is answered."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _lazy
from rest_framework.throttling import BaseThrottle

from bidangil.api.exceptions import error_body

from .models import User

ADMIN_PREFIXES = ("/admin/", "/django-admin/")
LOCKED_MESSAGE = _lazy(
    "Too many failed sign-ins for this account or from your network. Try again later, or reset your password."
)


def client_ip(request) -> str:
    """The client IP exactly as the API throttles see it (REST_FRAMEWORK["NUM_PROXIES"])."""
    return BaseThrottle().get_ident(request)


def username(request, credentials: dict | None) -> str:
    """The normalised email: API services pass `email`, Django's login forms `username`."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username")
    if value is None:
        value = request.POST.get("username", "") if request.method == "POST" else ""
    return User.objects.normalize_email(value if isinstance(value, str) else "")


def clear_lockout(email: str) -> None:
    """Forget the account's failed sign-ins: a password reset proved the mailbox, so its owner gets back in even
    while someone else keeps failing on the address."""
    from axes.utils import reset

    reset(username=User.objects.normalize_email(email))


def lockout_response(request, original_response: HttpResponse | None, credentials: dict | None) -> HttpResponse:
    """A normal page in the admin; the API view's own 429 (raised by accounts.services.log_in) elsewhere."""
    if request.path.startswith(ADMIN_PREFIXES):
        return render(request, "accounts/locked_out.html", {"message": LOCKED_MESSAGE}, status=429)
    if original_response is not None and original_response.status_code == 429:
        return original_response
    response = JsonResponse(error_body("locked_out", LOCKED_MESSAGE), status=429)
    response["Retry-After"] = "60"
    return response
