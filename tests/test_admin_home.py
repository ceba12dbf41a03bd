"""The staff desk on the Wagtail admin home: each role sees its own panel, counts read in constant queries,
and every row links to a list filtered to exactly what it counted."""

import html
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page

from commerce import selectors as order_pages
from commerce.orders.models import Order
from commerce.payments.models import Payment
from commerce.shipping import services as shipping
from commerce.shipping.models import Parcel
from community import selectors as community_selectors
from community import services as community
from community.models import Report
from tests.accounts.factories import EditorFactory, OrderStaffFactory, UserFactory
from tests.commerce.factories import (
    fedex_shipment,
    paid_order,
    purchased_order,
    quoted_order,
    requested_order,
    us_rates,
)
from tests.commerce.test_admin_desk import raise_exception
from tests.community.factories import make_boards, make_post

pytestmark = pytest.mark.django_db
ROW = re.compile(r'<td class="title"><a href="([^"]+)">([^<]+)</a></td>\s*<td><a href="[^"]+" data-desk-count="(\d+)"')


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def panels(client) -> dict[str, dict[str, tuple[int, str]]]:
    """The desk panels on the admin home: {panel: {row label: (count, link)}}."""
    response = client.get("/admin/")
    assert response.status_code == 200
    body = response.content.decode()
    found = {}
    for name, table in re.findall(r'data-desk-panel="([\w-]+)">(.*?)</table>', body, re.S):
        rows = ROW.findall(table)
        found[name] = {html.unescape(label): (int(count), html.unescape(url)) for url, label, count in rows}
    return found


