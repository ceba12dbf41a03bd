"""Legacy sign-up, sign-in and session endpoints over accounts.services."""

from contextlib import contextmanager

from django.contrib.auth import login
from rest_framework.response import Response

from accounts import services
from accounts.language import signup_language
from accounts.models import User
from accounts.serializers import EmailCodeInput, EmailInput, LoginInput, SignupInput
from bidangil.api.throttling import EmailScopedThrottle, ScopedThrottle
from bidangil.errors import DomainError

from .api import (
    LegacyView,
    OriginCheckedPublicView,
    PublicLegacyView,
    TokenCheckedPublicView,
    csrf_secret,
    keep_csrf_secret,
)

# The proof verify_code earned, kept in the browser session that typed the code: only it can sign up with it.
SIGNUP_PROOF_SESSION_KEY = "legacy_signup_proof"


def _valid(serializer_class, data: dict, request) -> dict:
    serializer = serializer_class(data=data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _text(request, name: str):
    return request.data.get(name) if hasattr(request.data, "get") else None


def _with_status(exc: DomainError, status: int, msg: str | None = None) -> DomainError:
    """The same refusal with the status code (and `msg`) the original client branches on."""
    error = DomainError(exc.message, code=msg or exc.code, fields=exc.fields)
    error.status_code = status
    return error


@contextmanager
def _legacy_refusals(statuses: dict[str, tuple]):
    """Re-raise the service refusals named by code as (status,) or (status, msg) for the original client."""
    try:
        yield
    except DomainError as exc:
        if exc.code in statuses:
            raise _with_status(exc, *statuses[exc.code]) from None
        raise


class EmailThrottled:
    """Throttled per client IP and per email, like the v1 code endpoints."""

    throttle_scope = "code"

    def get_throttles(self):
        return [ScopedThrottle(), EmailScopedThrottle()]


class SendCodeView(EmailThrottled, TokenCheckedPublicView):
    """POST {email} → 200 {msg: "success"}; 400 {msg: "existing_email"} for a registered address."""

    def post(self, request):
        data = _valid(EmailInput, {"email": _text(request, "email")}, request)
        with _legacy_refusals({"email_taken": (400, "existing_email")}):
            services.send_signup_code(**data)
        return Response({"msg": "success"})


class VerifyCodeView(EmailThrottled, OriginCheckedPublicView):
    """POST {email, code} → 200 {msg: "success"}; a wrong code 400; an expired one 401 {msg: "expired"}."""

    def post(self, request):
        data = _valid(EmailCodeInput, {"email": _text(request, "email"), "code": _text(request, "code")}, request)
        with _legacy_refusals({"code_expired": (401, "expired")}):
            proof = services.confirm_signup_code(**data)
        request.session[SIGNUP_PROOF_SESSION_KEY] = {"email": data["email"], "proof": proof}
        return Response({"msg": "success"})


class SignUpView(OriginCheckedPublicView):
    """POST {useremail, userpassword, username} → 201 and signed in; 401 email taken; 402 not verified."""

    throttle_scope = "signup"

    def post(self, request):
        body = {
            "email": _text(request, "useremail"),
            "password": _text(request, "userpassword"),
            "nickname": _text(request, "username"),
        }
        data = _valid(SignupInput, body, request)
        proven = request.session.get(SIGNUP_PROOF_SESSION_KEY) or {}
        proof = proven.get("proof", "") if proven.get("email") == data["email"] else ""
        with _legacy_refusals({"email_taken": (401,), "email_not_verified": (402,)}):
            user = services.sign_up_confirmed(**data, proof=proof, language=signup_language())
        request.session.pop(SIGNUP_PROOF_SESSION_KEY, None)
        secret = csrf_secret(request._request)
        login(request._request, user, backend="django.contrib.auth.backends.ModelBackend")  # no password to check
        keep_csrf_secret(request._request, secret)
        nickname = user.profile.nickname
        return Response({"msg": f"{nickname} is created!", "data": nickname}, status=201)


class LoginView(TokenCheckedPublicView):
    """POST {useremail, userpassword} → 200 {msg, data: {email, nickname}}; wrong credentials 404."""

    throttle_scope = "login"

    def post(self, request):
        data = _valid(
            LoginInput, {"email": _text(request, "useremail"), "password": _text(request, "userpassword")}, request
        )
        secret = csrf_secret(request._request)
        with _legacy_refusals({"invalid_credentials": (404,)}):
            user, _token = services.log_in(request=request._request, **data)
        keep_csrf_secret(request._request, secret)
        profile = getattr(user, "profile", None)
        return Response(
            {
                "msg": f"{user.email} is logged in!",
                "data": {"email": user.email, "nickname": profile.nickname if profile else ""},
            }
        )


class LogoutView(LegacyView):
    """POST → 200 {msg}; ends the session."""

    def post(self, request):
        email = request.user.email
        services.log_out(request=request._request, token=None)
        return Response({"msg": f"{email} logged out"})


class SessionPingView(PublicLegacyView):
    """GET → 200 {authenticated: true} with a session, else 401 {authenticated: false}."""

    def get(self, request):
        user = request.user
        if isinstance(user, User) and user.is_authenticated:
            return Response({"authenticated": True})
        return Response({"authenticated": False}, status=401)
