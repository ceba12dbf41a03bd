from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .push import user_group

UNAUTHORISED = 4401


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    """One group per user; every tab of that user joins it. Clients only listen."""

    group = None

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=UNAUTHORISED)
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        """Clients have nothing to say; whatever they send is ignored."""

    async def push_message(self, event):
        await self.send_json(event["message"])
