"""Every order state change. Each service locks the order row, checks its state, writes the change and
one OrderEvent, and queues notifications on commit. Illegal transitions raise Conflict (HTTP 409)."""

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import Address
from bidangil import jobs
from bidangil.errors import Conflict, InvalidInput, ProviderError
from bidangil.money import format_usd_cents
from commerce import error_codes, limits
from commerce.conversations.models import OrderMessage, OrderMessageImage
from commerce.orders import pricing
from commerce.orders.models import ExchangeRate, Order, OrderEvent, OrderItem, RestrictedItemRule
from commerce.orders.selectors import REFUNDABLE_STATUSES, payment_totals
from commerce.orders.steps import current_step
from commerce.payments.models import Payment
from commerce.shipping.models import ParcelPhoto
from integrations.backends import get_backend
from integrations.payments import CheckoutLine, CheckoutRequest
from notifications.models import Notification
from notifications.services import notify

logger = logging.getLogger(__name__)

PAYABLE_STATUS = {Payment.Stage.ITEMS: Order.Status.QUOTED, Payment.Stage.DELIVERY: Order.Status.DELIVERY_QUOTED}
PAID_STATUS = {Payment.Stage.ITEMS: Order.Status.ITEMS_PAID, Payment.Stage.DELIVERY: Order.Status.DELIVERY_PAID}
# Statuses in which nothing is owed either way: the only ones an account may be closed with.
FINISHED_STATUSES = (Order.Status.DELIVERED, Order.Status.REJECTED, Order.Status.CANCELLED, Order.Status.REFUNDED)
PAID_EVENT = {Payment.Stage.ITEMS: OrderEvent.Kind.ITEMS_PAID, Payment.Stage.DELIVERY: OrderEvent.Kind.DELIVERY_PAID}

STATUS_MESSAGES = {
    Order.Status.REQUESTED: ("Order request received", "We received your order request and will send a quote soon."),
    Order.Status.QUOTED: ("Your quote is ready", "Your quote is ready: {total}. Pay it to let us buy your items."),
    Order.Status.REJECTED: ("Order request declined", "We cannot take this order: {reason}"),
    Order.Status.ITEMS_PAID: ("Payment received", "Thank you, your payment was received. We are buying your items."),
    Order.Status.PURCHASED: ("Items purchased", "We bought your items; they are on their way to our warehouse."),
    Order.Status.DELIVERY_QUOTED: (
        "Your parcel is at our warehouse",
        "Your parcel arrived at our warehouse. The international delivery fee is {delivery}.",
    ),
    Order.Status.DELIVERY_PAID: ("Delivery fee paid", "Thank you, we will ship your parcel shortly."),
    Order.Status.SHIPPED: ("Your parcel is on its way", "Your parcel has shipped. Follow it in your order page."),
    Order.Status.DELIVERED: ("Delivered", "Your parcel has been delivered. Enjoy!"),
    Order.Status.CANCELLED: ("Order cancelled", "Your order has been cancelled. {reason}"),
    Order.Status.REFUNDED: ("Order refunded", "We refunded {refund} to your card. {reason}"),
}


# --- Building blocks (public: the shipping services use them too) -------------------------------


def record_event(order: Order, kind: str, *, actor=None, data: dict | None = None) -> OrderEvent:
    """Append one entry to the order's event log."""
    return OrderEvent.objects.create(order=order, kind=kind, actor=actor, data=data or {})


def _notify_order_status(order: Order, *, reason: str = "", refund_cents: int | None = None) -> None:
    """Tell the customer about the order's current status (inbox + push + email, all on commit)."""
    title, template = STATUS_MESSAGES[order.status]
    message = template.format(
        total=format_usd_cents(order.total_cents),
        delivery=format_usd_cents(order.delivery_fee_cents),
        reason=reason or order.status_reason,
        refund=format_usd_cents(refund_cents),
    ).strip()
    notify(
        order.user_id,
        Notification.Type.ORDER_STATUS,
        {
            "order": order.number,
            "status": order.status,
            "step": current_step(order.status),
            "title": f"{title} ({order.number})",
            "message": message,
        },
        email=True,
    )


