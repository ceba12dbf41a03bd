"""A member's data export (GET /me/export/) and account closure (POST /me/close/)."""

import json

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Address, EmailCode, User
from bidangil.errors import DomainError
from commerce.orders.models import Order, OrderEvent, OrderItem
from commerce.payments import services as payments
from commerce.products.models import ProductLookup
from commerce.shipping.models import Parcel, ParcelPhoto
from community import services as community
from community.avatars.models import AvatarRequest
from community.models import Comment, CommentLike, CommunityProfile, PostLike, PostPage, ProfileLike
from community.nicknames import CLOSED_MEMBER_NICKNAME
from notifications.models import Notification
from tests.accounts.factories import PASSWORD, AddressFactory, UserFactory
from tests.commerce.factories import order_in, requested_order
from tests.commerce.shipping_helpers import image_upload
from tests.community.factories import make_boards, make_post
from tests.notifications.wsutil import accepted_then_closed, communicator, session_cookie

pytestmark = pytest.mark.django_db

EXPORT = "/api/v1/me/export/"
CLOSE = "/api/v1/me/close/"


def photo_storage():
    return ParcelPhoto._meta.get_field("image").storage


AVATAR = "profiles/face.png"


def delivered_order(user, address=None) -> Order:
    """A finished order with everything an order can hold: items, payments, parcel with a photo, shipment."""
    return order_in(
        Order.Status.DELIVERED,
        user,
        address=address or AddressFactory(user=user, line2="Apt 5"),
        note="Ring twice, Jiwoo",
        item={"note": "gift for mum"},
        price=100_000,
        intake={"weight_g": 900, "photos": [image_upload()]},
    )


@pytest.fixture
def member(db):
    """A member with data in every table an account reaches, and another member around it."""
    make_boards()
    user = UserFactory(first_name="Jiwoo", last_name="Kim", phone="+12135550100", profile__nickname="jiwoo")
    other = UserFactory(email="other@example.com", profile__nickname="otherone")
    profile = user.profile
    default_storage.save(AVATAR, ContentFile(b"png"))
    profile.avatar, profile.bio, profile.region_state, profile.region_county = AVATAR, "I like tteok", "CA", "Orange"
    profile.save()
    home = AddressFactory(user=user, line2="Apt 5")
    AddressFactory(user=other, name="Other Person", line1="9 Other St")

    cancelled = requested_order(user)  # creates a second address and notifications on the way
    payments.cancel_order(order_id=cancelled.pk, actor=user)
    delivered = delivered_order(user, home)
    other_order = order_in(Order.Status.DELIVERED, other)
    ProductLookup.objects.create(user=user, url="https://shop.example.kr/p/9", cache_key="p9")

    my_post = make_post(user, "share", "My rice cooker", body="<p>Pick it up in Irvine</p>")
    their_post = make_post(other, "fun", "Their meetup")
    my_comment = community.add_comment(author=user, post=their_post, body="Count me in")
    community.add_comment(author=other, post=their_post, body="Great!", parent_id=my_comment.pk)
    their_comment = community.add_comment(author=other, post=my_post, body="Is it still free?")
    community.set_post_like(user=user, post=their_post, liked=True)
    community.set_comment_like(user=user, comment=their_comment, liked=True)
    community.set_profile_like(user=user, profile=other.profile, liked=True)
    community.set_profile_like(user=other, profile=profile, liked=True)
    community.report(reporter=user, reason="spam", comment=their_comment)
    AvatarRequest.objects.create(user=user, species="cat", answers=[0, 1, 2, 3], status="ready", image=AVATAR)
    EmailCode.objects.create(email=user.email, purpose="password_reset", code_hash="x", expires_at=user.date_joined)

    user.refresh_from_db()
    return {
        "user": user,
        "other": other,
        "orders": [cancelled, delivered],
        "other_order": other_order,
        "total_cents": delivered.total_cents,
        "paid_cents": sorted(delivered.payments.values_list("amount_cents", flat=True)),
        "photo": delivered.parcel.photos.get().image.name,
        "my_post": my_post,
        "their_post": their_post,
        "my_comment": my_comment,
        "their_comment": their_comment,
    }


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- Export -------------------------------------------------------------------------------------


