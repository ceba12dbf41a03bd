"""Which language a request is answered in, and which one a member's later messages are written in.

A signed-in member's saved `User.language` wins over the request's Accept-Language (LocaleMiddleware picks
that one first); anonymous requests and members without a saved language follow Accept-Language, and English
is the default. Things sent later (emails, notifications, SMS) are written in the recipient's language.
"""

from contextlib import contextmanager

from django.conf import settings
from django.utils import translation
from rest_framework import authentication


def language_of(user) -> str:
    """The language of what is sent to `user`: their saved one, else the site's default (English)."""
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


@contextmanager
def in_language_of(user):
    """Render text for `user` (an email, a stored notification, an SMS), whoever's request is running."""
    with translation.override(language_of(user)):
        yield


def signup_language() -> str:
    """The language a new account keeps: the one its sign-up request is answered in (from Accept-Language)."""
    return translation.get_language() or settings.LANGUAGE_CODE


def activate_for(request, user) -> None:
    if getattr(user, "language", ""):
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language


class UserLanguageMiddleware:
    """After authentication: a session's signed-in member gets their saved language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            activate_for(request, user)
        return self.get_response(request)


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token sign-in, which happens in the view: the member's saved language applies from there on."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            activate_for(request._request, result[0])
        return result
