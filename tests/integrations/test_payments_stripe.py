"""The `stripe` payment backend against a local fake Stripe API (the real SDK, real HTTP on 127.0.0.1)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from bidangil.errors import DomainError
from commerce.orders.models import Order
from commerce.payments import services as payments
from commerce.payments.models import Payment
from integrations.backends import get_backend
from tests.commerce.factories import quoted_order
from tests.commerce.stripe_helpers import post_event, session_event

pytestmark = pytest.mark.django_db


class FakeStripe(BaseHTTPRequestHandler):
    requests: list = []
    fail_with: dict | None = None

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        params = {key: values[0] for key, values in parse_qs(body).items()}
        self.requests.append({"path": self.path, "headers": dict(self.headers), "params": params})
        if self.fail_with:
            return self._reply(400, {"error": {"type": "invalid_request_error", "message": self.fail_with["message"]}})
        if self.path == "/v1/checkout/sessions":
            n = len(self.requests)
            return self._reply(
                200,
                {
                    "id": f"cs_test_{n}",
                    "object": "checkout.session",
                    "url": f"https://checkout.stripe.com/c/pay/cs_test_{n}",
                    "expires_at": int(params["expires_at"]),
                    "amount_total": sum(int(v) for k, v in params.items() if k.endswith("[price_data][unit_amount]")),
                    "currency": "usd",
                },
            )
        if self.path.startswith("/v1/checkout/sessions/") and self.path.endswith("/expire"):
            return self._reply(200, {"id": self.path.split("/")[4], "object": "checkout.session", "status": "expired"})
        if self.path == "/v1/refunds":
            return self._reply(
                200, {"id": "re_test_1", "object": "refund", "status": "succeeded", "amount": int(params["amount"])}
            )
        return self._reply(404, {"error": {"type": "invalid_request_error", "message": "Unknown path"}})

    def _reply(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def fake_stripe(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeStripe)
    FakeStripe.requests = []
    FakeStripe.fail_with = None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.PAYMENT_BACKEND = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{server.server_port}"
    yield FakeStripe
    server.shutdown()
    server.server_close()


def test_checkout_session_request(fake_stripe, settings):
    order = quoted_order(items=2)
    payment = payments.start_checkout(order_id=order.pk, stage="items")
    assert get_backend("payments").name == "stripe"
    assert payment.session_id == "cs_test_1"
    assert payment.checkout_url == "https://checkout.stripe.com/c/pay/cs_test_1"
    assert payment.provider == "stripe"

    (request,) = fake_stripe.requests
    assert request["path"] == "/v1/checkout/sessions"
    assert request["headers"]["Authorization"] == "Bearer sk_test_fake"
    assert request["headers"]["Idempotency-Key"] == f"order-{order.pk}-items-v1-1"
    params = request["params"]
    assert params["mode"] == "payment" and params["currency"] == "usd"
    assert params["metadata[order_number]"] == order.number
    assert params["metadata[stage]"] == "items"
    assert params["metadata[payment_id]"] == str(payment.pk)
    assert params["payment_intent_data[metadata][payment_id]"] == str(payment.pk)
    assert params["customer_email"] == order.user.email
    assert params["success_url"] == f"{settings.FRONTEND_URL}/orders/{order.number}?checkout=success"
    assert abs(int(params["expires_at"]) - (time.time() + 3600)) < 60
    amounts = [int(v) for k, v in sorted(params.items()) if k.endswith("[price_data][unit_amount]")]
    assert sum(amounts) == order.total_cents == payment.amount_cents
    names = [v for k, v in params.items() if k.endswith("[product_data][name]")]
    assert any(name.startswith("Card fee") for name in names) and any(name.startswith("Agency fee") for name in names)

    # A second click: no new request, same session.
    assert payments.start_checkout(order_id=order.pk, stage="items").pk == payment.pk
    assert len(fake_stripe.requests) == 1


def test_provider_error_is_reported_and_nothing_recorded(fake_stripe):
    fake_stripe.fail_with = {"message": "Amount too large"}
    order = quoted_order()
    with pytest.raises(DomainError) as caught:
        payments.start_checkout(order_id=order.pk, stage="items")
    assert caught.value.status_code == 502 and "Amount too large" in caught.value.message
    assert not Payment.objects.exists()
    assert not order.events.filter(kind="checkout_opened").exists()


def test_refund_and_cancel_requests(fake_stripe, client, staff_user):
    order = quoted_order()
    payment = payments.start_checkout(order_id=order.pk, stage="items")
    assert post_event(client, session_event("checkout.session.completed", payment)).json()["result"] == "paid"
    payments.refund_order(order_id=order.pk, actor=staff_user, reason="Sold out", amount_cents=700)
    request = fake_stripe.requests[-1]
    assert request["path"] == "/v1/refunds"
    assert request["params"]["payment_intent"] == f"pi_test_{payment.pk}"
    assert request["params"]["amount"] == "700"
    assert request["params"]["metadata[order_number]"] == order.number
    assert request["headers"]["Idempotency-Key"] == f"refund-{payment.pk}-1"
    refund = Payment.objects.get(kind="refund")
    assert (refund.refund_id, refund.amount_cents, refund.provider) == ("re_test_1", 700, "stripe")
    order.refresh_from_db()
    assert order.status == Order.Status.ITEMS_PAID  # a partial refund keeps the order open


def test_cancelling_expires_the_open_session_at_stripe(fake_stripe, django_capture_on_commit_callbacks):
    order = quoted_order()
    payment = payments.start_checkout(order_id=order.pk, stage="items")
    with django_capture_on_commit_callbacks(execute=True):
        payments.cancel_order(order_id=order.pk, actor=order.user)
    assert fake_stripe.requests[-1]["path"] == f"/v1/checkout/sessions/{payment.session_id}/expire"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.EXPIRED
