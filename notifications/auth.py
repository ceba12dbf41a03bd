"""WebSocket auth: the Django session cookie, or `?token=<API token>` for non-browser clients."""

from urllib.parse import parse_qs

from channels.auth import AuthMiddleware
from channels.db import database_sync_to_async
from channels.sessions import CookieMiddleware, SessionMiddleware
from django.contrib.auth.models import AnonymousUser


@database_sync_to_async
def _user_for_token(key: str):
    from rest_framework.authtoken.models import Token

    token = Token.objects.select_related("user").filter(key=key).first()
    return token.user if token and token.user.is_active else AnonymousUser()


class TokenAuthMiddleware(AuthMiddleware):
    """Session first (channels' AuthMiddleware); a `token` query parameter when there is no session user."""

    async def resolve_scope(self, scope):
        await super().resolve_scope(scope)
        if scope["user"].is_authenticated:
            return
        token = parse_qs(scope.get("query_string", b"").decode("latin1")).get("token")
        if token and token[0]:
            scope["user"]._wrapped = await _user_for_token(token[0][:64])
            if scope["user"].is_authenticated:
                scope["auth_token"] = token[0][:64]  # the consumer joins this token's group (signed out with it)


def SessionOrTokenAuthMiddleware(inner):  # noqa: N802 - mirrors channels.auth.AuthMiddlewareStack
    return CookieMiddleware(SessionMiddleware(TokenAuthMiddleware(inner)))
