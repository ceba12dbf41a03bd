from django.conf import settings
from django.urls import path

from .consumers import NotificationConsumer

websocket_urlpatterns = [
    path("ws/notifications/", NotificationConsumer.as_asgi()),
]

if settings.LEGACY_API:  # the original web client's avatar socket (legacy/)
    from legacy.consumers import AvatarConsumer

    websocket_urlpatterns.append(path("ws/avatars/", AvatarConsumer.as_asgi()))
