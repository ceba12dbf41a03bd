"""`manage.py serve` as `make run` starts it: daphne + in-process Huey threads + the in-memory channel layer.

Real WebSocket clients talk to a real server process, so what daphne and autobahn do on the wire is checked:
the avatar push crosses from a Huey thread to daphne's loop, anonymous and banned sockets see close code 4401
(not a refused handshake), and an oversized client message is closed with 1009.

It runs on a copy of the test database (tests/live_server.py).
"""

import asyncio
import json
import urllib.request

import pytest

from tests import live_server

websockets = pytest.importorskip("websockets")

pytestmark = pytest.mark.django_db  # the module fixture copies the test database, which must exist

SETUP = """
from rest_framework.authtoken.models import Token
from accounts.models import User
from community.models import CommunityProfile
for name, banned in (("live", False), ("banned", True)):
    user = User.objects.create_user(f"{name}@example.com", "pw-live-12345", is_active=True)
    CommunityProfile.objects.create(user=user, nickname=name, nickname_key=name, is_banned=banned)
    print(name, Token.objects.create(user=user).key)
"""


@pytest.fixture(scope="module")
def served(django_db_setup, django_db_blocker, tmp_path_factory):
    """Start `manage.py serve` on a free port; yields (base URL, {"live": token, "banned": token})."""
    with live_server.serve(tmp_path_factory.mktemp("live-serve"), django_db_blocker, SETUP) as (host, _, output):
        yield host, dict(line.split() for line in output.splitlines() if line.startswith(("live ", "banned ")))


def connect(host: str, token: str | None = None, path: str = "/ws/notifications/"):
    url = f"ws://{host}{path}" + (f"?token={token}" if token else "")
    return websockets.connect(url, origin=f"http://{host}", open_timeout=10)


async def close_code_after(ws, send: str | None = None) -> int:
    if send is not None:
        await ws.send(send)
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(ws.recv(), timeout=10)
    return closed.value.rcvd.code


def test_avatar_ready_reaches_a_real_socket_under_serve(served):
    host, tokens = served

    async def scenario():
        async with connect(host, tokens["live"]) as ws:
            request = urllib.request.Request(
                f"http://{host}/api/v1/me/avatar/",
                data=json.dumps({"species": "bear", "answers": [0, 1, 2, 3]}).encode(),
                headers={"Content-Type": "application/json", "Authorization": f"Token {tokens['live']}"},
                method="POST",
            )
            response = await asyncio.to_thread(urllib.request.urlopen, request, timeout=10)
            assert response.status == 202
            return json.loads(await asyncio.wait_for(ws.recv(), timeout=20))

    message = asyncio.run(scenario())
    assert message["type"] == "avatar.ready"
    assert message["url"].startswith(f"http://{host}/media/profiles/")
    with urllib.request.urlopen(message["url"], timeout=10) as image:
        assert image.read(8) == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("path", ["/ws/notifications/", "/ws/avatars/"])
@pytest.mark.parametrize("who", [None, "not-a-token", "banned"])
def test_anonymous_and_banned_sockets_are_closed_with_4401(served, path, who):
    host, tokens = served

    async def scenario():
        # The handshake succeeds (a refused handshake would reach a browser as 1006), then the server closes.
        async with connect(host, tokens.get(who, who), path) as ws:
            return await close_code_after(ws)

    assert asyncio.run(scenario()) == 4401


@pytest.mark.parametrize("path", ["/ws/notifications/", "/ws/avatars/"])
def test_an_oversized_message_is_closed_with_1009_and_a_small_one_is_fine(served, path):
    host, tokens = served

    async def scenario():
        async with connect(host, tokens["live"], path) as ws:
            if path == "/ws/notifications/":
                await ws.send(json.dumps({"type": "ping", "pad": "a" * 4000}))
                assert json.loads(await asyncio.wait_for(ws.recv(), timeout=10)) == {"type": "pong"}
            return await close_code_after(ws, json.dumps({"type": "ping", "pad": "가" * 2000}))

    assert asyncio.run(scenario()) == 1009
