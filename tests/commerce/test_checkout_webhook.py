import json
from datetime import timedelta

import pytest
from django.utils import timezone

from commerce.orders import services
from commerce.orders.models import Order, OrderEvent
from commerce.payments import services as payments
from commerce.payments.models import Payment, StripeEvent
from notifications.models import Notification
from tasks.payments import expire_checkouts

from .factories import paid_order, quoted_order, requested_order
from .stripe_helpers import WEBHOOK_URL, event, post_event, session_event, signature_header

pytestmark = pytest.mark.django_db


def checkout(client, order, stage="items"):
    return client.post(f"/api/v1/orders/{order.number}/checkout/", {"stage": stage}, format="json")


def test_checkout_creates_one_session_and_repeats_return_it(user_client):
    order = quoted_order(user_client.user)
    first = checkout(user_client, order)
    assert first.status_code == 200, first.content
    data = first.json()
    assert data["checkout_url"].startswith("http://testserver/payments/dummy-checkout/cs_dummy_")
    assert data["amount_cents"] == order.total_cents and data["currency"] == "usd"
    second = checkout(user_client, order)
    assert second.json()["session_id"] == data["session_id"]
    payment = Payment.objects.get()
    assert payment.idempotency_key == f"order-{order.pk}-items-v1-1"
    assert payment.status == Payment.Status.OPEN and payment.expires_at > timezone.now()
    detail = user_client.get(f"/api/v1/orders/{order.number}/").json()
    assert detail["payments"][0]["checkout_url"] == data["checkout_url"]
    assert detail["payments"][0]["session_id"] == data["session_id"]


@pytest.mark.parametrize("status", ["requested", "cancelled"])
def test_checkout_of_an_unpayable_order_is_409(user_client, status):
    order = requested_order(user_client.user)
    if status == "cancelled":
        payments.cancel_order(order_id=order.pk, actor=user_client.user)
    response = checkout(user_client, order)
    assert response.status_code == 409
    assert "quoted" in response.json()["error"]["message"]
    assert not Payment.objects.exists()


def test_checkout_bad_stage_is_400_and_delivery_stage_needs_delivery_quote(user_client):
    order = quoted_order(user_client.user)
    assert checkout(user_client, order, stage="tips").status_code == 400
    assert checkout(user_client, order, stage="delivery").status_code == 409
    assert not Payment.objects.exists()


def test_expired_session_is_marked_and_a_new_one_can_be_created(user_client):
    order = quoted_order(user_client.user)
    first = checkout(user_client, order).json()
    Payment.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert expire_checkouts.call_local() == 1
    old = Payment.objects.get(session_id=first["session_id"])
    assert old.status == Payment.Status.EXPIRED
    assert order.events.filter(kind=OrderEvent.Kind.PAYMENT_EXPIRED).count() == 1
    assert Notification.objects.filter(user=user_client.user, type="order.payment").count() == 1
    assert expire_checkouts.call_local() == 0  # safe to run twice
    second = checkout(user_client, order).json()
    assert second["session_id"] != first["session_id"]
    assert Payment.objects.get(session_id=second["session_id"]).idempotency_key.endswith("-v1-2")


def test_completed_webhook_marks_items_paid_once_even_when_sent_20_times(user_client, api_client):
    order = quoted_order(user_client.user)
    checkout(user_client, order)
    payment = Payment.objects.get()
    body = session_event("checkout.session.completed", payment)
    results = [post_event(api_client, body) for _ in range(20)]
    assert all(r.status_code == 200 for r in results)
    assert results[0].json()["result"] == "paid"
    assert {r.json()["result"] for r in results[1:]} == {"duplicate"}
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == Order.Status.ITEMS_PAID
    assert payment.status == Payment.Status.PAID and payment.payment_intent_id == f"pi_test_{payment.pk}"
    assert order.events.filter(kind=OrderEvent.Kind.ITEMS_PAID).count() == 1
    assert StripeEvent.objects.count() == 1
    # A redelivery under a new event id changes nothing either.
    again = post_event(api_client, session_event("checkout.session.completed", payment))
    assert again.json()["result"] == "already paid"
    assert order.events.filter(kind=OrderEvent.Kind.ITEMS_PAID).count() == 1
    steps = user_client.get(f"/api/v1/orders/{order.number}/").json()["steps"]
    assert [s["done"] for s in steps] == [True, True, False, False, False]


def test_expired_after_completed_changes_nothing(user_client, api_client):
    order = paid_order(api_client, user_client.user)
    payment = order.payments.get()
    response = post_event(api_client, session_event("checkout.session.expired", payment))
    assert response.status_code == 200
    assert response.json()["result"] == "already paid"
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == Payment.Status.PAID and order.status == Order.Status.ITEMS_PAID
    assert not order.events.filter(kind=OrderEvent.Kind.PAYMENT_EXPIRED).exists()


