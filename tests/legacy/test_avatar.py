"""create_avatar with the Korean quiz, and the avatar arriving on /ws/avatars/ in the original's words."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from community.avatars.models import AvatarRequest
from community.models import CommunityProfile
from notifications.push import push_to_user
from tests.notifications.wsutil import communicator, session_cookie

pytestmark = pytest.mark.django_db

QUIZ = {"species": "펭귄", "personality": ["사교·친화형", "신중형", "스토리텔러형", "임팩트속성형"]}


def run(body):
    return async_to_sync(body)()


def test_create_avatar_maps_the_korean_quiz_onto_the_v1_answers(member_browser):
    response = member_browser.post("/api/create_avatar/", QUIZ)

    assert response.status_code == 200
    assert response.json() == {"msg": "success"}
    request = AvatarRequest.objects.get(user=member_browser.user)
    assert (request.species, request.answers) == ("penguin", [2, 1, 0, 3])


@pytest.mark.parametrize(
    "body",
    [
        {**QUIZ, "species": "고양이"},
        {**QUIZ, "species": "penguin"},
        {**QUIZ, "personality": QUIZ["personality"][:3]},
        {
            **QUIZ,
            "personality": ["신중형", "사교·친화형", "스토리텔러형", "임팩트속성형"],
        },  # answers of other questions
        {**QUIZ, "personality": "사교·친화형"},
        {"species": "펭귄"},
    ],
)
def test_create_avatar_bad_quiz_is_400_and_queues_nothing(member_browser, body):
    response = member_browser.post("/api/create_avatar/", body)

    assert response.status_code == 400
    assert isinstance(response.json()["error"], str)
    assert not AvatarRequest.objects.exists()


def test_a_second_avatar_while_one_is_drawn_is_409(member_browser):
    assert member_browser.post("/api/create_avatar/", QUIZ).status_code == 200

    response = member_browser.post("/api/create_avatar/", QUIZ)

    assert response.status_code == 409
    assert AvatarRequest.objects.count() == 1


@pytest.mark.django_db(
    transaction=True, serialized_rollback=True
)  # the socket's own DB calls must not end the test's transaction
def test_avatar_journey_ready_message_arrives_on_ws_avatars(member_browser):
    user = member_browser.user
    session = session_cookie(user)

    async def body():
        ws = communicator(session=session, path="/ws/avatars/")
        connected, _ = await ws.connect()
        assert connected

        def request_and_draw():
            # Huey runs immediately in tests: the job draws with the dummy AI backend once the request commits.
            response = member_browser.post("/api/create_avatar/", QUIZ)
            assert response.status_code == 200

        await database_sync_to_async(request_and_draw)()
        message = await ws.receive_json_from(timeout=5)
        assert set(message) == {"message", "avatar_url"}
        assert message["message"] == "Avatar is ready!"
        profile = await database_sync_to_async(CommunityProfile.objects.get)(user=user)
        assert message["avatar_url"].startswith("http") and message["avatar_url"].endswith(profile.avatar.name)
        await ws.disconnect()

    run(body)
    assert (
        member_browser.get("/api/community_profile/")
        .json()["avatar"]
        .endswith(CommunityProfile.objects.get(user=user).avatar.name)
    )


def test_ws_avatars_forwards_only_avatar_ready(member):
    session = session_cookie(member)

    async def body():
        ws = communicator(session=session, path="/ws/avatars/")
        assert (await ws.connect())[0]
        await database_sync_to_async(push_to_user)(member.pk, {"type": "order.status", "order": "BD1"})
        await database_sync_to_async(push_to_user)(member.pk, {"type": "avatar.ready", "url": "http://x/a.png"})
        assert await ws.receive_json_from(timeout=2) == {"message": "Avatar is ready!", "avatar_url": "http://x/a.png"}
        assert await ws.receive_nothing(timeout=0.2)
        await ws.send_to(text_data="hello")  # the client sends nothing; anything is ignored
        assert await ws.receive_nothing(timeout=0.2)
        await ws.disconnect()

    run(body)


def test_ws_avatars_closes_anonymous_sockets():
    async def body():
        ws = communicator(path="/ws/avatars/")
        connected, _ = await ws.connect()
        assert connected  # accepted, then closed: a refused handshake reaches browsers as 1006
        assert await ws.receive_output(timeout=2) == {"type": "websocket.close", "code": 4401}

    run(body)
