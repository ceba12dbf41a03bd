"""A member's order list and order pages, and the staff order list, come from the cache until a write they show
(commerce/orders/pages.py); each member sees only their own, and the writes that go around the model signals
(bulk writes of the tracking poll, the item-name job, read marks, account closing) renew them too."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import trans_real

from accounts.privacy import close_account
from commerce.orders.models import Order, OrderItem
from commerce.products import services as products
from commerce.shipping import services as shipping
from commerce.shipping.models import Shipment
from integrations.carriers import TrackEvent, TrackResult
from tests.accounts.factories import PASSWORD, OrderStaffFactory, UserFactory, client_as
from tests.commerce.factories import order_in, quoted_order, requested_order, shipped_order

pytestmark = pytest.mark.django_db

LIST = "/api/v1/orders/"
STAFF_LIST = "/api/v1/staff/orders/"


def get(client, path, **headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.content
    return response.json()


def order_queries(client, path) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        get(client, path)
    return [q["sql"] for q in queries.captured_queries if "commerce_order" in q["sql"]]


def built(client, path) -> dict:
    """The page as a request with nothing cached builds it."""
    cache.clear()
    return get(client, path)


def test_pages_are_built_once_and_served_until_the_members_own_orders_change():
    mine, theirs = requested_order(), requested_order()
    me, them = client_as(mine.user), client_as(theirs.user)
    for path in (LIST, f"{LIST}{mine.number}/"):
        assert order_queries(me, path)  # built
        assert order_queries(me, path) == []  # served
    get(them, LIST)
    quoted_order(theirs.user)  # their orders change, not mine
    assert order_queries(me, LIST) == []
    assert len(get(them, LIST)["results"]) == 2
    quoted_order(mine.user)
    assert len(get(me, LIST)["results"]) == 2


def test_each_member_and_only_order_staff_see_their_cached_pages():
    mine = requested_order()
    me, other = client_as(mine.user), client_as(UserFactory())
    get(me, LIST), get(me, f"{LIST}{mine.number}/")
    assert get(other, LIST)["results"] == []
    assert other.get(f"{LIST}{mine.number}/").status_code == 404
    staff = client_as(OrderStaffFactory())
    assert [row["number"] for row in get(staff, STAFF_LIST)["results"]] == [mine.number]
    assert other.get(STAFF_LIST).status_code == 403
    assert me.get(STAFF_LIST).status_code == 403


def test_a_cached_page_is_per_language():
    order = requested_order()
    me = client_as(order.user)
    assert get(me, LIST, accept_language="en")["results"][0]["status_label"] == "Requested"
    assert get(me, LIST, accept_language="ko")["results"][0]["status_label"] != "Requested"


def test_new_scans_written_in_bulk_show_at_once():
    order = shipped_order()
    me, staff = client_as(order.user), client_as(OrderStaffFactory())
    path = f"{LIST}{order.number}/"
    assert get(me, path)["shipment"]["scans"] == []
    shipment = Shipment.objects.get(parcel_id=order.parcel_id)
    scan = TrackEvent(occurred_at=timezone.now() - timedelta(hours=1), code="IT", description="In transit")
    result = TrackResult(tracking_number=shipment.tracking_number, status_code="IT", events=[scan])
    shipping.apply_tracking(shipment.pk, result)
    served = get(me, path)
    assert [s["code"] for s in served["shipment"]["scans"]] == ["IT"] and served["shipment"]["status"] == "IT"
    assert served == built(me, path)

    get(me, path), get(staff, STAFF_LIST)
    shipping.apply_tracking(shipment.pk, result)  # the same answer again: nothing shown changes
    assert order_queries(me, path) == [] and order_queries(staff, STAFF_LIST) == []


def test_item_names_filled_or_failed_by_the_job_show_at_once(monkeypatch):
    order = requested_order()
    me = client_as(order.user)
    path = f"{LIST}{order.number}/"
    assert [item["name_status"] for item in get(me, path)["items"]] == ["pending"]
    monkeypatch.setattr(products, "lookup", lambda url: SimpleNamespace(name="Stoneware mug"))
    products.fill_order_item_names(order.pk)
    assert [(item["name"], item["name_status"]) for item in get(me, path)["items"]] == [("Stoneware mug", "ready")]

    stalled = requested_order(order.user)
    path = f"{LIST}{stalled.number}/"
    get(me, path)
    OrderItem.objects.filter(order=stalled).update(name_attempts=products.MAX_ATTEMPTS)
    products.stalled_item_order_ids(now=timezone.now() + timedelta(days=1))
    assert [item["name_status"] for item in get(me, path)["items"]] == ["failed"]


def test_a_closed_account_shows_at_once_on_the_staff_list():
    order = order_in(Order.Status.CANCELLED)
    staff = client_as(OrderStaffFactory())
    assert get(staff, STAFF_LIST)["results"][0]["email"] == order.user.email
    request = HttpRequest()
    request.session = SessionStore()
    close_account(request=request, user=order.user, password=PASSWORD)
    assert get(staff, STAFF_LIST)["results"][0]["email"].startswith("closed-")


def test_a_served_page_holds_its_labels_already_translated(monkeypatch):
    order = quoted_order()
    me = client_as(order.user)
    built_page = get(me, LIST, accept_language="ko")  # built: the step and status labels translated here
    translated = []
    original = trans_real.gettext
    monkeypatch.setattr(translation._trans, "gettext", lambda message: translated.append(message) or original(message))
    assert get(me, LIST, accept_language="ko") == built_page
    assert translated == []  # served: nothing lazy was stored