def notify_payment(order: Order, payment: Payment, *, title: str, message: str) -> None:
    notify(
        order.user_id,
        Notification.Type.ORDER_PAYMENT,
        {
            "order": order.number,
            "status": order.status,
            "stage": payment.stage,
            "payment_status": payment.status,
            "step": current_step(order.status),
            "title": f"{title} ({order.number})",
            "message": message,
        },
        email=True,
    )


def lock_order(order_id: int, *related: str) -> Order:
    """The order row, locked until the transaction ends: every state change starts here."""
    return Order.objects.select_for_update().select_related(*related).get(pk=order_id)


def transition(
    order: Order,
    status: str,
    kind: str,
    *,
    actor=None,
    data: dict | None = None,
    reason: str = "",
    also_save: tuple[str, ...] = (),
) -> None:
    """Move a locked order to `status`: save it (with the `also_save` fields), log the event, tell the customer.

    The only code that writes Order.status; call it inside the transaction that holds lock_order().
    """
    order.status = status
    if reason:
        order.status_reason = reason
    order.save(update_fields=["status", "status_reason", "updated_at", *also_save])
    record_event(order, kind, actor=actor, data={"status": status, **(data or {})})
    _notify_order_status(order, reason=reason, refund_cents=(data or {}).get("amount_cents"))


def _new_order_number() -> str:
    return f"BD{timezone.now():%y%m%d}-{secrets.token_hex(3).upper()}"


def _expire_sessions_on_commit(payments: list[Payment]) -> None:
    """Close still-open sessions at the provider once our state is committed (best effort)."""
    targets = [(p.provider, p.session_id) for p in payments if p.session_id]
    if not targets:
        return

    def expire():
        backend = get_backend("payments")
        for provider, session_id in targets:
            if provider != backend.name:
                continue
            try:
                backend.expire_checkout_session(session_id)
            except ProviderError:
                logger.warning("Could not expire checkout session %s", session_id)

    transaction.on_commit(expire)


def _lock_payments(order: Order, **filters) -> list[Payment]:
    """The locked order's payment rows matching `filters`, locked by primary key.

    Every payment write locks its order first, so the plain read is current. A locking read filtered on
    status would walk the (status, expires_at) index and lock other orders' rows on the way: two webhooks
    for two orders would then deadlock on MariaDB.
    """
    pks = list(order.payments.filter(**filters).values_list("pk", flat=True))
    return list(Payment.objects.select_for_update().filter(pk__in=pks).order_by("created_at", "pk"))


def _close_open_sessions(order: Order, *, stage: str | None = None) -> list[Payment]:
    closed = _lock_payments(
        order, kind=Payment.Kind.CHARGE, status=Payment.Status.OPEN, **({"stage": stage} if stage else {})
    )
    for payment in closed:
        payment.status = Payment.Status.EXPIRED
        payment.save(update_fields=["status", "updated_at"])
    return closed


# --- Customer -------------------------------------------------------------------------------------


def create_order(*, user, items: list[dict], address_id: int | None = None, address: dict | None = None, note=""):
    """A new order request: snapshot the address, capture today's exchange rate, store the items."""
    if not limits.ORDER_MIN_ITEMS <= len(items) <= limits.ORDER_MAX_ITEMS:
        span = f"{limits.ORDER_MIN_ITEMS} to {limits.ORDER_MAX_ITEMS} items"
        raise InvalidInput(f"An order has {span}.", fields={"items": [f"{span}."]})
    if (address_id is None) == (address is None):
        raise InvalidInput("Give either address_id or address.", fields={"address": ["Give exactly one."]})
    if address_id is not None:
        saved = Address.objects.filter(user=user, pk=address_id).first()
        if saved is None:
            raise InvalidInput("No such address.", fields={"address_id": ["No such address."]})
        snapshot = saved.as_snapshot()
    else:
        snapshot = {key: address.get(key, "") for key in Address(user=user).as_snapshot()}

    rate = get_backend("fx").current()
    with transaction.atomic():
        exchange_rate = ExchangeRate.objects.create(
            krw_per_usd=rate.krw_per_usd, source=rate.source, captured_at=rate.captured_at
        )
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    order = Order.objects.create(
                        number=_new_order_number(),
                        user=user,
                        shipping_address=snapshot,
                        exchange_rate=exchange_rate,
                        customer_note=note or "",
                    )
                break
            except IntegrityError:
                continue
        else:  # pragma: no cover - 16M numbers a day
            raise Conflict("Could not allocate an order number; try again.", code=error_codes.ORDER_CONFLICT)
        OrderItem.objects.bulk_create(
            OrderItem(
                order=order,
                position=position,
                url=item["url"],
                quantity=item.get("quantity", 1),
                options=item.get("options", ""),
                note=item.get("note", ""),
            )
            for position, item in enumerate(items)
        )
        record_event(order, OrderEvent.Kind.REQUESTED, actor=user, data={"items": len(items)})
        _notify_order_status(order)
        jobs.enqueue_on_commit("products.item-names", order.pk)
    return order


