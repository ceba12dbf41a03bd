"""Mass assignment: every write that takes a body, sent with privileged fields a member must never set.

Accounts (sign-up, /me/, addresses) refuse unknown and read-only keys with a 400 naming each one and write
nothing; the other v1 endpoints and the legacy ones read only the keys they declare and ignore the rest. Either
way the privileged fields never take effect.
"""

import pytest
from django.test import Client

from accounts.models import Address, User
from commerce.orders.models import Order
from commerce.payments.models import Payment
from commerce.products.models import ProductLookup
from community.models import Comment, PostPage
from notifications.models import Notification
from tests.accounts.conftest import STRONG_PASSWORD
from tests.accounts.factories import AddressFactory, OrderStaffFactory, UserFactory
from tests.commerce.factories import address_payload, item_payload, quoted_order, requested_order
from tests.community.factories import make_boards, make_post

pytestmark = pytest.mark.django_db


def privileged(other) -> dict:
    """Fields that would make the sender staff, verified, someone else, or change what an order costs."""
    return {
        "is_staff": True,
        "is_superuser": True,
        "is_active": True,
        "groups": [1],
        "email_verified_at": "2020-01-01T00:00:00Z",
        "user": other.pk,
        "user_id": other.pk,
        "author": other.pk,
        "owner": other.pk,
        "status": "delivered",
        "number": "BD-FORGED",
        "total_krw": 1,
        "total_cents": 1,
        "delivery_fee_cents": 0,
        "amount_cents": 1,
        "paid": True,
        "is_banned": False,
        "is_hidden": False,
    }


def assert_refused(response, sent: dict):
    assert response.status_code == 400, response.content
    fields = response.json()["error"]["fields"]
    assert set(sent) <= set(fields), f"not named: {set(sent) - set(fields)}"


@pytest.fixture
def other():
    return UserFactory()


@pytest.fixture
def browser(user):
    """The original client's session."""
    client = Client()
    client.force_login(user)
    return client


# --- refused: accounts -------------------------------------------------------------------------------------


def test_signup_refuses_privileged_fields_and_creates_nobody(api_client, other):
    extra = privileged(other)
    body = {"email": "new@example.com", "password": STRONG_PASSWORD, "nickname": "newbie", **extra}
    response = api_client.post("/api/v1/auth/signup/", body, format="json")
    assert_refused(response, extra)
    assert not User.objects.filter(email="new@example.com").exists()


def test_me_refuses_privileged_fields_and_changes_nothing(user_client, user, other):
    extra = {**privileged(other), "email": "taken@example.com", "id": other.pk, "date_joined": "2020-01-01"}
    response = user_client.patch("/api/v1/me/", {"first_name": "Mina", **extra}, format="json")
    assert_refused(response, {key: 1 for key in extra if key not in ("email",)})
    fresh = User.objects.get(pk=user.pk)
    assert (fresh.first_name, fresh.email, fresh.is_staff, fresh.is_superuser) == (
        user.first_name,
        user.email,
        False,
        False,
    )
    assert fresh.email_verified_at == user.email_verified_at
    assert not fresh.groups.exists()


def test_addresses_refuse_another_owner(user_client, user, other):
    extra = {"user": other.pk, "user_id": other.pk, "id": 999}
    assert_refused(user_client.post("/api/v1/me/addresses/", {**address_payload(), **extra}, format="json"), extra)
    assert not Address.objects.exists()
    address = AddressFactory(user=user)
    response = user_client.patch(f"/api/v1/me/addresses/{address.pk}/", {"city": "Irvine", **extra}, format="json")
    assert_refused(response, extra)
    address.refresh_from_db()
    assert (address.user_id, address.city) == (user.pk, "Los Angeles")


# --- ignored: orders, community, notifications (v1) -----------------------------------------------------


def test_a_new_order_takes_no_status_number_owner_or_totals(user_client, user, other):
    address = AddressFactory(user=user)
    body = {"address_id": address.pk, "items": [item_payload(1, unit_price_krw=1, id=5)], **privileged(other)}
    response = user_client.post("/api/v1/orders/", body, format="json")
    assert response.status_code == 201, response.content
    order = Order.objects.get()
    assert (order.user_id, order.status) == (user.pk, Order.Status.REQUESTED)
    assert order.number != "BD-FORGED"
    assert (order.total_krw, order.total_cents, order.items.get().unit_price_krw) == (None, None, None)


def test_checkout_charges_the_quoted_total_whatever_the_body_says(user_client, user, other):
    order = quoted_order(user)
    response = user_client.post(
        f"/api/v1/orders/{order.number}/checkout/", {"stage": "items", **privileged(other)}, format="json"
    )
    assert response.status_code in (200, 201), response.content
    payment = Payment.objects.get(order=order)
    assert payment.amount_cents == order.total_cents > 1
    assert payment.status == Payment.Status.OPEN
    order.refresh_from_db()
    assert (order.status, order.user_id) == (Order.Status.QUOTED, user.pk)


