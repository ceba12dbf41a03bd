"""Pushes from sync code are grouped: one trip to an event loop per committed transaction, not a thread per message."""

import threading

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

from notifications import push
from notifications.push import user_group
from notifications.services import notify, notify_many
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hops(monkeypatch):
    """Each call of async_to_sync made by the push module (each starts a thread and an event loop)."""
    calls = []

    def counting(fn):
        calls.append(fn)
        return async_to_sync(fn)

    monkeypatch.setattr(push, "async_to_sync", counting)
    return calls


def _received(layer, channel: str, n: int) -> list[dict]:
    async def receive_all():
        return [await layer.receive(channel) for _ in range(n)]

    return async_to_sync(receive_all)()


def _listen(layer, user) -> str:
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(user.pk), channel)
    return channel


def test_one_transaction_of_many_notifications_pushes_once(hops, django_capture_on_commit_callbacks):
    users = UserFactory.create_batch(3)
    layer = get_channel_layer()
    channels = [_listen(layer, user) for user in users]
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for n in range(4):
            for user in users:
                notify(user.pk, "order.status", {"order": f"B-{n}"}, email=n == 0)
    assert len(hops) == 1
    assert sum(isinstance(c, push._PushBatch) for c in callbacks) == 1
    for channel in channels:
        assert [m["message"]["order"] for m in _received(layer, channel, 4)] == ["B-0", "B-1", "B-2", "B-3"]


def test_no_thread_is_started_per_message(django_capture_on_commit_callbacks, monkeypatch):
    users = UserFactory.create_batch(20)
    started = []
    original = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start", lambda self: (started.append(self), original(self))[1])
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify_many([(user.pk, "order.tracking", {"n": 1}) for user in users])
    assert len(started) <= 1


def test_a_rolled_back_savepoint_drops_only_its_own_pushes(hops, django_capture_on_commit_callbacks):
    user = UserFactory()
    layer = get_channel_layer()
    channel = _listen(layer, user)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify(user.pk, "order.status", {"order": "kept-1"})
        try:
            with transaction.atomic():
                notify(user.pk, "order.status", {"order": "dropped"})
                raise RuntimeError("boom")
        except RuntimeError:
            pass
        notify(user.pk, "order.status", {"order": "kept-2"})
    assert [m["message"]["order"] for m in _received(layer, channel, 2)] == ["kept-1", "kept-2"]
    assert len(hops) == 1  # the messages before and after the savepoint share its level
    assert channel not in layer.channels or layer.channels[channel].empty()


def test_notify_many_stores_in_one_insert(django_assert_num_queries):
    users = UserFactory.create_batch(5)
    with django_assert_num_queries(1):
        notifications = notify_many([(user.pk, "order.tracking", {"n": user.pk}) for user in users])
    assert [n.pk is not None for n in notifications] == [True] * 5
    assert {n.user_id for n in notifications} == {user.pk for user in users}


@pytest.mark.redis
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL")
def test_on_redis_the_users_without_a_socket_cost_no_send_and_each_users_order_holds(
    hops, monkeypatch, django_capture_on_commit_callbacks
):
    listening, *away = UserFactory.create_batch(4)
    layer = get_channel_layer()
    channel = _listen(layer, listening)
    sent = []
    group_send = layer.group_send

    async def recording(group, message):
        sent.append(group)
        await group_send(group, message)

    monkeypatch.setattr(layer, "group_send", recording)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for n in range(3):
            notify_many([(user.pk, "order.tracking", {"n": n}) for user in (listening, *away)])
    with django_capture_on_commit_callbacks(execute=True):
        notify(listening.pk, "order.status", {"n": "again"})  # the push loop serves the next push too
    assert sent == [user_group(listening.pk)] * 4  # one pipeline each time found the other groups empty
    assert [m["message"]["n"] for m in _received(layer, channel, 4)] == [0, 1, 2, "again"]
    assert hops == []  # pushed on the process's push loop, not through a new loop per push
