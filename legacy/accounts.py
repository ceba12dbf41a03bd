"""Legacy sign-up, sign-in and session endpoints over accounts.services."""

from django.contrib.auth import login
from rest_framework.response import Response

from accounts import services
from accounts.models import User
from accounts.serializers import EmailInput, LoginInput, SignupInput, VerifyInput
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


class SendCodeView(TokenCheckedPublicView):
    """POST {email} → 200 {msg: "success"}; 400 {msg: "existing_email"} for a registered address."""

    throttle_scope = "code"

    def get_throttles(self):
        return [ScopedThrottle(), EmailScopedThrottle()]

    def post(self, request):
        data = _valid(EmailInput, {"email": _text(request, "email")}, request)
        try:
            services.send_signup_code(**data)
        except DomainError as exc:
            if exc.code == "email_taken":
                raise _with_status(exc, 400, "existing_email") from None
            raise
        return Response({"msg": "success"})


class VerifyCodeView(OriginCheckedPublicView):
    """POST {email, code} → 200 {msg: "success"}; a wrong code 400; an expired one 401 {msg: "expired"}."""

    throttle_scope = "code"

    def get_throttles(self):
        return [ScopedThrottle(), EmailScopedThrottle()]

    def post(self, request):
        data = _valid(VerifyInput, {"email": _text(request, "email"), "code": _text(request, "code")}, request)
        try:
            services.confirm_signup_code(**data)
        except DomainError as exc:
            if exc.code == "code_expired":
                raise _with_status(exc, 401, "expired") from None
            raise
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
        try:
            user = services.sign_up_confirmed(**data)
        except DomainError as exc:
            if exc.code == "email_taken":
                raise _with_status(exc, 401) from None
            if exc.code == "email_not_verified":
                raise _with_status(exc, 402) from None
            raise
        secret = csrf_secret(request._request)
        login(request._request, user)
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
        try:
            user, _token = services.log_in(request=request._request, **data)
        except DomainError as exc:
            if exc.code == "invalid_credentials":
                raise _with_status(exc, 404) from None
            raise
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
