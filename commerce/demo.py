"""Demo orders in several states for the demo customers, made through the real services (safe to run again)."""

import json
import secrets
import time

from django.conf import settings
from django.contrib.auth import get_user_model

from bidangil.errors import DomainError
from commerce.orders import services
from commerce.orders.models import Order, RestrictedItemRule
from commerce.payments import services as payments
from commerce.payments.models import Payment
from commerce.payments.webhooks import process_event
from commerce.shipping import services as shipping
from integrations.payments.dummy import signature_header

DEMO_TAG = "Demo order"
RULES = [
    ("battery", "Lithium batteries travel only inside devices; check the airline rules."),
    ("knife", "Blades are not accepted by the carrier."),
    ("alcohol", "Alcoholic drinks cannot be shipped internationally."),
    ("soju", "Alcoholic drinks cannot be shipped internationally."),
    ("perfume", "Flammable liquids need special handling."),
    ("aerosol", "Pressurised cans are dangerous goods."),
    ("meat", "Meat products are blocked by US customs."),
]
SHOP = "https://www.musinsa.com/products/"
# customer, items (url, qty, options), price KRW per unit, target status
ORDERS = [
    ("jiwoo@example.com", [(SHOP + "3958472", 1, "Black / M")], 59_000, Order.Status.REQUESTED),
    ("jiwoo@example.com", [(SHOP + "2231190", 2, "Ivory"), (SHOP + "1180042", 1, "")], 32_000, Order.Status.QUOTED),
    ("jiwoo@example.com", [("https://www.oliveyoung.co.kr/store/goods/A000000184228", 3, "")], 18_500, "paid"),
    ("minho@example.com", [("https://smartstore.naver.com/bidan/products/8812", 1, "Size 270")], 89_000, "bought"),
    (
        "minho@example.com",
        [(SHOP + "4410021", 1, "Navy"), ("https://www.coupang.com/vp/products/7350012", 1, "Power bank battery")],
        25_000,
        "ship",
    ),
]


def _pay(payment: Payment) -> None:
    """Pay through the signed webhook path, as the dummy Checkout page does."""
    event = {
        "id": f"evt_demo_{secrets.token_hex(8)}",
        "type": "checkout.session.completed",
        "created": int(time.time()),
        "data": {
            "object": {
                "id": payment.session_id,
                "amount_total": payment.amount_cents,
                "currency": payment.currency,
                "payment_status": "paid",
                "payment_intent": f"pi_demo_{secrets.token_hex(8)}",
            }
        },
    }
    payload = json.dumps(event)
    process_event(payload.encode(), signature_header(payload, settings.STRIPE_WEBHOOK_SECRET))


def _advance(order: Order, target: str, staff, price: int, stdout) -> None:
    if target == Order.Status.REQUESTED:
        return
    lines = [{"id": item.pk, "unit_price_krw": price} for item in order.items.all()]
    services.quote_order(order_id=order.pk, actor=staff, items=lines, domestic_shipping_krw=3_000)
    if target == Order.Status.QUOTED:
        return
    if settings.PAYMENT_BACKEND != "dummy":
        stdout.write("  (payments are not the dummy backend: demo orders stop at quoted)")
        return
    _pay(payments.start_checkout(order_id=order.pk, stage=Payment.Stage.ITEMS))
    if target == "paid":
        return
    services.mark_purchased(order_id=order.pk, actor=staff, note="Bought on the shop site")
    if target == "bought":
        return
    _ship(order, staff, stdout)


def _ship(order: Order, staff, stdout) -> None:
    """Warehouse intake, delivery payment and shipping."""
    try:
        shipping.record_intake(
            order_id=order.pk, actor=staff, weight_g=1_200, length_cm=30, width_cm=20, height_cm=10, notes="Demo"
        )
        _pay(payments.start_checkout(order_id=order.pk, stage=Payment.Stage.DELIVERY))
        shipping.ship_order(order_id=order.pk, actor=staff, carrier="fedex", tracking_number="794612345678")
    except DomainError as exc:
        stdout.write(f"  demo shipping stopped at {Order.objects.get(pk=order.pk).status}: {exc.message}")


def load(stdout) -> None:
    for keyword, reason in RULES:
        RestrictedItemRule.objects.get_or_create(keyword=keyword, defaults={"reason": reason})
    users = get_user_model().objects
    staff = users.filter(email="staff@bidangil.local").first()
    created = 0
    for email, items, price, target in ORDERS:
        user = users.filter(email=email).first()
        if user is None or staff is None:
            continue
        note = f"{DEMO_TAG}: {items[0][0]}"
        if Order.objects.filter(user=user, customer_note=note).exists():
            continue
        address = user.addresses.first()
        payload = [{"url": url, "quantity": qty, "options": options, "note": ""} for url, qty, options in items]
        if address is not None:
            order = services.create_order(user=user, items=payload, address_id=address.pk, note=note)
        else:
            order = services.create_order(
                user=user,
                items=payload,
                address={"name": email, "city": "Los Angeles", "line1": "1 Main St", "postal_code": "90010"},
                note=note,
            )
        _advance(order, target, staff, price, stdout)
        created += 1
    statuses = ", ".join(
        sorted(set(Order.objects.filter(customer_note__startswith=DEMO_TAG).values_list("status", flat=True)))
    )
    stdout.write(f"  orders: {created} created; demo orders now {statuses or 'none'}")
