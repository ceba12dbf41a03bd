"""HTTP goes to Django; /ws/ goes to Channels consumers behind an origin check and session/token auth."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bidangil.settings.dev")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import OriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from notifications.auth import SessionOrTokenAuthMiddleware  # noqa: E402
from notifications.routing import websocket_urlpatterns  # noqa: E402


class AllowedOriginValidator(OriginValidator):
    """Browsers may open sockets only from our own site or the frontends allowed by CORS.

    The list is read from settings on each connection so it follows the environment (and tests).
    A socket without an Origin header is refused too: clients outside a browser send one of these origins.
    """

    def __init__(self, application):
        super().__init__(application, allowed_origins=[])

    @property
    def allowed_origins(self):
        return [*settings.CORS_ALLOWED_ORIGINS, settings.SITE_URL, settings.FRONTEND_URL]

    @allowed_origins.setter
    def allowed_origins(self, value):
        """The list always comes from settings."""


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedOriginValidator(SessionOrTokenAuthMiddleware(URLRouter(websocket_urlpatterns))),
    }
)