def test_expired_event_then_late_completed_still_settles(user_client, api_client):
    order = quoted_order(user_client.user)
    checkout(user_client, order)
    payment = Payment.objects.get()
    assert post_event(api_client, session_event("checkout.session.expired", payment)).json()["result"] == "expired"
    assert post_event(api_client, session_event("checkout.session.expired", payment)).json()["result"] == (
        "already expired"
    )
    assert post_event(api_client, session_event("checkout.session.completed", payment)).json()["result"] == "paid"
    order.refresh_from_db()
    assert order.status == Order.Status.ITEMS_PAID


@pytest.mark.parametrize("amount, currency", [(1, "usd"), (None, "eur")])
def test_amount_or_currency_mismatch_flags_the_payment(user_client, api_client, amount, currency):
    order = quoted_order(user_client.user)
    checkout(user_client, order)
    payment = Payment.objects.get()
    response = post_event(
        api_client, session_event("checkout.session.completed", payment, amount=amount, currency=currency)
    )
    assert response.status_code == 200
    assert response.json()["result"].startswith("flagged")
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == Payment.Status.FLAGGED and "expected" in payment.flagged_reason
    assert order.status == Order.Status.QUOTED
    assert order.events.filter(kind=OrderEvent.Kind.PAYMENT_FLAGGED).count() == 1
    # Customers do not see the staff flag in their event log.
    kinds = [e["kind"] for e in user_client.get(f"/api/v1/orders/{order.number}/").json()["events"]]
    assert "payment_flagged" not in kinds


def test_payment_after_cancel_is_flagged_not_applied(user_client, api_client):
    order = quoted_order(user_client.user)
    checkout(user_client, order)
    payment = Payment.objects.get()
    payments.cancel_order(order_id=order.pk, actor=user_client.user)
    result = post_event(api_client, session_event("checkout.session.completed", payment)).json()["result"]
    assert result.startswith("flagged")
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED


@pytest.mark.parametrize(
    "header",
    ["", "t=1,v1=deadbeef", None],  # None: signed with the wrong secret
)
def test_bad_signature_is_400_and_nothing_is_stored(user_client, api_client, header):
    order = quoted_order(user_client.user)
    checkout(user_client, order)
    payment = Payment.objects.get()
    body = session_event("checkout.session.completed", payment)
    if header is None:
        response = post_event(api_client, body, secret="whsec_wrong")
    else:
        response = post_event(api_client, body, header=header)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_signature"
    assert not StripeEvent.objects.exists()
    order.refresh_from_db()
    assert order.status == Order.Status.QUOTED


