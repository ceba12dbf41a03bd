"""Payment reads: what an order's ledger adds up to."""

from dataclasses import dataclass

from commerce.orders.models import Order
from commerce.orders.selectors import REFUNDABLE_STATUSES
from commerce.payments.models import Payment


@dataclass(frozen=True)
class PaymentTotals:
    paid_cents: int  # settled charges, items and delivery
    refunded_cents: int  # refunds of those charges that went through
    refundable_cents: int  # paid - refunded, the most further refunds may take; 0 where no refund is allowed


def payment_totals(order: Order) -> PaymentTotals:
    """What the order's ledger adds up to (uses prefetched payments). A flagged charge is money we did not accept:
    it and its refunds stay out of the totals, so refunding it never counts against the order."""
    payments = list(order.payments.all())
    paid = {p.pk: p.amount_cents for p in payments if p.kind == Payment.Kind.CHARGE and p.status == Payment.Status.PAID}
    refunded = sum(
        p.amount_cents
        for p in payments
        if p.kind == Payment.Kind.REFUND and p.status == Payment.Status.SUCCEEDED and p.refund_of_id in paid
    )
    refundable = sum(paid.values()) - refunded if order.status in REFUNDABLE_STATUSES else 0
    return PaymentTotals(sum(paid.values()), refunded, refundable)
