"""With Redis: the avatar job runs in a separate `run_huey` worker process and its push reaches a socket here."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from community.models import CommunityProfile

from .wsutil import communicator, session_cookie

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL"),
    # The worker process must see this test's database: a server database (SQLite's test database is in memory).
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.mysql", reason="needs DATABASE_URL=mysql://…"
    ),
]


@pytest.fixture
def queued_jobs():
    """Jobs go to Redis instead of running inline, as in production."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = False
    HUEY.flush()
    yield HUEY
    HUEY.flush()
    HUEY.immediate = True


@pytest.fixture
def worker(queued_jobs, tmp_path):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bidangil.settings.test",
        "HUEY_IMMEDIATE": "0",
        "REDIS_URL": settings.REDIS_URL,
        "DATABASE_URL": (
            f"mysql://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 3306}/{db['NAME']}"
        ),
        "TEST_MEDIA_ROOT": settings.MEDIA_ROOT,
    }
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "run_huey", "--workers", "1", "--no-periodic"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    yield process
    process.terminate()
    try:
        output = process.communicate(timeout=10)[0]
    except subprocess.TimeoutExpired:
        process.kill()
        output = process.communicate()[0]
    print(output.decode(errors="replace")[-3000:])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_avatar_job_in_a_worker_process_pushes_to_the_socket(user, worker):
    session = session_cookie(user)
    client = APIClient()
    client.force_authenticate(user)

    async def body():
        ws = communicator(session=session)
        assert (await ws.connect(timeout=5))[0]
        response = await database_sync_to_async(client.post)(
            "/api/v1/me/avatar/", {"species": "alien", "answers": [1, 1, 1, 1]}, format="json"
        )
        assert response.status_code == 202
        message = await ws.receive_json_from(timeout=40)  # worker start-up included
        await ws.disconnect()
        return message

    message = async_to_sync(body)()
    assert worker.poll() is None, "the worker died"
    assert message["type"] == "avatar.ready"
    assert message["url"].endswith(CommunityProfile.objects.get(user=user).avatar.name)
