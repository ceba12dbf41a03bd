"""Checkout, refunds and the payment provider's callbacks. Each service locks the order row first
(`lock_order`), then its payment rows, writes the ledger and moves the order through `transition()`."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from bidangil.errors import Conflict, InvalidInput, ProviderError
from bidangil.i18n import lazy_strip
from bidangil.leases import leased
from bidangil.money import format_usd_cents
from commerce import error_codes
from commerce.orders import pricing
from commerce.orders.models import Order, OrderEvent
from commerce.orders.selectors import REFUNDABLE_STATUSES
from commerce.orders.services import lock_order, lock_parcel_orders, record_event, titled, transition
from commerce.orders.steps import current_step
from commerce.payments.models import Payment
from commerce.payments.selectors import payment_totals
from integrations.backends import get_backend
from integrations.payments import CheckoutLine, CheckoutRequest
from notifications.models import Notification
from notifications.services import notify

logger = logging.getLogger(__name__)

PAYABLE_STATUS = {Payment.Stage.ITEMS: Order.Status.QUOTED, Payment.Stage.DELIVERY: Order.Status.DELIVERY_QUOTED}
PAID_STATUS = {Payment.Stage.ITEMS: Order.Status.ITEMS_PAID, Payment.Stage.DELIVERY: Order.Status.DELIVERY_PAID}
PAID_EVENT = {Payment.Stage.ITEMS: OrderEvent.Kind.ITEMS_PAID, Payment.Stage.DELIVERY: OrderEvent.Kind.DELIVERY_PAID}


def notify_payment(order: Order, payment: Payment, *, title, message) -> None:
    """Tell the customer about a payment; `title` and `message` are lazy texts, written in the customer's language."""
    notify(
        order.user_id,
        Notification.Type.ORDER_PAYMENT,
        {
            "order": order.number,
            "status": order.status,
            "stage": payment.stage,
            "payment_status": payment.status,
            "step": current_step(order.status),
            "title": titled(title, order),
            "message": message,
        },
        email=True,
    )


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


# --- Customer and staff ----------------------------------------------------------------------------


