"""/ws/notifications/: auth, origin, isolation between users, tabs, bad frames."""

import json

import pytest
from asgiref.sync import async_to_sync
from django.test import override_settings
from rest_framework.authtoken.models import Token

from notifications.push import push_to_user
from tests.accounts.factories import UserFactory

from .wsutil import accepted_then_closed, communicator, session_cookie

pytestmark = pytest.mark.django_db


def run(coroutine_function):
    """Run an async test body; database calls of the consumer come back to this thread (and its transaction)."""
    return async_to_sync(coroutine_function)()


async def _push(user_id, message):
    from channels.db import database_sync_to_async

    await database_sync_to_async(push_to_user)(user_id, message)


def test_session_cookie_authenticates_and_receives_pushes(user):
    user_session = session_cookie(user)

    async def body():
        ws = communicator(session=user_session)
        connected, _ = await ws.connect()
        assert connected
        await _push(user.pk, {"type": "notification", "title": "hi"})
        assert await ws.receive_json_from(timeout=2) == {"type": "notification", "title": "hi"}
        await ws.disconnect()

    run(body)


def test_token_query_parameter_authenticates(user):
    token = Token.objects.create(user=user)

    async def body():
        ws = communicator(token=token.key)
        connected, _ = await ws.connect()
        assert connected
        await _push(user.pk, {"type": "avatar.ready", "url": "http://x/a.png"})
        assert (await ws.receive_json_from(timeout=2))["type"] == "avatar.ready"
        await ws.disconnect()

    run(body)


@pytest.mark.parametrize("token", [None, "not-a-token", "x" * 500])
def test_anonymous_is_closed_with_4401(token):
    async def body():
        assert await accepted_then_closed(communicator(token=token)) == 4401

    run(body)


def test_inactive_users_token_is_refused(user):
    token = Token.objects.create(user=user)
    user.is_active = False
    user.save()

    async def body():
        assert await accepted_then_closed(communicator(token=token.key)) == 4401

    run(body)


def test_banned_member_is_closed_with_4401(user):
    user.profile.is_banned = True
    user.profile.save()

    user_session = session_cookie(user)

    async def body():
        assert await accepted_then_closed(communicator(session=user_session)) == 4401

    run(body)


@pytest.mark.parametrize("origin", [b"http://evil.example", b"http://testserver.evil.example", b"null", None])
def test_foreign_or_missing_origin_is_refused(user, origin):
    user_session = session_cookie(user)

    async def body():
        connected, _ = await communicator(session=user_session, origin=origin).connect()
        assert not connected

    run(body)


@override_settings(CORS_ALLOWED_ORIGINS=["https://app.bidangil.example"])
def test_allowed_frontend_origin_is_accepted(user):
    user_session = session_cookie(user)

    async def body():
        ws = communicator(session=user_session, origin=b"https://app.bidangil.example")
        connected, _ = await ws.connect()
        assert connected
        await ws.disconnect()

    run(body)


def test_users_never_receive_each_others_messages(user):
    other = UserFactory()

    other_session = session_cookie(other)
    user_session = session_cookie(user)

    async def body():
        mine, theirs = communicator(session=user_session), communicator(session=other_session)
        assert (await mine.connect())[0] and (await theirs.connect())[0]
        await _push(user.pk, {"type": "notification", "for": "me"})
        assert (await mine.receive_json_from(timeout=2))["for"] == "me"
        assert await theirs.receive_nothing(timeout=0.2)
        await _push(other.pk, {"type": "notification", "for": "them"})
        assert (await theirs.receive_json_from(timeout=2))["for"] == "them"
        assert await mine.receive_nothing(timeout=0.2)
        await mine.disconnect()
        await theirs.disconnect()

    run(body)


def test_every_tab_of_a_user_receives(user):
    user_session = session_cookie(user)

    async def body():
        tabs = [communicator(session=user_session) for _ in range(3)]
        for tab in tabs:
            assert (await tab.connect())[0]
        await _push(user.pk, {"type": "notification", "n": 1})
        for tab in tabs:
            assert (await tab.receive_json_from(timeout=2))["n"] == 1
        await tabs[0].disconnect()
        await _push(user.pk, {"type": "notification", "n": 2})
        for tab in tabs[1:]:
            assert (await tab.receive_json_from(timeout=2))["n"] == 2
            await tab.disconnect()

    run(body)


def test_malformed_frames_are_ignored_and_break_nobody(user):
    other = UserFactory()

    other_session = session_cookie(other)
    user_session = session_cookie(user)

    async def body():
        bad, good = communicator(session=user_session), communicator(session=other_session)
        assert (await bad.connect())[0] and (await good.connect())[0]
        for frame in ["not json", "{", "[1,2]", '{"type": 5}', '"ping"', " "]:
            await bad.send_to(text_data=frame)
        await bad.send_to(bytes_data=b"\x00\xff\x10")
        assert await bad.receive_nothing(timeout=0.2)
        await _push(user.pk, {"type": "notification", "still": "open"})
        await _push(other.pk, {"type": "notification", "still": "fine"})
        assert (await bad.receive_json_from(timeout=2))["still"] == "open"
        assert (await good.receive_json_from(timeout=2))["still"] == "fine"
        await bad.send_to(text_data=json.dumps({"type": "ping"}))
        assert await bad.receive_json_from(timeout=2) == {"type": "pong"}
        await bad.disconnect()
        await good.disconnect()

    run(body)


@pytest.mark.parametrize("kind", ["text", "bytes"])
def test_an_oversized_message_is_never_parsed(user, kind):
    """`serve` closes such messages with 1009 before they reach the app (test_live_serve.py); the consumer
    behind any other server still refuses to parse them."""
    user_session = session_cookie(user)

    async def body():
        ws = communicator(session=user_session)
        assert (await ws.connect())[0]
        if kind == "text":
            await ws.send_to(text_data=json.dumps({"type": "ping", "pad": "가" * 1400}))  # > 4096 bytes in UTF-8
        else:
            await ws.send_to(bytes_data=json.dumps({"type": "ping", "pad": "a" * 5000}).encode())
        assert await ws.receive_nothing(timeout=0.2)
        await ws.send_to(text_data=json.dumps({"type": "ping"}))
        assert await ws.receive_json_from(timeout=2) == {"type": "pong"}
        await ws.disconnect()

    run(body)


def test_a_message_just_under_the_limit_is_fine(user):
    user_session = session_cookie(user)

    async def body():
        ws = communicator(session=user_session)
        await ws.connect()
        await ws.send_to(text_data=json.dumps({"type": "ping", "pad": "a" * 4000}))
        assert await ws.receive_json_from(timeout=2) == {"type": "pong"}
        await ws.disconnect()

    run(body)