def listed_numbers(client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    body = response.content.decode()
    return {number for number in Order.objects.values_list("number", flat=True) if number in body}


def intake(order, staff, *, days_ago: int):
    order = shipping.record_intake(
        order_id=order.pk, actor=staff, weight_g=900, length_cm=10, width_cm=10, height_cm=10, notes="", photos=[]
    )
    Parcel.objects.filter(pk=order.parcel_id).update(received_at=timezone.now() - timedelta(days=days_ago))


@pytest.fixture
def desk_orders(api_client):
    """Orders in every situation the Order staff panel counts."""
    us_rates()
    staff = OrderStaffFactory()
    flagged = quoted_order()
    Payment.objects.create(
        order=flagged, stage="items", amount_cents=100, session_id="cs_flagged", status=Payment.Status.FLAGGED
    )
    shipment = fedex_shipment()
    exception = shipment.parcel.orders.get()
    raise_exception(shipment)
    overdue, recent = purchased_order(), purchased_order()
    intake(overdue, staff, days_ago=8)
    intake(recent, staff, days_ago=2)
    return {
        "requested": {requested_order().number, requested_order().number},
        "paid": paid_order(api_client).number,
        "purchased": purchased_order().number,
        "flagged": flagged.number,
        "exception": exception.number,
        "overdue": overdue.number,
        "recent": recent.number,
        "quiet": fedex_shipment().parcel.orders.get().number,
    }


def test_order_staff_see_their_work_and_each_link_lists_it(desk_orders, settings):
    settings.STORAGE_REMINDER_DAYS = 7
    client = signed_in(OrderStaffFactory())
    found = panels(client)
    assert set(found) == {"order-desk"}  # no moderation panel for order staff
    desk = found["order-desk"]
    counts = {label: count for label, (count, _) in desk.items()}
    assert counts == {
        "Waiting on staff at step 0. Awaiting review": 2,
        "Waiting on staff at step 1. Request reviewed": 1,
        "Waiting on staff at step 2. Items paid": 2,
        "Waiting on staff at step 3. Delivery fee paid": 0,
        "Waiting on staff at step 4. In transit": 1,
        "Waiting on staff at step 5. Delivered": 0,
        "Flagged payments": 1,
        "Carrier exceptions": 1,
        "Parcels waiting for the delivery fee over 7 days": 1,
    }
    o = desk_orders
    expected = {
        "Waiting on staff at step 0. Awaiting review": o["requested"],
        "Waiting on staff at step 1. Request reviewed": {o["flagged"]},
        "Waiting on staff at step 2. Items paid": {o["paid"], o["purchased"]},
        "Waiting on staff at step 4. In transit": {o["exception"]},
        "Carrier exceptions": {o["exception"]},
        "Parcels waiting for the delivery fee over 7 days": {o["overdue"]},
        "Flagged payments": {o["flagged"]},  # the payments list shows each payment's order
    }
    for label, numbers in expected.items():
        assert listed_numbers(client, desk[label][1]) == numbers, label


def test_the_unpaid_delivery_fee_wait_is_a_setting(desk_orders, settings):
    settings.STORAGE_REMINDER_DAYS = 1
    client = signed_in(OrderStaffFactory())
    count, url = panels(client)["order-desk"]["Parcels waiting for the delivery fee over 1 days"]
    assert count == 2
    assert listed_numbers(client, url) == {desk_orders["overdue"], desk_orders["recent"]}


def test_order_desk_counts_take_three_queries_whatever_the_data(desk_orders, django_assert_num_queries):
    with django_assert_num_queries(3):
        order_pages.staff_desk()


def test_the_order_staff_home_costs_the_same_queries_with_more_orders(api_client):
    client = signed_in(OrderStaffFactory())
    client.get("/admin/")  # warm caches (content types, site)
    requested_order()
    with CaptureQueriesContext(connection) as few:
        client.get("/admin/")
    for _ in range(3):
        paid_order(api_client)
        requested_order()
    raise_exception(fedex_shipment())
    with CaptureQueriesContext(connection) as many:
        client.get("/admin/")
    assert len(many) == len(few)


@pytest.fixture
def moderation_work():
    make_boards()
    reporter = UserFactory()
    post = make_post()
    community.report(reporter=reporter, reason="spam", post=post)
    dismissed = community.report(reporter=UserFactory(), reason="meh", post=make_post(title="Second"))
    Report.objects.filter(pk=dismissed.pk).update(status=Report.Status.DISMISSED)
    awaiting = make_post(title="Waiting for a moderator")
    Page.objects.get(pk=awaiting.pk).get_workflow().start(awaiting, awaiting.author)
    return {"open_post": post.title, "dismissed_post": "Second", "awaiting": awaiting.title}


@pytest.mark.parametrize("group", ["Editors", "Moderators"])
def test_moderators_see_reports_and_posts_awaiting_moderation(moderation_work, group, desk_orders):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = signed_in(user)
    found = panels(client)
    assert set(found) == {"moderation-desk"}  # no order data for editors
    desk = found["moderation-desk"]
    assert {label: count for label, (count, _) in desk.items()} == {
        "Open reports": 1,
        "Posts and pages awaiting moderation": 1,
    }
    reports = client.get(desk["Open reports"][1]).content.decode()
    assert moderation_work["open_post"] in reports and moderation_work["dismissed_post"] not in reports
    workflows = client.get(desk["Posts and pages awaiting moderation"][1])
    assert workflows.status_code == 200 and moderation_work["awaiting"] in workflows.content.decode()
    home = client.get("/admin/").content.decode()
    assert not any(number in home for number in Order.objects.values_list("number", flat=True))


def test_moderation_counts_take_two_queries(moderation_work, django_assert_num_queries):
    community_selectors.moderation_desk()  # the page content type is cached after the first call
    with django_assert_num_queries(2):
        community_selectors.moderation_desk()


def test_order_staff_who_moderate_and_superusers_see_both_panels(db):
    moderating_staff = OrderStaffFactory()
    moderating_staff.groups.add(Group.objects.get(name="Moderators"))
    superuser = UserFactory(is_staff=True, is_superuser=True)
    for user in (moderating_staff, superuser):
        assert set(panels(signed_in(user))) == {"order-desk", "moderation-desk"}
    assert set(panels(signed_in(EditorFactory()))) == {"moderation-desk"}


def test_members_get_no_desk(db):
    response = signed_in(UserFactory()).get("/admin/")
    assert response.status_code == 302 and "data-desk-panel" not in response.content.decode()


def test_the_desk_speaks_the_staff_members_language(db):
    staff = OrderStaffFactory(language="ko")
    home = signed_in(staff).get("/admin/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "주문 데스크: 처리할 일" in home and "배송 예외" in home