def cancel_order(*, order_id: int, actor, reason: str = "") -> Order:
    """Cancel an order no money was taken for (requested or quoted); a paid order is refunded instead."""
    with transaction.atomic():
        order = lock_order(order_id)
        if order.status in REFUNDABLE_STATUSES:
            raise Conflict(
                _("Order %(number)s has been paid; refund it instead of cancelling.") % {"number": order.number},
                code=error_codes.ORDER_PAID,
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


def start_checkout(*, order_id: int, stage: str, return_url: str | None = None) -> Payment:
    """The open Checkout session for a stage, creating one if none is open (idempotent per quote version).

    The payer returns to `return_url` (default: settings.CHECKOUT_RETURN_URL for the order); an open session
    keeps the return page it was created with.
    """
    if stage not in PAYABLE_STATUS:
        raise InvalidInput(
            _("stage must be 'items' or 'delivery'."), fields={"stage": [_("Choose items or delivery.")]}
        )
    backend = get_backend("payments")
    now = timezone.now()
    with transaction.atomic():
        if stage == Payment.Stage.ITEMS:
            order = lock_order(order_id, "user")
            order.require_status(PAYABLE_STATUS[stage])
            amount = order.total_cents
            lines = [CheckoutLine(line["label"], line["amount_cents"]) for line in order.quote_lines]
        else:
            # One delivery fee per parcel, paid on its lead order whichever of its orders the customer opened.
            orders = lock_parcel_orders(order_id)
            for each in orders:
                each.require_status(PAYABLE_STATUS[stage])
            order = orders[0]
            if order.delivery_fee_cents is None:
                raise Conflict(
                    _("Order %(number)s has no delivery fee yet.") % {"number": order.number},
                    code=error_codes.ORDER_CONFLICT,
                )
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
            return_url=return_url or settings.CHECKOUT_RETURN_URL.format(number=order.number),
        )
        session = backend.create_checkout_session(
            CheckoutRequest(
                payment_id=payment.pk,
                order_number=order.number,
                stage=stage,
                currency="usd",
                lines=lines,
                expires_at=expires_at,
                success_url=payment.checkout_return("success"),
                cancel_url=payment.checkout_return("cancelled"),
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
            title=_lazy("Refund issued"),
            message=lazy_strip(
                format_lazy(
                    _lazy("We refunded {refund} to your card. {reason}"), refund=format_usd_cents(amount), reason=reason
                )
            ),
        )


def refund_order(*, order_id: int, actor, reason: str, amount_cents: int | None = None) -> Order:
    """Refund a paid order through the payment provider, in full (amount omitted) or in part.

    The most a refund may take is what was paid (items and delivery charges) less what was refunded. Refunds
    are taken from the latest charge first, one provider refund and ledger row per charge. Only a refund that
    leaves nothing refundable ends the order as `refunded`; after a partial one the workflow goes on.
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give a reason."), fields={"reason": [_("This field is required.")]})
    if amount_cents is not None and amount_cents <= 0:
        raise InvalidInput(_("The refund amount must be positive."), fields={"amount_cents": [_("Must be positive.")]})
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
            raise Conflict(
                _("Order %(number)s has nothing left to refund.") % {"number": order.number},
                code=error_codes.ORDER_CONFLICT,
            )
        amount = refundable if amount_cents is None else amount_cents
        if amount > refundable:
            raise Conflict(
                _("The refund %(amount)s is more than the %(refundable)s still refundable.")
                % {"amount": format_usd_cents(amount), "refundable": format_usd_cents(refundable)},
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
        orders = [order]
        if payment.stage == Payment.Stage.DELIVERY and order.parcel_id:
            # The other orders of the parcel (higher primary keys than its lead: the same lock order as checkout).
            orders += list(
                Order.objects.select_for_update().filter(parcel_id=order.parcel_id).exclude(pk=order.pk).order_by("pk")
            )
        moved = next((each for each in orders if each.status != PAYABLE_STATUS[payment.stage]), None)
        if moved is not None or stale_quote:
            # Money arrived for an order that moved on (cancelled, split, or paid through another session).
            moved = moved or order
            which = "the order" if moved is order else f"order {moved.number}"
            return _flag(order, payment, f"Paid while {which} was {moved.status}; refund needed.", data)
        payment.status = Payment.Status.PAID
        payment.paid_at = timezone.now()
        payment.save()
        for each in orders:
            transition(
                each,
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
            title=_lazy("Checkout expired") if expired else _lazy("Payment failed"),
            message=_lazy("Your checkout session expired; open a new one to pay.")
            if expired
            else _lazy("Your payment did not go through; please try again."),
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
                title=_lazy("Payment failed"),
                message=format_lazy(
                    _lazy(
                        "Your card payment did not go through ({reason}). You can try again on the same checkout page."
                    )
                    if reason
                    else _lazy("Your card payment did not go through. You can try again on the same checkout page."),
                    reason=reason,
                ),
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


@leased("payments.expire-checkouts")
def expire_stale_checkouts(*, now=None) -> int | None:
    """Mark open sessions past their expiry as expired (Stripe's own expiry event may be late or lost), and
    expire, here and at the provider, the open sessions of orders no longer payable at that stage (a
    consolidated parcel split before its fee was paid).

    Runs under the `payments.expire-checkouts` lease: None while another run holds it."""
    now = now or timezone.now()
    not_payable = Q()
    for stage, status in PAYABLE_STATUS.items():
        not_payable |= Q(stage=stage) & ~Q(order__status=status)
    count = 0
    for payment_id in Payment.objects.filter(
        Q(expires_at__lt=now) | not_payable, status=Payment.Status.OPEN, kind=Payment.Kind.CHARGE
    ).values_list("pk", flat=True):
        with transaction.atomic():
            order, payment = _lock_payment(pk=payment_id)
            if payment.status != Payment.Status.OPEN:
                continue
            if payment.expires_at is None or payment.expires_at >= now:
                if order.status == PAYABLE_STATUS[payment.stage]:
                    continue
                _expire_sessions_on_commit([payment])
            _mark_closed(order, payment, Payment.Status.EXPIRED)
            count += 1
    return count
