"""`/ws/avatars/`: the original client's avatar socket, fed by the same per-user pushes as /ws/notifications/."""

from notifications.consumers import NotificationConsumer
from notifications.models import Notification

READY_TEXT = "Avatar is ready!"  # the client compares this text exactly


class AvatarConsumer(NotificationConsumer):
    """Same auth (accept, then 4401 for anonymous and banned) and group as NotificationConsumer; forwards only
    avatar.ready, in the original's words."""

    tracks_presence = False  # it shows no other push, so its user still gets conversation emails

    async def receive(self, text_data=None, bytes_data=None):
        """The original client never sends anything: every frame is ignored (the server caps their size)."""

    async def push_message(self, event):
        message = event["message"]
        if message.get("type") == Notification.Type.AVATAR_READY:
            await self.send_json({"message": READY_TEXT, "avatar_url": message.get("url")})
