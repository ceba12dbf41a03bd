"""`/ws/avatars/`: the original client's avatar socket, fed by the same per-user pushes as /ws/notifications/."""

from notifications.consumers import NotificationConsumer

READY_TEXT = "Avatar is ready!"  # the client compares this text exactly


class AvatarConsumer(NotificationConsumer):
    """Same auth and group as NotificationConsumer; forwards only avatar.ready, in the original's words."""

    async def receive(self, text_data=None, bytes_data=None):
        """The original client never sends anything; frames are ignored (oversized ones still close)."""
        if len(text_data.encode() if text_data is not None else bytes_data or b"") > 4096:
            await self.close(code=1009)

    async def push_message(self, event):
        message = event["message"]
        if message.get("type") == "avatar.ready":
            await self.send_json({"message": READY_TEXT, "avatar_url": message.get("url")})
