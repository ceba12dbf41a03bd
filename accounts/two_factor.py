"""TOTP two-factor sign-in for the admin (django-otp): the gate in front of /admin/ and /django-admin/, and
the pages that set up an authenticator app and check its codes."""

from base64 import b32encode

from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from wagtail.admin.auth import require_admin_access

from commerce.orders.selectors import is_order_staff

from . import services
from .lockout import ADMIN_PREFIXES

# Reachable before the second factor: signing in and out, the two-factor pages and what they load.
OPEN_VIEWS = {
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
    "admin:login",
    "admin:logout",
    "two_factor_setup",
    "two_factor_verify",
}


def two_factor_required(user) -> bool:
    """STAFF_2FA_REQUIRED makes TOTP mandatory for order staff and superusers."""
    return settings.STAFF_2FA_REQUIRED and is_order_staff(user)


def missing_second_factor(user) -> str | None:
    """ "verify" when the user has a confirmed device and this sign-in has entered no code (API tokens never
    do), "setup" when STAFF_2FA_REQUIRED asks for a device the user lacks, None when nothing is missing."""
    if not user.is_authenticated or getattr(user, "is_verified", lambda: False)():
        return None
    if user_has_device(user):
        return "verify"
    if two_factor_required(user):
        return "setup"
    return None


class StaffTwoFactorMiddleware:
    """In the admins, a signed-in user with a confirmed TOTP device must enter a code once per session; one
    who must have a device and has none is sent to set one up. Runs after django-otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.path.startswith(ADMIN_PREFIXES) or request.resolver_match.view_name in OPEN_VIEWS:
            return None
        missing = missing_second_factor(request.user)
        if missing is None:
            return None
        return redirect_to_login(request.get_full_path(), reverse(f"two_factor_{missing}"))


class CodeForm(forms.Form):
    token = forms.RegexField(
        regex=r"^\d{6}$",
        label=_lazy("6-digit code from your authenticator app"),
        error_messages={"invalid": _lazy("Enter the 6 digits your app shows.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("wagtailadmin_home")


def _page(request, form, **context):
    context.update(form=form, next=_next_url(request))
    return TemplateResponse(request, "accounts/two_factor.html", context)


@require_admin_access
def setup_view(request):
    """Shows a new secret (key and otpauth URL) and confirms it with one code from the app."""
    if user_has_device(request.user):
        return redirect(reverse("two_factor_verify") + f"?next={_next_url(request)}")
    device = services.start_totp_setup(user=request.user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if services.confirm_totp_device(device=device, token=form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("This code does not match. Check the time on your phone and try again."))
    secret = b32encode(device.bin_key).decode()
    return _page(request, form, title=_("Set up two-factor sign-in"), secret=secret, config_url=device.config_url)


@require_admin_access
def verify_view(request):
    """Asks for a code from the confirmed device; django-otp slows down repeated wrong codes."""
    form = CodeForm(request.POST or None)
    if form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("This code is wrong or expired, or too many tries were made. Wait and try again."))
    return _page(request, form, title=_("Two-factor sign-in"))