def cancel_order(*, order_id: int, actor, reason: str = "") -> Order:
    """Cancel an order no money was taken for (requested or quoted); a paid order is refunded instead."""
    with transaction.atomic():
        order = lock_order(order_id)
        if order.status in REFUNDABLE_STATUSES:
            raise Conflict(
                f"Order {order.number} has been paid; refund it instead of cancelling.", code=error_codes.ORDER_PAID
            )
        order.require_status(Order.Status.REQUESTED, Order.Status.QUOTED)
        closed = _close_open_sessions(order)
        transition(
            order,
            Order.Status.CANCELLED,
            OrderEvent.Kind.CANCELLED,
            actor=actor,
            data={"by": "staff" if actor and actor.pk != order.user_id else "customer"},
            reason=reason,
        )
        _expire_sessions_on_commit(closed)
    return order


def start_checkout(*, order_id: int, stage: str) -> Payment:
    """The open Checkout session for a stage, creating one if none is open (idempotent per quote version)."""
    if stage not in PAYABLE_STATUS:
        raise InvalidInput("stage must be 'items' or 'delivery'.", fields={"stage": ["Choose items or delivery."]})
    backend = get_backend("payments")
    now = timezone.now()
    with transaction.atomic():
        order = lock_order(order_id, "user")
        order.require_status(PAYABLE_STATUS[stage])
        if stage == Payment.Stage.ITEMS:
            amount = order.total_cents
            lines = [CheckoutLine(line["label"], line["amount_cents"]) for line in order.quote_lines]
        else:
            if order.delivery_fee_cents is None:
                raise Conflict(f"Order {order.number} has no delivery fee yet.", code=error_codes.ORDER_CONFLICT)
            quote = pricing.quote_delivery(order.delivery_fee_cents)
            amount = quote.total_cents
            lines = [CheckoutLine(line.label, line.amount_cents) for line in quote.lines]

        stale = []
        for payment in _lock_payments(order, kind=Payment.Kind.CHARGE, stage=stage, status=Payment.Status.OPEN):
            # A second click gets the same session while it can still be paid (a minute of slack).
            usable = payment.expires_at is None or payment.expires_at > now + timedelta(minutes=1)
            if usable and payment.quote_version == order.quote_version and payment.amount_cents == amount:
                return payment
            payment.status = Payment.Status.EXPIRED
            payment.save(update_fields=["status", "updated_at"])
            stale.append(payment)

        attempt = order.payments.filter(kind=Payment.Kind.CHARGE, stage=stage, quote_version=order.quote_version)
        key = f"order-{order.pk}-{stage}-v{order.quote_version}-{attempt.count() + 1}"
        expires_at = now + timedelta(minutes=settings.CHECKOUT_SESSION_TTL_MINUTES)
        payment = Payment.objects.create(
            order=order,
            stage=stage,
            amount_cents=amount,
            currency="usd",
            provider=backend.name,
            idempotency_key=key,
            quote_version=order.quote_version,
            expires_at=expires_at,
        )
        frontend_order = f"{settings.FRONTEND_URL}/orders/{order.number}"
        session = backend.create_checkout_session(
            CheckoutRequest(
                payment_id=payment.pk,
                order_number=order.number,
                stage=stage,
                currency="usd",
                lines=lines,
                expires_at=expires_at,
                success_url=f"{frontend_order}?checkout=success",
                cancel_url=f"{frontend_order}?checkout=cancelled",
                idempotency_key=key,
                customer_email=order.user.email,
            )
        )
        payment.session_id = session.session_id
        payment.checkout_url = session.url
        payment.expires_at = session.expires_at or expires_at
        payment.save(update_fields=["session_id", "checkout_url", "expires_at", "updated_at"])
        record_event(
            order,
            OrderEvent.Kind.CHECKOUT_OPENED,
            data={"payment": payment.pk, "stage": stage, "amount_cents": amount},
        )
        _expire_sessions_on_commit(stale)
    return payment


