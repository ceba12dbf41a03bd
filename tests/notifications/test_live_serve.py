"""`manage.py serve` as `make run` starts it: daphne + in-process Huey threads + the in-memory channel layer.

Real WebSocket clients talk to a real server process, so what daphne and autobahn do on the wire is checked:
the avatar push crosses from a Huey thread to daphne's loop, anonymous and banned sockets see close code 4401
(not a refused handshake), and an oversized client message is closed with 1009.

The server runs on a copy of this session's migrated SQLite test database (SQLite's backup API takes well under
a second), so the module costs a few seconds. On another database (MariaDB in CI) that copy is not possible and
the server would have to migrate a fresh SQLite file first (about 30 s): then it runs only with LIVE_SERVE=1.
"""

import asyncio
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

websockets = pytest.importorskip("websockets")

pytestmark = pytest.mark.django_db  # the module fixture copies the test database, which must exist

ROOT = Path(__file__).resolve().parents[2]
SETUP = """
from rest_framework.authtoken.models import Token
from accounts.models import User
from community.models import CommunityProfile
for name, banned in (("live", False), ("banned", True)):
    user = User.objects.create_user(f"{name}@example.com", "pw-live-12345", is_active=True)
    CommunityProfile.objects.create(user=user, nickname=name, nickname_key=name, is_banned=banned)
    print(name, Token.objects.create(user=user).key)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _copy_test_database(target: Path, django_db_blocker) -> bool:
    """Copy the migrated in-memory SQLite test database to `target`; False when the tests run on another one."""
    with django_db_blocker.unblock():
        if connection.vendor != "sqlite" or not connection.creation.is_in_memory_db(connection.settings_dict["NAME"]):
            return False
        connection.ensure_connection()
        assert not connection.in_atomic_block  # a backup waits forever on an open transaction
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
    return True


@pytest.fixture(scope="module")
def served(django_db_setup, django_db_blocker, tmp_path_factory):
    """Start `manage.py serve` on a free port; yields (base URL, {"live": token, "banned": token})."""
    tmp = tmp_path_factory.mktemp("live-serve")
    database = tmp / "live.sqlite3"
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DATABASE_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="bidangil.settings.dev",
        DATABASE_URL=f"sqlite:///{database}",
        HUEY_SQLITE_PATH=str(tmp / "huey.sqlite3"),  # never share a queue with a `make run` on this machine
        MEDIA_ROOT=str(tmp / "media"),
        EMAIL_FILE_PATH=str(tmp / "mail"),
        SITE_URL=f"http://127.0.0.1:{port}",
        AI_BACKEND="dummy",
        DEBUG="true",
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    if not _copy_test_database(database, django_db_blocker):
        if os.environ.get("LIVE_SERVE") != "1":
            pytest.skip("not on the SQLite test database: set LIVE_SERVE=1 to migrate a fresh one (about 30 s)")
        subprocess.run([*manage, "migrate", "--no-input"], env=env, check=True, capture_output=True, timeout=300)
    setup = subprocess.run(
        [*manage, "shell", "-c", SETUP], env=env, check=True, capture_output=True, text=True, timeout=60
    )
    tokens = dict(line.split() for line in setup.stdout.splitlines() if line.startswith(("live ", "banned ")))
    server = subprocess.Popen(
        [*manage, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("manage.py serve did not start") from None
                time.sleep(0.2)
        yield f"127.0.0.1:{port}", tokens
    except BaseException:
        server.terminate()
        print(server.communicate(timeout=10)[0].decode(errors="replace")[-5000:])
        raise
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        server.stdout.close()


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