def test_stale_timestamp_is_rejected(api_client):
    body = json.dumps(event("checkout.session.completed", {"id": "cs_x"}))
    header = signature_header(body, timestamp=int(timezone.now().timestamp()) - 3600)
    response = api_client.generic(
        "POST", WEBHOOK_URL, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
    assert response.status_code == 400


def test_malformed_signed_payload_is_400(api_client):
    body = "not json"
    response = api_client.generic(
        "POST", WEBHOOK_URL, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature_header(body)
    )
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_unknown_types_and_sessions_are_200(api_client):
    response = post_event(api_client, event("customer.created", {"id": "cus_1"}))
    assert response.status_code == 200 and response.json()["result"] == "ignored"
    response = post_event(api_client, event("checkout.session.completed", {"id": "cs_nope", "payment_status": "paid"}))
    assert response.json()["result"] == "unknown session"
    assert api_client.get(WEBHOOK_URL).status_code == 405


def test_async_payment_failed_marks_failed_and_allows_a_new_session(user_client, api_client):
    order = quoted_order(user_client.user)
    first = checkout(user_client, order).json()
    payment = Payment.objects.get()
    response = post_event(api_client, session_event("checkout.session.async_payment_failed", payment))
    assert response.json()["result"] == "failed"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    assert order.events.filter(kind=OrderEvent.Kind.PAYMENT_FAILED).exists()
    assert checkout(user_client, order).json()["session_id"] != first["session_id"]


def test_payment_intent_failure_is_logged(user_client, api_client):
    order = quoted_order(user_client.user)
    checkout(user_client, order)
    payment = Payment.objects.get()
    body = event(
        "payment_intent.payment_failed",
        {"id": "pi_1", "metadata": {"payment_id": str(payment.pk)}, "last_payment_error": {"message": "declined"}},
    )
    assert post_event(api_client, body).json()["result"] == "failure recorded"
    assert order.events.get(kind=OrderEvent.Kind.PAYMENT_FAILED).data["message"] == "declined"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.OPEN  # the customer may retry within the session


def test_a_declined_card_tells_the_customer_once(user_client, api_client, django_capture_on_commit_callbacks):
    from django.core import mail

    from integrations.sms.console import ConsoleSMSBackend

    user = user_client.user
    user.phone, user.notify_by_sms = "+12135550100", True
    user.save()
    order = quoted_order(user)
    checkout(user_client, order)
    payment = Payment.objects.get()
    body = event(
        "payment_intent.payment_failed",
        {"id": "pi_1", "metadata": {"payment_id": str(payment.pk)}, "last_payment_error": {"message": "declined."}},
    )
    ConsoleSMSBackend.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(api_client, body).json()["result"] == "failure recorded"
        assert post_event(api_client, body).json()["result"] == "duplicate"  # Stripe redelivers
    note = Notification.objects.get(user=user, type="order.payment")
    assert note.payload["payment_status"] == Payment.Status.OPEN
    assert note.payload["message"] == (
        "Your card payment did not go through (declined). You can try again on the same checkout page."
    )
    assert len(mail.outbox) == 1 and order.number in mail.outbox[0].subject
    assert ConsoleSMSBackend.sent == [("+12135550100", f"Bidangil: {note.payload['message']}")]
    ConsoleSMSBackend.sent.clear()


def test_a_card_failure_after_the_order_moved_on_notifies_nobody(user_client, api_client):
    order = quoted_order(user_client.user)
    checkout(user_client, order)
    payment = Payment.objects.get()
    payments.cancel_order(order_id=order.pk, actor=user_client.user)
    body = event("payment_intent.payment_failed", {"id": "pi_1", "metadata": {"payment_id": str(payment.pk)}})
    assert post_event(api_client, body).json()["result"] == "failure recorded"
    assert not Notification.objects.filter(type="order.payment").exists()


def test_charge_refunded_in_the_dashboard_is_recorded_once(user_client, api_client):
    order = paid_order(api_client, user_client.user)
    charge = order.payments.get()
    body = {"id": "ch_1", "payment_intent": charge.payment_intent_id, "amount_refunded": charge.amount_cents}
    body["refunds"] = {"data": [{"id": "re_dash_1", "amount": charge.amount_cents, "status": "succeeded"}]}
    assert post_event(api_client, event("charge.refunded", body)).json()["result"] == "refund recorded"
    assert post_event(api_client, event("charge.refunded", body)).json()["result"] == "already recorded"
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    refund = order.payments.get(kind=Payment.Kind.REFUND)
    assert refund.amount_cents == charge.amount_cents and refund.refund_id == "re_dash_1"


def test_delivery_stage_checkout_and_webhook(user_client, api_client, staff_user):
    order = paid_order(api_client, user_client.user)
    services.mark_purchased(order_id=order.pk, actor=staff_user)
    # The warehouse intake (another module) sets the fee; here only the payment side is exercised.
    Order.objects.filter(pk=order.pk).update(status=Order.Status.DELIVERY_QUOTED, delivery_fee_cents=4_250)
    response = checkout(user_client, order, stage="delivery")
    assert response.status_code == 200
    assert response.json()["amount_cents"] == 4_250 + 170
    payment = Payment.objects.get(stage="delivery")
    assert post_event(api_client, session_event("checkout.session.completed", payment)).json()["result"] == "paid"
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERY_PAID
    detail = user_client.get(f"/api/v1/orders/{order.number}/").json()
    assert [s["done"] for s in detail["steps"]] == [True, True, True, False, False]
    assert detail["delivery_quote"]["total_cents"] == 4_420


def test_dummy_checkout_page_pays_through_the_signed_webhook(user_client, client):
    order = quoted_order(user_client.user)
    url = checkout(user_client, order).json()["checkout_url"].replace("http://testserver", "")
    page = client.get(url)
    assert page.status_code == 200
    assert f"{order.total_cents / 100:,.2f}".encode() in page.content
    response = client.post(url, {"action": "pay"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/orders/{order.number}?checkout=success")
    order.refresh_from_db()
    assert order.status == Order.Status.ITEMS_PAID
    assert StripeEvent.objects.get().type == "checkout.session.completed"
    # Paying again is refused by the page itself.
    assert client.post(url, {"action": "pay"}).status_code == 302
    assert StripeEvent.objects.count() == 1


def test_dummy_checkout_cancel_and_unknown_session(user_client, client):
    order = quoted_order(user_client.user)
    url = checkout(user_client, order).json()["checkout_url"].replace("http://testserver", "")
    response = client.post(url, {"action": "cancel"})
    assert response["Location"].endswith("?checkout=cancelled")
    order.refresh_from_db()
    assert order.status == Order.Status.QUOTED
    assert client.get("/payments/dummy-checkout/cs_dummy_nope/").status_code == 404
