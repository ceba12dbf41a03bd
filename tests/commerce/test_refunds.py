"""Refunds: partial ones keep the order going, the ledger shows them, only a full refund ends the order."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from commerce.orders.models import Order, OrderEvent
from commerce.payments import services as payments
from commerce.payments.models import Payment
from notifications.models import Notification
from tests.accounts.factories import EditorFactory, OrderStaffFactory

from .factories import paid_order, us_rates
from .stripe_helpers import event, post_event, session_event

pytestmark = pytest.mark.django_db
BASE = "/api/v1/staff/orders/"


def refund(client, order, amount=None, reason="Price drop"):
    body = {"reason": reason} if amount is None else {"reason": reason, "amount_cents": amount}
    return client.post(f"{BASE}{order.number}/refund/", body, format="json")


def ledger_rows(order):
    return list(order.payments.filter(kind=Payment.Kind.REFUND).values_list("amount_cents", "status"))


def pay_delivery(client, order):
    """Warehouse intake through the staff API, then the delivery fee paid through a signed webhook."""
    us_rates()
    staff = APIClient()
    staff.force_authenticate(OrderStaffFactory())
    intake = {"weight_g": 1800, "length_cm": "30", "width_cm": "20", "height_cm": "10"}
    response = staff.post(f"{BASE}{order.number}/intake/", intake, format="json")
    assert response.status_code == 200, response.content
    payment = payments.start_checkout(order_id=order.pk, stage=Payment.Stage.DELIVERY)
    assert post_event(client, session_event("checkout.session.completed", payment)).json()["result"] == "paid"
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERY_PAID
    return payment


def test_partial_refunds_up_to_the_total_then_the_order_is_refunded(staff_client, api_client):
    order = paid_order(api_client)
    total = order.total_cents

    first = refund(staff_client, order, 500, "One item out of stock")
    assert first.status_code == 200, first.content
    data = first.json()
    assert data["status"] == "items_paid" and data["step"] == 2
    assert data["payment_totals"] == {"paid_cents": total, "refunded_cents": 500, "refundable_cents": total - 500}
    assert data["events"][-1]["kind"] == "refund_issued"
    assert data["events"][-1]["data"] == {
        "amount_cents": 500,
        "refundable_cents": total - 500,
        "refunds": [order.payments.get(kind=Payment.Kind.REFUND).refund_id],
    }

    second = refund(staff_client, order, 700)
    assert second.status_code == 200 and second.json()["status"] == "items_paid"
    assert second.json()["payment_totals"]["refundable_cents"] == total - 1200

    last = refund(staff_client, order, total - 1200, "Cancelled by the shop")
    assert last.status_code == 200
    assert last.json()["status"] == "refunded" and last.json()["status_reason"] == "Cancelled by the shop"
    assert last.json()["payment_totals"] == {"paid_cents": total, "refunded_cents": total, "refundable_cents": 0}
    assert ledger_rows(order) == [(500, "succeeded"), (700, "succeeded"), (total - 1200, "succeeded")]
    kinds = list(order.events.filter(kind__startswith="refund").values_list("kind", flat=True))
    assert kinds == ["refund_issued", "refund_issued", "refunded"]
    assert refund(staff_client, order, 1).status_code == 409


def test_over_refund_is_409_and_writes_nothing(staff_client, api_client):
    order = paid_order(api_client)
    assert refund(staff_client, order, 1000).status_code == 200
    before = (order.events.count(), Notification.objects.count())
    response = refund(staff_client, order, order.total_cents - 1000 + 1)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "order_conflict" and "still refundable" in error["message"]
    assert ledger_rows(order) == [(1000, "succeeded")]
    assert (order.events.count(), Notification.objects.count()) == before
    order.refresh_from_db()
    assert order.status == Order.Status.ITEMS_PAID


def test_a_partial_refund_tells_the_customer(user_client, staff_client, api_client):
    order = paid_order(api_client, user_client.user)
    refund(staff_client, order, 250, "Shop discount")
    note = Notification.objects.filter(user=user_client.user, type="order.payment").get()
    assert note.payload["title"] == f"Refund issued ({order.number})"
    assert note.payload["message"] == "We refunded $2.50 to your card. Shop discount"
    assert note.payload["status"] == "items_paid"


def test_the_workflow_goes_on_after_a_partial_refund(user_client, staff_client, api_client):
    order = paid_order(api_client, user_client.user)
    items_total = order.total_cents
    assert refund(staff_client, order, 300).json()["status"] == "items_paid"
    assert staff_client.post(f"{BASE}{order.number}/purchase/", {}, format="json").json()["status"] == "purchased"
    delivery = pay_delivery(api_client, order)
    assert refund(staff_client, order, 200, "Lighter than quoted").json()["status"] == "delivery_paid"
    shipped = staff_client.post(f"{BASE}{order.number}/ship/", {"carrier": "fedex", "tracking_number": "794612345678"})
    assert shipped.status_code == 200 and shipped.json()["status"] == "shipped"

    # "Amount paid" is both charges: the rest is refundable while shipped, latest charge first.
    paid = items_total + delivery.amount_cents
    detail = user_client.get(f"/api/v1/orders/{order.number}/").json()
    assert detail["payment_totals"] == {"paid_cents": paid, "refunded_cents": 500, "refundable_cents": paid - 500}
    assert [s["done"] for s in detail["steps"]] == [True, True, True, True, False]
    assert [p["kind"] for p in detail["payments"]].count("refund") == 2

    assert refund(staff_client, order, paid - 500 + 1).status_code == 409
    final = refund(staff_client, order)  # amount omitted: everything still refundable
    assert final.json()["status"] == "refunded"
    refunded_delivery = delivery.refunds.filter(status=Payment.Status.SUCCEEDED).values_list("amount_cents", flat=True)
    assert sum(refunded_delivery) == delivery.amount_cents  # both charges are now refunded in full
    assert sum(order.payments.filter(kind=Payment.Kind.REFUND).values_list("amount_cents", flat=True)) == paid
    assert order.events.filter(kind=OrderEvent.Kind.REFUNDED).count() == 1


def test_customers_and_editors_cannot_refund(user_client, api_client):
    order = paid_order(api_client, user_client.user)
    editor = APIClient()
    editor.force_authenticate(EditorFactory())
    for client in (user_client, editor, APIClient()):
        assert refund(client, order, 100).status_code in (401, 403)
    editor_desk = Client()
    editor_desk.force_login(EditorFactory())
    response = editor_desk.post(f"/admin/orders/{order.pk}/refund/", {"amount_cents": "1.00", "reason": "x"})
    assert response.status_code in (302, 403)
    assert not order.payments.filter(kind=Payment.Kind.REFUND).exists()
    assert "payment_totals" in user_client.get(f"/api/v1/orders/{order.number}/").json()


def test_admin_screen_shows_the_ledger_and_refuses_an_over_refund(api_client):
    order = paid_order(api_client)
    desk = Client()
    desk.force_login(OrderStaffFactory())
    url = f"/admin/orders/{order.pk}/refund/"
    assert desk.post(url, {"amount_cents": "3.00", "reason": "Price drop"}).status_code == 302
    total = order.total_cents
    page = desk.get(f"/admin/orders/{order.pk}/").content.decode()
    usd = lambda cents: f"${cents / 100:,.2f}"  # noqa: E731
    assert f"Paid {usd(total)} · refunded $3.00 · refundable {usd(total - 300)}" in page
    assert "Refund issued" in page and "Refund" in page  # the event log and the button (still refundable)

    response = desk.post(url, {"amount_cents": usd(total), "reason": "Too much"}, follow=True)
    assert "still refundable" in response.content.decode()
    assert ledger_rows(order) == [(300, "succeeded")]

    assert desk.post(url, {"reason": "Out of stock"}).status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    page = desk.get(f"/admin/orders/{order.pk}/").content.decode()
    assert f"refunded {usd(total)} · refundable $0.00" in page


# --- Refunds made at the provider (Stripe dashboard) -------------------------------------------------


def charge_refunded(charge, amount_refunded, refunds=None):
    obj = {"id": f"ch_{charge.pk}", "payment_intent": charge.payment_intent_id, "amount_refunded": amount_refunded}
    if refunds is not None:
        obj["refunds"] = {"data": [{"id": rid, "amount": amount, "status": "succeeded"} for rid, amount in refunds]}
    return event("charge.refunded", obj)


def test_dashboard_partial_refunds_keep_the_order_open(api_client):
    order = paid_order(api_client)
    charge = order.payments.get()
    assert post_event(api_client, charge_refunded(charge, 300)).json()["result"] == "refund recorded"
    order.refresh_from_db()
    assert order.status == Order.Status.ITEMS_PAID
    assert post_event(api_client, charge_refunded(charge, 300)).json()["result"] == "already recorded"
    assert post_event(api_client, charge_refunded(charge, charge.amount_cents)).json()["result"] == "refund recorded"
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert ledger_rows(order) == [(300, "succeeded"), (charge.amount_cents - 300, "succeeded")]
    kinds = list(order.events.filter(kind__startswith="refund").values_list("kind", flat=True))
    assert kinds == ["refund_issued", "refunded"]


@pytest.mark.parametrize("reverse", [False, True])
def test_listed_dashboard_refunds_are_recorded_by_id_in_any_order(api_client, reverse):
    order = paid_order(api_client)
    charge = order.payments.get()
    deliveries = [
        charge_refunded(charge, 300, [("re_a", 300)]),
        charge_refunded(charge, 700, [("re_b", 400), ("re_a", 300)]),
    ]
    for body in reversed(deliveries) if reverse else deliveries:
        post_event(api_client, body)
    rows = order.payments.filter(kind=Payment.Kind.REFUND).order_by("refund_id")
    assert list(rows.values_list("refund_id", "amount_cents")) == [("re_a", 300), ("re_b", 400)]


def test_our_own_refund_coming_back_from_stripe_is_not_recorded_twice(staff_client, api_client):
    order = paid_order(api_client)
    charge = order.payments.get()
    refund(staff_client, order, 400)
    ours = order.payments.get(kind=Payment.Kind.REFUND)
    assert post_event(api_client, charge_refunded(charge, 400, [(ours.refund_id, 400)])).json()["result"] == (
        "already recorded"
    )
    assert post_event(api_client, charge_refunded(charge, 400)).json()["result"] == "already recorded"
    assert ledger_rows(order) == [(400, "succeeded")]


def test_refunding_a_flagged_double_payment_leaves_the_paid_order_alone(api_client):
    order = paid_order(api_client)
    # The customer paid a second, older session too: that money is flagged, not counted as paid.
    second = Payment.objects.create(
        order=order,
        stage=Payment.Stage.ITEMS,
        amount_cents=order.total_cents,
        provider="dummy",
        session_id="cs_second",
        quote_version=order.quote_version,
    )
    assert (
        post_event(api_client, session_event("checkout.session.completed", second))
        .json()["result"]
        .startswith("flagged")
    )
    second.refresh_from_db()
    body = charge_refunded(second, second.amount_cents)
    assert post_event(api_client, body).json()["result"] == "refund recorded"
    order.refresh_from_db()
    assert order.status == Order.Status.ITEMS_PAID
    staff = APIClient()
    staff.force_authenticate(OrderStaffFactory())
    response = staff.get(f"{BASE}{order.number}/").json()
    assert response["payment_totals"] == {
        "paid_cents": order.total_cents,
        "refunded_cents": 0,
        "refundable_cents": order.total_cents,
    }
    assert response["events"][-1]["kind"] == "refund_issued"


@pytest.mark.parametrize("event_type", ["charge.refund.updated", "refund.updated", "refund.failed"])
def test_a_refund_that_fails_later_is_flagged_and_refundable_again(staff_client, api_client, event_type):
    order = paid_order(api_client)
    refund(staff_client, order, 400)
    ours = order.payments.get(kind=Payment.Kind.REFUND)
    body = {"id": ours.refund_id, "object": "refund", "amount": 400, "status": "failed"}
    body["failure_reason"] = "expired_or_canceled_card"
    assert post_event(api_client, event(event_type, body)).json()["result"].startswith("flagged")
    assert post_event(api_client, event(event_type, body)).json()["result"] == "already flagged"
    ours.refresh_from_db()
    assert ours.status == Payment.Status.FLAGGED and "expired_or_canceled_card" in ours.flagged_reason
    detail = staff_client.get(f"{BASE}{order.number}/").json()
    assert detail["payment_totals"]["refunded_cents"] == 0
    assert detail["payment_totals"]["refundable_cents"] == order.total_cents
    assert detail["events"][-1]["kind"] == "payment_flagged"
    waiting = staff_client.get(BASE, {"waiting": "1"}).json()["results"]
    assert order.number in [row["number"] for row in waiting]


def test_refund_updates_that_are_not_failures_change_nothing(staff_client, api_client):
    order = paid_order(api_client)
    refund(staff_client, order, 400)
    ours = order.payments.get(kind=Payment.Kind.REFUND)
    body = {"id": ours.refund_id, "object": "refund", "amount": 400, "status": "succeeded"}
    assert post_event(api_client, event("refund.updated", body)).json()["result"] == "ignored"
    unknown = {"id": "re_unknown", "object": "refund", "status": "failed"}
    assert post_event(api_client, event("refund.failed", unknown)).json()["result"] == "unknown refund"
    ours.refresh_from_db()
    assert ours.status == Payment.Status.SUCCEEDED