# --- Staff ----------------------------------------------------------------------------------------


def restricted_matches(items) -> dict[int, str]:
    """Item id -> reason for every item whose URL, name, options or note contains an active rule keyword."""
    rules = list(RestrictedItemRule.objects.filter(active=True).values_list("keyword", "reason"))
    matches = {}
    for item in items:
        text = " ".join([item.url, item.name, item.options, item.note]).casefold()
        for keyword, reason in rules:
            if keyword.casefold() in text:
                matches[item.pk] = f"{keyword}: {reason}"
                break
    return matches


@dataclass(frozen=True)
class QuoteItem:
    id: int
    unit_price_krw: int
    restricted: bool | None = None
    # Corrections staff may make while quoting; None leaves the customer's value.
    quantity: int | None = None
    options: str | None = None
    name: str | None = None


# Field -> max length, or (min, max) for the quantity; the same limits as the order request.
ITEM_CORRECTIONS = {"quantity": (1, 99), "options": 500, "name": 200}


def _check_corrections(lines: list[QuoteItem]) -> None:
    errors = []
    for line in lines:
        low, high = ITEM_CORRECTIONS["quantity"]
        if line.quantity is not None and not (isinstance(line.quantity, int) and low <= line.quantity <= high):
            errors.append(f"Item {line.id}: quantity must be between 1 and 99.")
        for field in ("options", "name"):
            value = getattr(line, field)
            if value is not None and (not isinstance(value, str) or len(value) > ITEM_CORRECTIONS[field]):
                errors.append(f"Item {line.id}: {field} must be text of at most {ITEM_CORRECTIONS[field]} characters.")
    if errors:
        raise InvalidInput(" ".join(errors), fields={"items": errors})


def _apply_corrections(item: OrderItem, line: QuoteItem) -> dict:
    """Set the corrected fields on the item; returns {field: [old, new]} for those that changed."""
    changed = {}
    for field in ITEM_CORRECTIONS:
        value = getattr(line, field)
        if field != "quantity" and value is not None:
            value = value.strip()
        if value is not None and value != getattr(item, field):
            changed[field] = [getattr(item, field), value]
            setattr(item, field, value)
    if "name" in changed:
        item.name_status = OrderItem.NameStatus.READY  # the product-name lookup must not overwrite staff's name
    return changed


