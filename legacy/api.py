"""What every legacy view shares: session auth with DRF's CSRF rule, the error body, origin and CSRF checks."""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated
from rest_framework.views import APIView

from accounts.permissions import BrowserCsrf
from bidangil import error_codes
from bidangil.api.exceptions import exception_handler
from bidangil.api.throttling import ScopedThrottle


def legacy_exception_handler(exc, context):
    """The project's errors (status codes unchanged) in the shape the original client shows.

    The original answered errors with `error`, `err` or `msg` depending on the view; every legacy error
    carries all three: `error`/`err` the readable message, `msg` the machine code, plus `fields`.
    """
    response = exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "error" in response.data:
        error = response.data["error"]
        response.data = {
            "msg": error["code"],
            "error": error["message"],
            "err": error["message"],
            "fields": error.get("fields", {}),
        }
    return response


def trusted_origins() -> set[str]:
    """Origins allowed to call with the session: the configured client origins and this site."""
    origins = {*settings.CORS_ALLOWED_ORIGINS, *settings.CSRF_TRUSTED_ORIGINS, settings.SITE_URL}
    return {origin.rstrip("/").lower() for origin in origins}


def _request_origin(request) -> str | None:
    """The `Origin` header, else the scheme://host of the `Referer` (browsers send one or the other on POSTs)."""
    origin = request.headers.get("Origin")
    if origin is None and request.headers.get("Referer"):
        parts = urlsplit(request.headers["Referer"])
        origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None
    return origin


class TrustedOrigin(BrowserCsrf):
    """The anonymous writes before sign-in (send_code, verify_code, sign_up, login).

    A request from one of our origins (`Origin`, or failing that `Referer`: this site, CORS_ALLOWED_ORIGINS,
    CSRF_TRUSTED_ORIGINS, SITE_URL) passes without a CSRF token. Browsers set these headers themselves, so a
    page elsewhere cannot claim our origin, and login-CSRF is still impossible. The original client needs this:
    it sends no token on verify_code and sign_up, and at mount it fetches /api/csrf_token/ twice at once
    without a cookie, so the token it keeps may not match the cookie it ends up with (docs/legacy.md, "CSRF").
    A foreign origin is refused; without either header the CSRF token is required as in v1 (`BrowserCsrf`:
    a request with cookies needs the token, one without cookies carries no ambient credentials to abuse).
    Signed-in requests are CSRF-checked by SessionAuthentication instead.
    """

    message = _lazy("This request did not come from the Bidangil site.")

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        origin = _request_origin(request)
        if origin is not None:
            own = f"{request.scheme}://{request.get_host()}".lower()
            if origin.lower() == own or origin.rstrip("/").lower() in trusted_origins():
                return True
            if "HTTP_ORIGIN" in request.META:
                netloc = urlsplit(origin).netloc or origin
                raise exceptions.PermissionDenied(
                    _("%(message)s (%(netloc)s)") % {"message": self.message, "netloc": netloc},
                    code=error_codes.CSRF_FAILED,
                )
        return super().has_permission(request, view)


class LegacyView(APIView):
    """Session cookie only (the original client has no tokens); CSRF as DRF checks it for sessions."""

    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_scope = None

    def get_exception_handler(self):
        return legacy_exception_handler

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method == "POST" and not hasattr(request.data, "get"):
            raise bad_request(_("Send the fields as a JSON object or a form."))

    def get_throttles(self):
        # Only writes are throttled, with the same named scopes as the v1 API.
        if self.request.method in ("GET", "HEAD", "OPTIONS") or not self.throttle_scope:
            return []
        return [ScopedThrottle()]


class PublicLegacyView(LegacyView):
    permission_classes = [AllowAny]


class PreLoginView(LegacyView):
    """Open before sign-in: our Origin/Referer or a valid CSRF token (`TrustedOrigin`)."""

    permission_classes = [TrustedOrigin]


# send_code and login get the client's token, verify_code and sign_up none; both pass the same check.
TokenCheckedPublicView = OriginCheckedPublicView = PreLoginView


def keep_csrf_secret(request, secret: str | None) -> None:
    """Undo the CSRF rotation of a sign-in made through the legacy API (docs/legacy.md, "CSRF").

    The original client fetches its token once when the app mounts and keeps sending it after signing
    in; Django's login() rotates the secret, which would make that token fail on the next POST. The
    session key is still cycled by login(), which is what protects against session fixation.
    """
    if secret:
        request.META["CSRF_COOKIE"] = secret
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True


def csrf_secret(request) -> str | None:
    """The CSRF secret of the request's cookie (read by CsrfViewMiddleware), before anything rotates it."""
    return request.META.get("CSRF_COOKIE")


def bad_request(message: str, field: str | None = None, code: str = "invalid"):
    from bidangil.errors import InvalidInput

    return InvalidInput(message, code=code, fields={field: [message]} if field else None)
