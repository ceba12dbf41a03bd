"""What every legacy view shares: session auth with DRF's CSRF rule, the error body, origin and CSRF checks."""

from urllib.parse import urlsplit

from django.conf import settings
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.views import APIView

from accounts.permissions import BrowserCsrf
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


class TrustedOrigin(BasePermission):
    """Anonymous writes the original client sends without a CSRF token (verify_code, sign_up).

    Browsers send `Origin` on every cross-site POST, so a page elsewhere cannot make them; API
    clients without an Origin header are not browsers and carry no ambient credentials to abuse.
    Signed-in requests are CSRF-checked by SessionAuthentication instead.
    """

    message = "This request did not come from the Bidangil site."

    def has_permission(self, request, view):
        origin = request.headers.get("Origin")
        if origin is None:
            return True
        parts = urlsplit(origin)
        own = f"{request.scheme}://{request.get_host()}".lower()
        if origin.lower() == own or origin.rstrip("/").lower() in trusted_origins():
            return True
        raise exceptions.PermissionDenied(f"{self.message} ({parts.netloc or origin})", code="csrf_failed")


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
            raise bad_request("Send the fields as a JSON object or a form.")

    def get_throttles(self):
        # Only writes are throttled, with the same named scopes as the v1 API.
        if self.request.method in ("GET", "HEAD", "OPTIONS") or not self.throttle_scope:
            return []
        return [ScopedThrottle()]


class PublicLegacyView(LegacyView):
    permission_classes = [AllowAny]


class TokenCheckedPublicView(LegacyView):
    """Open before sign-in; the client sends its CSRF token here, so browsers must (as in v1)."""

    permission_classes = [BrowserCsrf]


class OriginCheckedPublicView(LegacyView):
    """Open before sign-in; the client sends no CSRF token here, so the Origin must be ours."""

    permission_classes = [TrustedOrigin]


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