def quote_order(*, order_id: int, actor, items: list, domestic_shipping_krw: int, note: str = "") -> Order:
    """Price a requested order and send the quote. Restricted items stay on the order but are not charged.

    `items` are QuoteItem (or dicts with id, unit_price_krw, restricted and the optional corrections
    quantity, options, name); every order item must be priced. When `restricted` is omitted, the
    restricted-item rules decide (after the corrections). Corrected fields are recorded in the QUOTED event.
    """
    lines = [item if isinstance(item, QuoteItem) else QuoteItem(**item) for item in items]
    if domestic_shipping_krw < 0 or any(line.unit_price_krw < 0 for line in lines):
        raise InvalidInput("Prices must not be negative.")
    _check_corrections(lines)
    with transaction.atomic():
        order = lock_order(order_id, "exchange_rate")
        order.require_status(Order.Status.REQUESTED)
        order_items = {item.pk: item for item in order.items.all()}
        given = {line.id: line for line in lines}
        if len(given) != len(lines) or set(given) != set(order_items):
            raise InvalidInput(
                "Price every item of the order exactly once.", fields={"items": ["Price every item exactly once."]}
            )
        corrections = {
            str(item_id): changed
            for item_id, item in order_items.items()
            if (changed := _apply_corrections(item, given[item_id]))
        }
        flagged = restricted_matches(order_items.values())
        priced = []
        for item_id, item in order_items.items():
            line = given[item_id]
            item.unit_price_krw = line.unit_price_krw
            item.restricted = flagged.get(item_id) is not None if line.restricted is None else line.restricted
            item.restricted_reason = (flagged.get(item_id) or "Marked by staff") if item.restricted else ""
            if not item.restricted:
                label = item.name or f"Item {item.position + 1}"
                priced.append(
                    pricing.PricedItem(item.pk, f"{label} × {item.quantity}", line.unit_price_krw, item.quantity)
                )
        if not priced:
            raise InvalidInput("Every item is restricted; reject the order instead.")
        quote = pricing.quote_items(
            priced, domestic_shipping_krw=domestic_shipping_krw, krw_per_usd=order.exchange_rate.krw_per_usd
        )
        if not pricing.MIN_CHARGE_CENTS <= quote.total_cents <= pricing.MAX_CHARGE_CENTS:
            raise InvalidInput(
                f"The total {format_usd_cents(quote.total_cents)} is outside what a card payment can take "
                f"({format_usd_cents(pricing.MIN_CHARGE_CENTS)} to {format_usd_cents(pricing.MAX_CHARGE_CENTS)})."
            )
        OrderItem.objects.bulk_update(
            order_items.values(),
            ["unit_price_krw", "restricted", "restricted_reason", "quantity", "options", "name", "name_status"],
        )
        order.items_subtotal_krw = quote.items_subtotal_krw
        order.domestic_shipping_krw = quote.domestic_shipping_krw
        order.agency_fee_krw = quote.agency_fee_krw
        order.card_fee_krw = quote.card_fee_krw
        order.total_krw = quote.total_krw
        order.total_cents = quote.total_cents
        order.quote_lines = [line.__dict__ for line in quote.lines]
        order.quote_note = note or ""
        order.quote_version += 1
        order.quoted_at = timezone.now()
        order.save()
        transition(
            order,
            Order.Status.QUOTED,
            OrderEvent.Kind.QUOTED,
            actor=actor,
            data={
                "quote_version": order.quote_version,
                "total_krw": quote.total_krw,
                "total_cents": quote.total_cents,
                "restricted_items": [pk for pk, item in order_items.items() if item.restricted],
                **({"item_changes": corrections} if corrections else {}),
            },
        )
    return order


def add_staff_note(*, order_id: int, actor, note: str) -> Order:
    """Record an internal staff note (in any status); it also acknowledges an open carrier exception."""
    note = (note or "").strip()
    if not note:
        raise InvalidInput("Write a note.", fields={"note": ["This field is required."]})
    with transaction.atomic():
        order = lock_order(order_id)
        record_event(order, OrderEvent.Kind.NOTE, actor=actor, data={"note": note[:1000]})
    return order