def test_export_holds_every_part_of_the_members_data(member):
    user = member["user"]
    response = client_of(user).get(EXPORT)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    assert set(data) == {
        "exported_at",
        "account",
        "profile",
        "addresses",
        "orders",
        "product_lookups",
        "posts",
        "comments",
        "likes",
        "reports",
        "avatar_requests",
        "notifications",
    }
    assert data["account"]["email"] == user.email
    assert (data["account"]["first_name"], data["account"]["last_name"]) == ("Jiwoo", "Kim")
    assert data["account"]["phone"] == "+12135550100"
    assert data["profile"]["nickname"] == "jiwoo"
    assert data["profile"]["bio"] == "I like tteok"
    assert data["profile"]["avatar"].endswith(AVATAR)
    assert len(data["addresses"]) == 2
    assert [order["number"] for order in data["orders"]] == [order.number for order in member["orders"]]
    delivered = data["orders"][1]
    assert delivered["shipping_address"]["line2"] == "Apt 5"
    assert delivered["customer_note"] == "Ring twice, Jiwoo"
    assert sorted(payment["amount_cents"] for payment in delivered["payments"]) == member["paid_cents"]
    assert len(member["paid_cents"]) == 2  # the items and the delivery fee
    assert [event["kind"] for event in data["orders"][0]["events"]] == ["requested", "cancelled"]
    assert "/api/v1/parcel-photos/" in delivered["parcel"]["photos"][0]
    assert delivered["shipment"]["tracking_number"]
    assert data["product_lookups"][0]["url"] == "https://shop.example.kr/p/9"
    assert [post["slug"] for post in data["posts"]] == [member["my_post"].slug]
    assert data["posts"][0]["body"] == "<p>Pick it up in Irvine</p>"
    assert [comment["body"] for comment in data["comments"]] == ["Count me in"]
    assert data["comments"][0]["post"] == member["their_post"].slug
    assert data["likes"]["posts"][0]["post"] == member["their_post"].slug
    assert data["likes"]["comments"][0]["comment"] == member["their_comment"].pk
    assert data["likes"]["profiles"][0]["nickname"] == "otherone"
    assert data["reports"] == [
        {
            "post": None,
            "comment": member["their_comment"].pk,
            "reason": "spam",
            "status": "open",
            "created_at": data["reports"][0]["created_at"],
        }
    ]
    assert data["avatar_requests"][0]["answers"] == [0, 1, 2, 3]
    types = {notification["type"] for notification in data["notifications"]}
    assert {"order.status", "comment.created"} <= types


def test_export_holds_nothing_of_another_member(member):
    body = json.dumps(client_of(member["user"]).get(EXPORT).json(), ensure_ascii=False)

    other = member["other"]
    other_number = member["other_order"].number
    for foreign in ("other@example.com", "Other Person", "9 Other St", other_number, "Great!", "Is it still free?"):
        assert foreign not in body
    assert member["their_post"].slug not in [post["slug"] for post in json.loads(body)["posts"]]
    assert not [
        n for n in json.loads(body)["notifications"] if n["id"] in other.notifications.values_list("pk", flat=True)
    ]


