from drf_spectacular.openapi import AutoSchema
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated

from accounts.permissions import BrowserCsrf

from .serializers import error_responses

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def only_public_api(endpoints):
    """drf-spectacular preprocessing hook: document our v1 API, not Wagtail's own admin/page APIs."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


class ApiAutoSchema(AutoSchema):
    """Also documents the 4xx answers DRF gives on a view whatever the view declares.

    Derived from the view's configuration, so the schema says what the server does: unreadable input (400),
    a bad token or no sign-in (401), CSRF and permissions (403), an unknown path id or page (404), throttles (429).
    """

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, serializer in error_responses(**self._framework_errors()).items():
            responses.setdefault(str(code), self._get_response_for_code(serializer, str(code), direction=direction))
        return responses

    def _framework_errors(self) -> dict[str, str]:
        view, method = self.view, self.method
        parameters = [(parameter["in"], parameter["name"]) for parameter in self._get_parameters()]
        authenticators = view.get_authenticators()
        permissions = view.get_permissions()
        errors = {}
        if method in UNSAFE_METHODS or any(where == "query" for where, _ in parameters):
            errors["e400"] = "The input is not valid."
        if any(isinstance(auth, TokenAuthentication) for auth in authenticators):
            errors["e401"] = "Not signed in, or the token is not valid."
        csrf = method in UNSAFE_METHODS and (
            any(isinstance(auth, SessionAuthentication) for auth in authenticators)
            or any(isinstance(permission, BrowserCsrf) for permission in permissions)
        )
        if csrf or not all(isinstance(permission, (AllowAny, IsAuthenticated)) for permission in permissions):
            errors["e403"] = "The CSRF check failed, or this account may not do this."
        if any(where == "path" or name in ("page", "cursor") for where, name in parameters):
            errors["e404"] = "No such object, or no such page."
        if view.get_throttles():
            errors["e429"] = "Too many requests."
        return errors
