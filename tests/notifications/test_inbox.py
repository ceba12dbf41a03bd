"""notify(): stored, pushed on commit only; the inbox API."""

import pytest
from django.db import transaction
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notify
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pushed(monkeypatch):
    """Messages handed to the channel layer, captured at the push edge."""
    sent = []

    def send(events):
        sent.extend((int(group.removeprefix("user.")), event["message"]) for group, event in events)

    monkeypatch.setattr("notifications.push._send", send)
    return sent


def test_notify_stores_and_pushes_on_commit(user, pushed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user.pk, "order.status", {"order": "B-1", "status": "quoted", "step": 1})
        assert pushed == []  # not before the commit
    assert Notification.objects.get().user == user
    assert pushed == [
        (
            user.pk,
            {
                "type": "order.status",
                "order": "B-1",
                "status": "quoted",
                "step": 1,
                "id": notification.pk,
                "created_at": notification.created_at.isoformat(),
            },
        )
    ]


def test_payload_cannot_override_type_or_id(user, pushed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user.pk, "avatar.ready", {"type": "order.status", "id": 0, "url": "u"})
    assert pushed[0][1]["type"] == "avatar.ready"
    assert pushed[0][1]["id"] == notification.pk


def test_nothing_is_stored_or_pushed_when_the_transaction_rolls_back(user, pushed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify(user.pk, "order.status", {"order": "B-1"})
                raise RuntimeError("boom")
        except RuntimeError:
            pass
    assert not Notification.objects.exists()
    assert pushed == []


def test_inbox_lists_unread_first_then_newest(user_client, user):
    old_unread = Notification.objects.create(user=user, type="a", payload={})
    read = Notification.objects.create(user=user, type="b", payload={}, read_at=timezone.now())
    new_unread = Notification.objects.create(user=user, type="c", payload={})
    Notification.objects.create(user=UserFactory(), type="theirs", payload={})
    body = user_client.get("/api/v1/notifications/").json()
    assert [item["id"] for item in body["results"]] == [new_unread.pk, old_unread.pk, read.pk]
    assert body["unread"] == 2
    assert body["count"] == 3
    assert body["results"][2]["read"] is True


def test_inbox_is_paginated_with_constant_queries(user_client, user, django_assert_num_queries):
    Notification.objects.create(user=user, type="a", payload={})
    with django_assert_num_queries(3):  # count, page, unread count
        user_client.get("/api/v1/notifications/")
    Notification.objects.bulk_create([Notification(user=user, type="a", payload={"n": n}) for n in range(30)])
    with django_assert_num_queries(3):
        body = user_client.get("/api/v1/notifications/?page_size=10").json()
    assert len(body["results"]) == 10
    assert body["next"]


def test_mark_some_read_only_touches_my_own(user_client, user):
    mine = [Notification.objects.create(user=user, type="a", payload={}) for _ in range(3)]
    theirs = Notification.objects.create(user=UserFactory(), type="a", payload={})
    response = user_client.post(
        "/api/v1/notifications/read/", {"ids": [mine[0].pk, mine[1].pk, theirs.pk]}, format="json"
    )
    assert response.status_code == 200
    assert response.json() == {"updated": 2, "unread": 1}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(user_client, user):
    for _ in range(3):
        Notification.objects.create(user=user, type="a", payload={})
    response = user_client.post("/api/v1/notifications/read/", {"all": True}, format="json")
    assert response.json() == {"updated": 3, "unread": 0}


@pytest.mark.parametrize(
    "body",
    [{}, {"ids": []}, {"ids": "1"}, {"ids": ["x"]}, {"ids": [-1]}, {"all": "maybe"}, {"ids": list(range(1, 502))}],
)
def test_mark_read_bad_input_is_400(user_client, user, body):
    Notification.objects.create(user=user, type="a", payload={})
    response = user_client.post("/api/v1/notifications/read/", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


@pytest.mark.parametrize(
    ("method", "path"), [("get", "/api/v1/notifications/"), ("post", "/api/v1/notifications/read/")]
)
def test_inbox_needs_a_signed_in_user(api_client, method, path):
    response = getattr(api_client, method)(path)
    assert response.status_code in (401, 403)
    assert "error" in response.json()
