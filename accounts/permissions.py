"""CSRF for browsers on the endpoints that are open before sign-in (login, signup, codes, password reset)."""

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import CSRFCheck, SessionAuthentication, TokenAuthentication
from rest_framework.permissions import SAFE_METHODS, BasePermission

from bidangil import error_codes


class BrowserCsrf(BasePermission):
    """Requires the CSRF token from browsers even when nobody is signed in.

    DRF checks CSRF only for requests authenticated by a session, which would leave login open to
    login-CSRF (a foreign page signing the victim into the attacker's account). A request counts as a
    browser's when it carries cookies or an Origin header, which browsers send on every cross-site
    POST; API clients without either (and requests authenticated with a token) are exempt.
    """

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        if isinstance(request.successful_authenticator, (TokenAuthentication, SessionAuthentication)):
            return True  # token: no ambient credentials; session: DRF already enforced CSRF
        if not request.COOKIES and "HTTP_ORIGIN" not in request.META:
            return True
        check = CSRFCheck(lambda _request: None)
        check.process_request(request)
        reason = check.process_view(request, None, (), {})
        if reason:
            raise exceptions.PermissionDenied(
                _("CSRF Failed: %(reason)s") % {"reason": reason}, code=error_codes.CSRF_FAILED
            )
        return True
