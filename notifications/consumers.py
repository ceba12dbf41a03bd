"""`/ws/notifications/`: server-to-client pushes, one group per user."""

import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from . import presence
from .push import credential_group, user_group

UNAUTHORISED = 4401
# Clients only listen (and may send a small ping). The server (`manage.py serve`) refuses bigger messages
# itself with close code 1009; applications may only close with 1000 or 3000-4999.
MAX_CLIENT_MESSAGE_BYTES = 4096


@database_sync_to_async
def _is_banned(user) -> bool:
    from community.models import CommunityProfile

    return CommunityProfile.objects.filter(user_id=user.pk, is_banned=True).exists()


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    """Every tab of a user joins the user's group and the group of the session or token it signed in with;
    anonymous and banned members are closed with 4401, and so is every socket whose sign-in is revoked."""

    joined = ()
    # Counted in notifications.presence: a socket that receives every push (conversation emails skip its user).
    tracks_presence = True
    present_user_id = None

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active or await _is_banned(user):
            # Accept first: a close before the handshake completes is an HTTP 403, which browsers report
            # as 1006 and the client could not tell from a network failure.
            await self.accept()
            await self.close(code=UNAUTHORISED)
            return
        session = self.scope.get("session")
        credential = self.scope.get("auth_token") or (session.session_key if session is not None else None)
        self.joined = [user_group(user.pk)] + ([credential_group(credential)] if credential else [])
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        if self.tracks_presence:  # counted before the handshake completes: the socket is live once accepted
            self.present_user_id = user.pk
            await presence.connected(user.pk)
        await self.accept()

    async def disconnect(self, code):
        for group in self.joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        if self.present_user_id is not None:
            await presence.disconnected(self.present_user_id)
            self.present_user_id = None

    async def receive(self, text_data=None, bytes_data=None):
        """Clients have nothing to say: a `ping` gets a `pong`, the rest is ignored (malformed JSON and
        oversized frames included) so a bad client only ever affects itself."""
        size = len(text_data.encode()) if text_data is not None else len(bytes_data or b"")
        if size > MAX_CLIENT_MESSAGE_BYTES:
            return  # never parsed; behind `serve` such a message never gets here (closed with 1009)
        try:
            message = json.loads(text_data) if text_data else None
        except ValueError:
            return
        if isinstance(message, dict) and message.get("type") == "ping":
            if self.present_user_id is not None:
                await presence.refreshed(self.present_user_id)
            await self.send_json({"type": "pong"})

    async def push_message(self, event):
        await self.send_json(event["message"])

    async def auth_revoked(self, event):
        await self.close(code=UNAUTHORISED)