def reject_order(*, order_id: int, actor, reason: str) -> Order:
    """Decline an order request (only before it is quoted)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Give a reason.", fields={"reason": ["This field is required."]})
    with transaction.atomic():
        order = lock_order(order_id)
        order.require_status(Order.Status.REQUESTED)
        transition(order, Order.Status.REJECTED, OrderEvent.Kind.REJECTED, actor=actor, reason=reason)
    return order


def mark_purchased(*, order_id: int, actor, note: str = "") -> Order:
    """Staff bought the paid items from the shops."""
    with transaction.atomic():
        order = lock_order(order_id)
        order.require_status(Order.Status.ITEMS_PAID)
        transition(
            order, Order.Status.PURCHASED, OrderEvent.Kind.PURCHASED, actor=actor, data={"note": note} if note else {}
        )
    return order


def anonymise_customer_orders(*, user) -> None:
    """Strip the personal parts from a closing customer's orders, keeping amounts, payments and the log.

    Refused (409 `orders_in_progress`) while an order is not finished: its parcel, payment or refund is
    still owed and needs the address. The shipping address keeps only its country; the customer's notes,
    the parcel photos (labels show names) and the order conversations are erased; each order gets an
    `account_closed` event.
    Call inside the closing transaction.
    """
    orders = list(Order.objects.select_for_update().filter(user=user).order_by("pk"))
    open_numbers = [order.number for order in orders if order.status not in FINISHED_STATUSES]
    if open_numbers:
        raise Conflict(
            f"Orders in progress: {', '.join(open_numbers)}. Cancel them or wait until they are finished, "
            "then close the account.",
            code=error_codes.ORDERS_IN_PROGRESS,
        )
    for order in orders:
        order.shipping_address = {key: "" for key in order.shipping_address} | {
            "country": order.shipping_address.get("country", "")
        }
        order.customer_note = ""
        order.save(update_fields=["shipping_address", "customer_note", "updated_at"])
        record_event(order, OrderEvent.Kind.ACCOUNT_CLOSED, actor=user)
    OrderItem.objects.filter(order__in=orders).exclude(note="").update(note="")
    files = []  # (storage, name) of the erased documents, deleted once the closure commits
    for documents in (
        ParcelPhoto.objects.filter(parcel__order__in=orders),
        OrderMessageImage.objects.filter(message__order__in=orders),
    ):
        storage = documents.model._meta.get_field("image").storage
        files += [(storage, name) for name in documents.values_list("image", flat=True)]
        documents.delete()
    OrderMessage.objects.filter(order__in=orders).delete()

    def delete_files():
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(delete_files)


def _refund_row(
    order: Order, charge: Payment, *, amount_cents: int, status: str, refund_id: str | None, reason: str, actor=None
) -> Payment:
    return Payment.objects.create(
        order=order,
        stage=charge.stage,
        kind=Payment.Kind.REFUND,
        status=status,
        amount_cents=amount_cents,
        currency=charge.currency,
        provider=charge.provider,
        refund_id=refund_id or None,
        payment_intent_id=charge.payment_intent_id,
        refund_of=charge,
        reason=reason[:300],
        created_by=actor,
        paid_at=timezone.now(),
    )


def _record_refund(order: Order, rows: list[Payment], *, actor, reason: str, data: dict | None = None) -> None:
    """After refund rows are written: the refund that leaves nothing refundable ends the order as `refunded`;
    any other (partial, or of a flagged payment) is logged and the order carries on where it is."""
    amount = sum(row.amount_cents for row in rows if row.status == Payment.Status.SUCCEEDED)
    left = payment_totals(order).refundable_cents
    data = {
        "amount_cents": amount,
        "refundable_cents": left,
        "refunds": [row.refund_id for row in rows],
        **(data or {}),
    }
    if order.status in REFUNDABLE_STATUSES and left == 0 and amount:
        transition(order, Order.Status.REFUNDED, OrderEvent.Kind.REFUNDED, actor=actor, data=data, reason=reason)
        return
    record_event(order, OrderEvent.Kind.REFUND_ISSUED, actor=actor, data=data)
    if amount:
        notify_payment(
            order,
            rows[0],
            title="Refund issued",
            message=f"We refunded {format_usd_cents(amount)} to your card. {reason}".strip(),
        )


def refund_order(*, order_id: int, actor, reason: str, amount_cents: int | None = None) -> Order:
    """Refund a paid order through the payment provider, in full (amount omitted) or in part.

    The most a refund may take is what was paid (items and delivery charges) less what was refunded. Refunds
    are taken from the latest charge first, one provider refund and ledger row per charge. Only a refund that
    leaves nothing refundable ends the order as `refunded`; after a partial one the workflow goes on.
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Give a reason.", fields={"reason": ["This field is required."]})
    if amount_cents is not None and amount_cents <= 0:
        raise InvalidInput("The refund amount must be positive.", fields={"amount_cents": ["Must be positive."]})
    backend = get_backend("payments")
    with transaction.atomic():
        order = lock_order(order_id)
        order.require_status(*REFUNDABLE_STATUSES)
        payments = _lock_payments(order)
        charges = sorted(
            (p for p in payments if p.kind == Payment.Kind.CHARGE and p.status == Payment.Status.PAID),
            key=lambda charge: (charge.paid_at, charge.pk),
            reverse=True,
        )
        available = {charge.pk: charge.amount_cents for charge in charges}
        for row in payments:
            if (
                row.kind == Payment.Kind.REFUND
                and row.status == Payment.Status.SUCCEEDED
                and row.refund_of_id in available
            ):
                available[row.refund_of_id] -= row.amount_cents
        refundable = sum(available.values())
        if refundable <= 0:
            raise Conflict(f"Order {order.number} has nothing left to refund.", code=error_codes.ORDER_CONFLICT)
        amount = refundable if amount_cents is None else amount_cents
        if amount > refundable:
            raise Conflict(
                f"The refund {format_usd_cents(amount)} is more than the "
                f"{format_usd_cents(refundable)} still refundable.",
                code=error_codes.ORDER_CONFLICT,
            )
        remaining = amount
        rows = []
        for charge in charges:
            take = min(remaining, available[charge.pk])
            if take <= 0:
                continue
            attempt = sum(1 for row in payments if row.refund_of_id == charge.pk) + 1
            result = backend.refund(
                payment_intent_id=charge.payment_intent_id,
                amount_cents=take,
                idempotency_key=f"refund-{charge.pk}-{attempt}",
                metadata={"order_number": order.number, "payment_id": charge.pk},
            )
            failed = result.status in ("failed", "canceled")
            rows.append(
                _refund_row(
                    order,
                    charge,
                    amount_cents=take,
                    status=Payment.Status.FAILED if failed else Payment.Status.SUCCEEDED,
                    refund_id=result.refund_id,
                    reason=reason,
                    actor=actor,
                )
            )
            remaining -= take
            if remaining == 0:
                break
        _record_refund(order, rows, actor=actor, reason=reason)
    return order


