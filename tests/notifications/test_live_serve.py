"""`manage.py serve` as `make run` starts it: daphne + in-process Huey threads + the in-memory channel layer.

A real WebSocket client connects, the avatar API is called, the Huey thread generates the avatar and
the push crosses from the worker thread to daphne's loop. Migrating a fresh database takes longer than
the rest of the suite would like, so this runs only with LIVE_SERVE=1 (documented in docs/realtime.md).
"""

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.environ.get("LIVE_SERVE") != "1", reason="set LIVE_SERVE=1 to start a real server")

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SETUP = """
from rest_framework.authtoken.models import Token
from accounts.models import User
from community.models import CommunityProfile
user = User.objects.create_user("live@example.com", "pw-live-12345", is_active=True)
CommunityProfile.objects.create(user=user, nickname="live", nickname_key="live")
print(Token.objects.create(user=user).key)
"""


def test_avatar_ready_reaches_a_real_socket_under_serve(tmp_path):
    websockets = pytest.importorskip("websockets")
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DATABASE_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="bidangil.settings.dev",
        DATABASE_URL=f"sqlite:///{tmp_path / 'live.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        SITE_URL=f"http://127.0.0.1:{port}",
        AI_BACKEND="dummy",
        DEBUG="true",
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input"], env=env, check=True, capture_output=True, timeout=300)
    token = (
        subprocess.run([*manage, "shell", "-c", SETUP], env=env, check=True, capture_output=True, text=True, timeout=60)
        .stdout.strip()
        .splitlines()[-1]
    )
    server = subprocess.Popen(
        [*manage, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.2)

        async def scenario():
            url = f"ws://127.0.0.1:{port}/ws/notifications/?token={token}"
            async with websockets.connect(url, origin=f"http://127.0.0.1:{port}") as ws:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/api/v1/me/avatar/",
                    data=json.dumps({"species": "bear", "answers": [0, 1, 2, 3]}).encode(),
                    headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
                    method="POST",
                )
                response = await asyncio.to_thread(urllib.request.urlopen, request, timeout=10)
                assert response.status == 202
                return json.loads(await asyncio.wait_for(ws.recv(), timeout=20))

        message = asyncio.run(scenario())
        assert message["type"] == "avatar.ready"
        assert message["url"].startswith(f"http://127.0.0.1:{port}/media/profiles/")
        with urllib.request.urlopen(message["url"], timeout=10) as image:
            assert image.read(8) == b"\x89PNG\r\n\x1a\n"
    except BaseException:
        server.terminate()
        print(server.communicate(timeout=10)[0].decode(errors="replace")[-5000:])
        raise
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