def test_cancelling_sets_only_cancelled(user_client, user, other):
    order = requested_order(user)
    response = user_client.post(f"/api/v1/orders/{order.number}/cancel/", privileged(other), format="json")
    assert response.status_code == 200, response.content
    order.refresh_from_db()
    assert (order.status, order.user_id, order.number) == (Order.Status.CANCELLED, user.pk, order.number)


def test_staff_quote_totals_come_from_the_lines(client_for, other):
    order = requested_order()
    staff = client_for(OrderStaffFactory())
    lines = [{"id": item.pk, "unit_price_krw": 10_000} for item in order.items.all()]
    body = {"items": lines, "domestic_shipping_krw": 3_000, **privileged(other)}
    response = staff.post(f"/api/v1/staff/orders/{order.number}/quote/", body, format="json")
    assert response.status_code == 200, response.content
    order.refresh_from_db()
    assert (order.status, order.user_id) == (Order.Status.QUOTED, order.user_id)
    assert order.total_krw > 10_000 and order.total_cents > 1


def test_posts_and_comments_keep_their_author(user_client, user, other):
    make_boards()
    extra = {**privileged(other), "slug": "forged", "live": False, "owner": other.pk}
    body = {"category": "share", "title": "Free desk", "state": "CA", "county": "Los Angeles", **extra}
    response = user_client.post("/api/v1/posts/", body, format="json")
    assert response.status_code == 201, response.content
    post = PostPage.objects.get(pk=response.json()["id"])
    assert post.author_id == user.pk and post.slug != "forged"
    response = user_client.patch(f"/api/v1/posts/{post.slug}/", {"title": "Free desk!", **extra}, format="json")
    assert response.status_code == 200, response.content
    post.refresh_from_db()
    assert post.author_id == user.pk and post.slug != "forged"

    theirs = make_post(author=other, title="Their post")
    body = {"body": "Still there?", "post": theirs.pk, **extra}
    response = user_client.post(f"/api/v1/posts/{post.slug}/comments/", body, format="json")
    assert response.status_code == 201, response.content
    comment = Comment.objects.get(pk=response.json()["id"])
    assert (comment.author_id, comment.post_id) == (user.pk, post.pk)
    response = user_client.patch(f"/api/v1/comments/{comment.pk}/", {"body": "Edited", **extra}, format="json")
    assert response.status_code == 200, response.content
    comment.refresh_from_db()
    assert (comment.author_id, comment.post_id, comment.body) == (user.pk, post.pk, "Edited")


def test_profile_changes_only_the_senders_own_fields(user_client, user, other):
    user.profile.is_banned = True
    user.profile.save(update_fields=["is_banned"])
    response = user_client.patch("/api/v1/me/profile/", {"bio": "Hi", **privileged(other)}, format="json")
    assert response.status_code == 200, response.content
    user.profile.refresh_from_db()
    other.profile.refresh_from_db()
    assert (user.profile.bio, user.profile.is_banned, other.profile.bio) == ("Hi", True, "")
    taken = user_client.patch("/api/v1/me/profile/", {"nickname": other.profile.nickname}, format="json")
    assert taken.status_code == 400 and "nickname" in taken.json()["error"]["fields"]


def test_marking_read_touches_only_the_senders_notifications(user_client, other):
    theirs = Notification.objects.create(user=other, type="a", payload={})
    response = user_client.post("/api/v1/notifications/read/", {"ids": [theirs.pk], "user": other.pk}, format="json")
    assert response.status_code == 200
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_product_lookup_belongs_to_its_sender(user_client, user, other):
    body = {"url": "https://shop.example.kr/products/1", "status": "ready", "price_krw": 1, **privileged(other)}
    response = user_client.post("/api/v1/product-info/", body, format="json")
    assert response.status_code in (200, 201, 202), response.content
    lookup = ProductLookup.objects.get()
    assert lookup.user_id == user.pk and lookup.price_krw != 1


# --- ignored: the original client's endpoints ------------------------------------------------------------


def test_legacy_order_form_takes_no_status_owner_or_totals(browser, user, other):
    address = {"name": "Kim", "addressLine1": "1 Main St", "city": "LA", "state": "CA", "zip": "90010"}
    body = {"address": address, "orders": [{"url": "https://shop.example.kr/p/1", "desc": ""}], **privileged(other)}
    response = browser.post("/api/submit_order/", body, content_type="application/json")
    assert response.status_code == 200, response.content
    order = Order.objects.get()
    assert (order.user_id, order.status, order.total_cents) == (user.pk, Order.Status.REQUESTED, None)
    assert order.number != "BD-FORGED"


def test_legacy_profile_and_post_forms_keep_the_sender(browser, user, other):
    make_boards()
    taken = browser.post("/api/community/update_profile/", {"nickname": other.profile.nickname, **privileged(other)})
    assert taken.status_code == 400
    other.profile.refresh_from_db()
    assert other.profile.user_id == other.pk
    body = {"category": "share", "title": "Free desk", "state": "CA", "county": "Los Angeles", **privileged(other)}
    response = browser.post("/api/community/post/", body)
    assert response.status_code == 200, response.content
    assert PostPage.objects.get(title="Free desk").author_id == user.pk