# --- Provider callbacks (webhook) and sweeps -------------------------------------------------------


def _lock_payment(**lookup) -> tuple[Order, Payment] | None:
    """Order then payment, always in that order, so services and webhooks cannot deadlock."""
    ref = Payment.objects.filter(**lookup).values("pk", "order_id").first()
    if ref is None:
        return None
    order = lock_order(ref["order_id"])
    return order, Payment.objects.select_for_update().get(pk=ref["pk"])


def _flag(order: Order, payment: Payment, reason: str, data: dict) -> str:
    payment.status = Payment.Status.FLAGGED
    payment.flagged_reason = reason[:300]
    payment.save()
    record_event(order, OrderEvent.Kind.PAYMENT_FLAGGED, data={"payment": payment.pk, "reason": reason, **data})
    return f"flagged: {reason}"


def settle_checkout(*, session_id: str, amount_total, currency, payment_intent_id: str = "") -> str:
    """A Checkout session was paid. Advance the order once; anything unexpected is flagged for staff."""
    with transaction.atomic():
        locked = _lock_payment(session_id=session_id, kind=Payment.Kind.CHARGE)
        if locked is None:
            return "unknown session"
        order, payment = locked
        if payment.status in (Payment.Status.PAID, Payment.Status.FLAGGED):
            return f"already {payment.status}"
        payment.payment_intent_id = payment_intent_id or payment.payment_intent_id
        data = {"amount_total": amount_total, "currency": currency, "session": session_id}
        if amount_total != payment.amount_cents or (currency or "").lower() != payment.currency:
            return _flag(
                order,
                payment,
                f"Paid {amount_total} {currency}, expected {payment.amount_cents} {payment.currency}.",
                data,
            )
        stale_quote = payment.stage == Payment.Stage.ITEMS and payment.quote_version != order.quote_version
        if order.status != PAYABLE_STATUS[payment.stage] or stale_quote:
            # Money arrived for an order that moved on (cancelled, or paid through another session).
            return _flag(order, payment, f"Paid while the order was {order.status}; refund needed.", data)
        payment.status = Payment.Status.PAID
        payment.paid_at = timezone.now()
        payment.save()
        transition(
            order,
            PAID_STATUS[payment.stage],
            PAID_EVENT[payment.stage],
            actor=None,
            data={"payment": payment.pk, "amount_cents": payment.amount_cents},
        )
        _expire_sessions_on_commit(_close_open_sessions(order, stage=payment.stage))
    return "paid"


def close_checkout(*, session_id: str, status: str) -> str:
    """A session expired or its payment failed: record it if it was still open, else change nothing."""
    with transaction.atomic():
        locked = _lock_payment(session_id=session_id, kind=Payment.Kind.CHARGE)
        if locked is None:
            return "unknown session"
        order, payment = locked
        if payment.status != Payment.Status.OPEN:
            return f"already {payment.status}"
        _mark_closed(order, payment, status)
    return status


def _mark_closed(order: Order, payment: Payment, status: str) -> None:
    payment.status = status
    payment.save(update_fields=["status", "updated_at"])
    expired = status == Payment.Status.EXPIRED
    record_event(
        order,
        OrderEvent.Kind.PAYMENT_EXPIRED if expired else OrderEvent.Kind.PAYMENT_FAILED,
        data={"payment": payment.pk, "stage": payment.stage},
    )
    if order.status == PAYABLE_STATUS[payment.stage]:
        notify_payment(
            order,
            payment,
            title="Checkout expired" if expired else "Payment failed",
            message="Your checkout session expired; open a new one to pay."
            if expired
            else "Your payment did not go through; please try again.",
        )


