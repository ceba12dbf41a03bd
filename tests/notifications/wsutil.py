"""Opening sockets on the real ASGI application, as a browser tab of a given user would."""

from channels.testing import WebsocketCommunicator
from django.test import Client

from bidangil.asgi import application

ORIGIN = b"http://testserver"


def session_cookie(user) -> str:
    """Sign the user in (call it outside the event loop) and return the session key."""
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def communicator(*, session=None, token=None, origin=ORIGIN, path="/ws/notifications/"):
    headers = []
    if origin is not None:
        headers.append((b"origin", origin))
    if session is not None:
        headers.append((b"cookie", f"sessionid={session}".encode()))
    if token is not None:
        path = f"{path}?token={token}"
    return WebsocketCommunicator(application, path, headers=headers)


async def accepted_then_closed(ws) -> int:
    """The handshake completes (daphne turns a close before accept() into HTTP 403), then the close code."""
    connected, _ = await ws.connect()
    assert connected
    message = await ws.receive_output(timeout=2)
    assert message["type"] == "websocket.close"
    return message["code"]
