"""With Redis: the avatar job runs in a separate `run_huey` worker process and its push reaches a socket here."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from rest_framework.test import APIClient

from community.models import CommunityProfile
from tests.workers import needs_worker_database, queued_jobs, start_worker, stop_worker  # noqa: F401

from .wsutil import communicator, session_cookie

pytestmark = needs_worker_database


@pytest.fixture
def worker(queued_jobs):  # noqa: F811
    process = start_worker()
    yield process
    print(stop_worker(process))


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