def record_payment_failure(*, payment_id, payment_intent_id: str, message: str) -> str:
    """A card attempt failed inside a still-open session: log it and tell the customer, who may retry in the
    session (the webhook stores each event id once, so a redelivery does not notify twice)."""
    if not str(payment_id or "").isdigit():
        return "unknown payment"
    with transaction.atomic():
        locked = _lock_payment(pk=int(payment_id))
        if locked is None:
            return "unknown payment"
        order, payment = locked
        record_event(
            order,
            OrderEvent.Kind.PAYMENT_FAILED,
            data={"payment": payment.pk, "payment_intent": payment_intent_id, "message": message[:200]},
        )
        if payment.status == Payment.Status.OPEN and order.status == PAYABLE_STATUS[payment.stage]:
            reason = message.strip()[:200].rstrip(".")
            notify_payment(
                order,
                payment,
                title="Payment failed",
                message=f"Your card payment did not go through{f' ({reason})' if reason else ''}. "
                "You can try again on the same checkout page.",
            )
    return "failure recorded"


def record_provider_refund(*, payment_intent_id: str, amount_refunded: int, refunds: list[tuple[str, int]] = ()) -> str:
    """A refund made at the provider (e.g. in the Stripe dashboard), from the charge's cumulative refunded amount.

    Refunds the event lists (id, amount) that the ledger lacks are added under their own id; what the cumulative
    amount still exceeds the ledger by is added as one row. The ledger never goes past the cumulative amount, so
    duplicated or out-of-order deliveries add nothing twice.
    """
    if not payment_intent_id:
        return "no payment intent"
    with transaction.atomic():
        locked = _lock_payment(payment_intent_id=payment_intent_id, kind=Payment.Kind.CHARGE)
        if locked is None:
            return "unknown charge"
        order, charge = locked
        recorded = (
            charge.refunds.filter(status=Payment.Status.SUCCEEDED).aggregate(total=Sum("amount_cents"))["total"] or 0
        )
        known = Payment.objects.filter(refund_id__in=[refund_id for refund_id, _ in refunds])
        known = set(known.values_list("refund_id", flat=True))
        listed = {refund_id: amount for refund_id, amount in refunds if refund_id not in known}
        rows = []
        for refund_id, amount in [*listed.items(), (None, amount_refunded)]:
            take = min(amount, amount_refunded - recorded)
            if take > 0:
                rows.append(
                    _refund_row(
                        order,
                        charge,
                        amount_cents=take,
                        status=Payment.Status.SUCCEEDED,
                        refund_id=refund_id,
                        reason="Refunded at the payment provider.",
                    )
                )
                recorded += take
        if not rows:
            return "already recorded"
        _record_refund(order, rows, actor=None, reason="", data={"source": "provider", "payment": charge.pk})
    return "refund recorded"


def record_refund_failure(*, refund_id: str, reason: str = "") -> str:
    """A recorded refund failed at the provider later (e.g. a closed card): the money was not returned, so the
    ledger row is flagged (it no longer counts as refunded) and the order waits on staff."""
    if not refund_id:
        return "unknown refund"
    with transaction.atomic():
        locked = _lock_payment(refund_id=refund_id, kind=Payment.Kind.REFUND)
        if locked is None:
            return "unknown refund"
        order, refund = locked
        if refund.status != Payment.Status.SUCCEEDED:
            return f"already {refund.status}"
        why = f" ({reason})" if reason else ""
        return _flag(order, refund, f"Refund failed at the provider{why}; the money was not returned.", {})


def expire_stale_checkouts(*, now=None) -> int:
    """Mark open sessions past their expiry as expired (Stripe's own expiry event may be late or lost)."""
    now = now or timezone.now()
    count = 0
    for payment_id in Payment.objects.filter(status=Payment.Status.OPEN, expires_at__lt=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            order, payment = _lock_payment(pk=payment_id)
            if payment.status == Payment.Status.OPEN and payment.expires_at < now:
                _mark_closed(order, payment, Payment.Status.EXPIRED)
                count += 1
    return count