def _export_queries(user) -> int:
    client = client_of(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(EXPORT).status_code == 200
    return len(queries)


def test_export_reads_in_a_fixed_number_of_queries(member):
    user = member["user"]
    before = _export_queries(user)

    for n in range(3):  # more of every kind of row
        delivered_order(user) if n == 0 else order_in(Order.Status.CANCELLED, user)
        post = make_post(user, "review", f"Review {n}")
        community.add_comment(author=user, post=member["their_post"], body=f"again {n}")
        community.set_post_like(user=user, post=post, liked=True)
        AddressFactory(user=user)
    assert _export_queries(user) == before
    assert before <= 30


def test_export_needs_a_signed_in_member(api_client):
    assert api_client.get(EXPORT).status_code in (401, 403)


# --- Closure ------------------------------------------------------------------------------------


def close(client, password=PASSWORD):
    return client.post(CLOSE, {"password": password}, format="json")


def test_closing_erases_personal_data_and_keeps_orders_anonymised(member, django_capture_on_commit_callbacks):
    user, other = member["user"], member["other"]
    email = user.email
    with django_capture_on_commit_callbacks(execute=True):
        response = close(client_of(user))
    assert response.status_code == 204, response.content

    user.refresh_from_db()
    assert user.email == f"closed-{user.pk}@closed.invalid"
    assert (user.first_name, user.last_name, user.phone) == ("", "", "")
    assert not user.is_active and not user.has_usable_password() and user.closed_at is not None
    assert not user.notify_by_email and not user.notify_by_sms
    assert not Address.objects.filter(user=user).exists()
    assert not EmailCode.objects.filter(email=email).exists()
    assert not ProductLookup.objects.filter(user=user).exists()
    assert not Notification.objects.filter(user=user).exists()
    assert not AvatarRequest.objects.filter(user=user).exists()

    profile = CommunityProfile.objects.get(user=user)
    assert profile.nickname == CLOSED_MEMBER_NICKNAME
    assert (profile.bio, profile.region_state, profile.region_county, profile.avatar.name) == ("", "", "", "")
    assert not default_storage.exists(AVATAR)
    assert not ProfileLike.objects.filter(profile=profile).exists()
    for model in (PostLike, CommentLike, ProfileLike):
        assert not model.objects.filter(user=user).exists()

    # Orders and payments stay for accounting; only the address country and the amounts remain.
    for order in Order.objects.filter(user=user):
        assert set(order.shipping_address.values()) <= {"", "US"}
        assert order.shipping_address["country"] == "US"
        assert order.customer_note == ""
        assert order.events.filter(kind=OrderEvent.Kind.ACCOUNT_CLOSED, actor=user).count() == 1
    delivered = member["orders"][1]
    delivered.refresh_from_db()
    assert delivered.total_cents == member["total_cents"]
    assert sorted(delivered.payments.values_list("amount_cents", flat=True)) == member["paid_cents"]
    assert list(OrderItem.objects.filter(order=delivered).values_list("note", flat=True)) == [""]
    assert not ParcelPhoto.objects.filter(parcel__order=delivered).exists()
    assert not photo_storage().exists(member["photo"])
    assert Parcel.objects.filter(order=delivered).exists()

    # The other member keeps everything.
    other.refresh_from_db()
    assert other.is_active and other.email == "other@example.com"
    assert Address.objects.filter(user=other).exists()
    assert ProfileLike.objects.filter(user=other).count() == 0  # their like was on the closed profile
    assert Order.objects.get(pk=member["other_order"].pk).shipping_address["name"] == "Jiwoo Kim"


def test_closed_nickname_can_be_taken_again(member):
    from community.nicknames import nickname_problem

    close(client_of(member["user"]))
    assert nickname_problem("jiwoo") is None


def test_anonymise_keeps_posts_and_comments_under_a_deleted_member(member, settings):
    settings.COMMUNITY_CLOSED_MEMBER_CONTENT = "anonymise"
    user = member["user"]
    assert close(client_of(user)).status_code == 204

    post = member["my_post"]
    reader = client_of(member["other"])
    detail = reader.get(f"/api/v1/posts/{post.slug}/").json()
    assert detail["author"]["nickname"] == CLOSED_MEMBER_NICKNAME
    assert detail["author"]["avatar"] is None
    thread = reader.get(f"/api/v1/posts/{member['their_post'].slug}/comments/").json()["results"]
    mine = next(comment for comment in thread if comment["id"] == member["my_comment"].pk)
    assert mine["author"]["nickname"] == CLOSED_MEMBER_NICKNAME and mine["body"] == "Count me in"
    assert reader.get("/api/v1/profiles/jiwoo/").status_code == 404


def test_remove_deletes_posts_and_comments(member, settings):
    settings.COMMUNITY_CLOSED_MEMBER_CONTENT = "remove"
    user = member["user"]
    assert close(client_of(user)).status_code == 204

    assert not PostPage.objects.filter(pk=member["my_post"].pk).exists()
    assert PostPage.objects.filter(pk=member["their_post"].pk).exists()
    # The comment another member replied to stays as an empty tombstone; nothing else of theirs is left.
    remaining = Comment.objects.filter(author=user)
    assert [(c.pk, c.is_deleted, c.body) for c in remaining] == [(member["my_comment"].pk, True, "")]
    assert Comment.objects.filter(author=member["other"], body="Great!").exists()
    assert not Comment.objects.filter(pk=member["their_comment"].pk).exists()  # it was on the removed post


def test_closed_member_cannot_sign_in_and_every_credential_ends(member, django_capture_on_commit_callbacks):
    user = member["user"]
    email = user.email
    browser = APIClient()
    signed_in = browser.post("/api/v1/auth/login/", {"email": email, "password": PASSWORD}, format="json")
    assert signed_in.status_code == 200
    token = signed_in.json()["token"]
    app = APIClient()
    app.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    other_session = session_cookie(user)

    with django_capture_on_commit_callbacks(execute=True):
        assert close(app).status_code == 204

    assert app.get("/api/v1/me/").status_code == 401
    assert browser.get("/api/v1/me/").status_code in (401, 403)
    assert not Token.objects.filter(user=user).exists()
    assert not Session.objects.filter(session_key=other_session).exists()
    again = APIClient().post("/api/v1/auth/login/", {"email": email, "password": PASSWORD}, format="json")
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "invalid_credentials"


# Transactional: channels closes the thread's database connection around each database_sync_to_async call,
# which a test transaction on MariaDB does not survive.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_closing_closes_the_members_open_sockets(member):
    user = member["user"]
    user_session = session_cookie(user)

    def close_now():
        assert close(client_of(user)).status_code == 204

    async def body():
        ws = communicator(session=user_session)
        connected, _ = await ws.connect()
        assert connected
        await database_sync_to_async(close_now)()
        message = await ws.receive_output(timeout=2)
        assert message == {"type": "websocket.close", "code": 4401}
        assert await accepted_then_closed(communicator(session=user_session)) == 4401

    async_to_sync(body)()


def _snapshot(user) -> dict:
    return {
        "user": User.objects.filter(pk=user.pk).values().get(),
        "addresses": Address.objects.filter(user=user).count(),
        "orders": list(Order.objects.filter(user=user).values("shipping_address", "customer_note")),
        "events": OrderEvent.objects.filter(order__user=user).count(),
        "profile": CommunityProfile.objects.filter(user=user).values().get(),
        "posts": PostPage.objects.filter(author=user).count(),
        "comments": list(Comment.objects.filter(author=user).values("body", "is_deleted")),
        "likes": PostLike.objects.filter(user=user).count() + CommentLike.objects.filter(user=user).count(),
        "notifications": Notification.objects.filter(user=user).count(),
        "photos": ParcelPhoto.objects.count(),
        "tokens": Token.objects.filter(user=user).count(),
    }


def test_wrong_password_is_400_and_nothing_changes(member):
    user = member["user"]
    Token.objects.create(user=user)
    before = _snapshot(user)

    response = close(client_of(user), password="not-my-password")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_password"
    assert response.json()["error"]["fields"] == {"password": ["The current password is incorrect."]}
    assert _snapshot(user) == before


@pytest.mark.parametrize("body", [{}, {"password": ""}, {"password": 12}, {"password": "x" * 129}])
def test_missing_or_malformed_password_is_400(member, body):
    user = member["user"]
    before = _snapshot(user)
    response = client_of(user).post(CLOSE, body, format="json")
    assert response.status_code == 400
    assert "password" in response.json()["error"]["fields"]
    assert _snapshot(user) == before


@pytest.mark.parametrize("status", [Order.Status.REQUESTED, Order.Status.ITEMS_PAID, Order.Status.SHIPPED])
def test_an_order_in_progress_is_409_and_nothing_changes(member, status, settings):
    settings.COMMUNITY_CLOSED_MEMBER_CONTENT = "remove"
    user = member["user"]
    open_order = order_in(status, user)
    before = _snapshot(user)

    response = close(client_of(user))

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "orders_in_progress" and open_order.number in error["message"]
    assert _snapshot(user) == before


def test_a_second_closure_of_the_same_account_is_409(member):
    from accounts.privacy import close_account

    def request():
        bare = HttpRequest()
        bare.session = SessionStore()
        return bare

    user = member["user"]  # both requests authenticated before either closed the account
    close_account(request=request(), user=User.objects.get(pk=user.pk), password=PASSWORD)
    with pytest.raises(DomainError) as raised:
        close_account(request=request(), user=user, password=PASSWORD)
    assert raised.value.code == "account_closed"
    assert OrderEvent.objects.filter(order__user=user, kind=OrderEvent.Kind.ACCOUNT_CLOSED).count() == 2  # 2 orders


def test_staff_accounts_are_not_closed_here(staff_client, staff_user):
    response = close(staff_client)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "staff_account"
    staff_user.refresh_from_db()
    assert staff_user.is_active and staff_user.closed_at is None


def test_closing_needs_a_signed_in_member(api_client):
    assert close(api_client).status_code in (401, 403)


def test_staff_see_the_closure_in_the_order_history(member, staff_client, client):
    order = member["orders"][1]
    assert close(client_of(member["user"])).status_code == 204

    detail = staff_client.get(f"/api/v1/staff/orders/{order.number}/").json()
    closed = [event for event in detail["events"] if event["kind"] == "account_closed"]
    assert len(closed) == 1 and closed[0]["label"] == "Customer closed their account"
    assert detail["shipping_address"]["name"] == ""

    client.force_login(staff_client.user)
    page = client.get(f"/admin/orders/{order.pk}/")
    assert page.status_code == 200
    assert "Customer closed their account" in page.content.decode()
