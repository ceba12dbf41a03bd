"""Every order state change. Each service locks the order row, checks its state, writes the change and
one OrderEvent, and queues notifications on commit. Illegal transitions raise Conflict (HTTP 409)."""

import logging
import secrets
from collections import Counter
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import Address
from bidangil import jobs
from bidangil.errors import Conflict, InvalidInput
from bidangil.i18n import lazy_strip
from bidangil.money import format_usd_cents
from commerce import error_codes, limits
from commerce.orders import pages, pricing
from commerce.orders.models import (
    ExchangeRate,
    HsCategory,
    Order,
    OrderEvent,
    OrderItem,
    OrderStatusCount,
    RestrictedItemRule,
)
from commerce.orders.steps import current_step
from integrations.backends import get_backend
from notifications.models import Notification
from notifications.services import notify, notify_many

logger = logging.getLogger(__name__)

# Statuses in which nothing is owed either way: the only ones an account may be closed with.
FINISHED_STATUSES = (Order.Status.DELIVERED, Order.Status.REJECTED, Order.Status.CANCELLED, Order.Status.REFUNDED)

STATUS_MESSAGES = {
    Order.Status.REQUESTED: (
        _lazy("Order request received"),
        _lazy("We received your order request and will send a quote soon."),
    ),
    Order.Status.QUOTED: (
        _lazy("Your quote is ready"),
        _lazy("Your quote is ready: {total}. Pay it to let us buy your items."),
    ),
    Order.Status.REJECTED: (_lazy("Order request declined"), _lazy("We cannot take this order: {reason}")),
    Order.Status.ITEMS_PAID: (
        _lazy("Payment received"),
        _lazy("Thank you, your payment was received. We are buying your items."),
    ),
    Order.Status.PURCHASED: (
        _lazy("Items purchased"),
        _lazy("We bought your items; they are on their way to our warehouse."),
    ),
    Order.Status.DELIVERY_QUOTED: (
        _lazy("Your parcel is at our warehouse"),
        _lazy("Your parcel arrived at our warehouse. The international delivery fee is {delivery}."),
    ),
    Order.Status.DELIVERY_PAID: (_lazy("Delivery fee paid"), _lazy("Thank you, we will ship your parcel shortly.")),
    Order.Status.SHIPPED: (
        _lazy("Your parcel is on its way"),
        _lazy("Your parcel has shipped. Follow it in your order page."),
    ),
    Order.Status.DELIVERED: (_lazy("Delivered"), _lazy("Your parcel has been delivered. Enjoy!")),
    Order.Status.CANCELLED: (_lazy("Order cancelled"), _lazy("Your order has been cancelled. {reason}")),
    Order.Status.REFUNDED: (_lazy("Order refunded"), _lazy("We refunded {refund} to your card. {reason}")),
}


# --- Building blocks (public: the shipping services use them too) -------------------------------


def record_event(order: Order | list[Order], kind: str, *, actor=None, data: dict | list[dict] | None = None):
    """Append one entry to the order's event log. Given a list of orders (and of `data`, one per order), one
    entry to each order's log with one INSERT; a list of one is saved like a single order."""
    if not isinstance(order, list):
        return OrderEvent.objects.create(order=order, kind=kind, actor=actor, data=data or {})
    datas = data if isinstance(data, list) else [data] * len(order)
    if len(order) == 1:
        return [record_event(order[0], kind, actor=actor, data=datas[0])]
    rows = [
        OrderEvent(order=one, kind=kind, actor=actor, data=extra or {}) for one, extra in zip(order, datas, strict=True)
    ]
    pages.changed(orders=order)  # bulk_create sends no signals
    return OrderEvent.objects.bulk_create(rows)


def _order_status_payload(order: Order, *, reason: str = "", refund_cents: int | None = None) -> dict:
    """The customer's notification of the order's current status (lazy texts: stored in their language)."""
    title, template = STATUS_MESSAGES[order.status]
    message = format_lazy(
        template,
        total=format_usd_cents(order.total_cents),
        delivery=format_usd_cents(order.delivery_fee_cents),
        reason=reason or order.status_reason,
        refund=format_usd_cents(refund_cents),
    )
    return {
        "order": order.number,
        "status": order.status,
        "step": current_step(order.status),
        "title": titled(title, order),
        "message": lazy_strip(message),
    }


def _notify_order_status(order: Order, *, reason: str = "", refund_cents: int | None = None) -> None:
    """Tell the customer about the order's current status (inbox + push + email, all on commit)."""
    payload = _order_status_payload(order, reason=reason, refund_cents=refund_cents)
    notify(order.user_id, Notification.Type.ORDER_STATUS, payload, email=True)


def titled(title, order: Order):
    """A lazy notification title followed by the order number: "Payment received (BD…)"."""
    return format_lazy("{} ({})", title, order.number)


def lock_order(order_id: int, *related: str) -> Order:
    """The order row, locked until the transaction ends: every state change starts here."""
    return Order.objects.select_for_update().select_related(*related).get(pk=order_id)


def lock_parcel_orders(order_id: int) -> list[Order]:
    """The order and every order sharing its parcel, locked in primary-key order; the first is the parcel's lead
    (the order its delivery payment is recorded on). Services that touch a parcel lock through here, so two of
    them always take the rows in the same order."""
    parcel_id = Order.objects.filter(pk=order_id).values_list("parcel_id", flat=True).get()
    if parcel_id is None:
        order = lock_order(order_id)
        if order.parcel_id is None:
            return [order]
        parcel_id = order.parcel_id  # consolidated meanwhile: take the parcel's rows in order (already holding one)
    orders = list(Order.objects.select_for_update().filter(parcel_id=parcel_id).order_by("pk"))
    if order_id not in {order.pk for order in orders}:  # split meanwhile: the order is on its own now
        return [lock_order(order_id)]
    return orders


def transition(
    order: Order | list[Order],
    status: str,
    kind: str,
    *,
    actor=None,
    data: dict | list[dict] | None = None,
    reason: str = "",
    also_save: tuple[str, ...] = (),
) -> None:
    """Move a locked order to `status`: save it (with the `also_save` fields), log the event, tell the customer.

    The only code that writes Order.status; call it inside the transaction that holds lock_order().
    Given a list of locked orders (and a list of `data`, one per order), it moves them all with one
    UPDATE, one INSERT of events and one of notifications, whatever their number.
    """
    orders = order if isinstance(order, list) else [order]
    datas = data if isinstance(data, list) else [data] * len(orders)
    moves = Counter({status: len(orders)})
    moves.subtract(Counter(each.status for each in orders))
    count_orders(moves)
    fields = ["status", "status_reason", "updated_at", *also_save]
    if len(orders) == 1:
        order = orders[0]
        order.status = status
        if reason:
            order.status_reason = reason
        order.save(update_fields=fields)
        record_event(order, kind, actor=actor, data={"status": status, **(datas[0] or {})})
        _notify_order_status(order, reason=reason, refund_cents=(datas[0] or {}).get("amount_cents"))
        return
    now = timezone.now()
    for each in orders:
        each.status = status
        each.updated_at = now  # neither update() nor bulk_update applies auto_now
        if reason:
            each.status_reason = reason
    if also_save:
        Order.objects.bulk_update(orders, fields)
    else:  # the same values for every order: one plain UPDATE, not a CASE per row
        values = {"status": status, "updated_at": now, **({"status_reason": reason} if reason else {})}
        Order.objects.filter(pk__in=[each.pk for each in orders]).update(**values)
    record_event(orders, kind, actor=actor, data=[{"status": status, **(extra or {})} for extra in datas])
    notify_many(
        [
            (
                each.user_id,
                Notification.Type.ORDER_STATUS,
                _order_status_payload(each, reason=reason, refund_cents=(extra or {}).get("amount_cents")),
            )
            for each, extra in zip(orders, datas, strict=True)
        ],
        email=True,
    )


def count_orders(moves: Counter) -> None:
    """Add each status's change in number of orders to OrderStatusCount (one UPDATE per status that changed),
    in the caller's transaction; rows are updated in status order, so two writers never lock them crosswise."""
    for status, delta in sorted(moves.items()):
        if delta and not OrderStatusCount.objects.filter(status=status).update(count=F("count") + delta):
            OrderStatusCount.objects.get_or_create(status=status)  # the status's first order
            OrderStatusCount.objects.filter(status=status).update(count=F("count") + delta)


def rebuild_order_counts() -> None:
    """Recount OrderStatusCount from the orders (after bulk loads, or to repair a count)."""
    with transaction.atomic():
        counts = dict(Order.objects.order_by().values_list("status").annotate(n=Count("pk")))
        OrderStatusCount.objects.all().delete()
        OrderStatusCount.objects.bulk_create(
            OrderStatusCount(status=status, count=counts.get(status, 0)) for status in Order.Status.values
        )


def _new_order_number() -> str:
    return f"BD{timezone.now():%y%m%d}-{secrets.token_hex(3).upper()}"


# --- Customer -------------------------------------------------------------------------------------


def create_order(*, user, items: list[dict], address_id: int | None = None, address: dict | None = None, note=""):
    """A new order request: snapshot the address, capture today's exchange rate, store the items."""
    if not limits.ORDER_MIN_ITEMS <= len(items) <= limits.ORDER_MAX_ITEMS:
        bounds = {"min": limits.ORDER_MIN_ITEMS, "max": limits.ORDER_MAX_ITEMS}
        raise InvalidInput(
            _("An order has %(min)s to %(max)s items.") % bounds,
            fields={"items": [_("%(min)s to %(max)s items.") % bounds]},
        )
    if (address_id is None) == (address is None):
        raise InvalidInput(_("Give either address_id or address."), fields={"address": [_("Give exactly one.")]})
    if address_id is not None:
        saved = Address.objects.filter(user=user, pk=address_id).first()
        if saved is None:
            raise InvalidInput(_("No such address."), fields={"address_id": [_("No such address.")]})
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
            raise Conflict(_("Could not allocate an order number; try again."), code=error_codes.ORDER_CONFLICT)
        count_orders(Counter({Order.Status.REQUESTED: 1}))
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
        transition(order, Order.Status.REQUESTED, OrderEvent.Kind.REQUESTED, actor=user, data={"items": len(items)})
        jobs.enqueue_on_commit("products.item-names", order.pk)
    return order


# --- Staff ----------------------------------------------------------------------------------------


def suggested_category(item, categories: list[HsCategory]) -> HsCategory | None:
    """The first HS code category with a keyword in the item's URL, name or options."""
    text = " ".join([item.url, item.name, item.options]).casefold()
    return next((c for c in categories if any(word in text for word in c.keyword_list())), None)


def restricted_by_hs_chapter(hs_code: str, rules: list[RestrictedItemRule]) -> RestrictedItemRule | None:
    """The active rule restricting the HS chapter (first two digits) of `hs_code`, if any."""
    return next((rule for rule in rules if rule.hs_chapter and hs_code[:2] == rule.hs_chapter), None)


def restricted_matches(items) -> dict[int, str]:
    """Item id -> reason for every item whose URL, name, options or note contains an active rule keyword, or whose
    suggested HS code category falls in a chapter an active rule restricts."""
    rules = list(RestrictedItemRule.objects.filter(active=True))
    categories = list(HsCategory.objects.all()) if any(rule.hs_chapter for rule in rules) else []
    matches = {}
    for item in items:
        text = " ".join([item.url, item.name, item.options, item.note]).casefold()
        for rule in rules:
            if rule.keyword.casefold() in text:
                matches[item.pk] = f"{rule.keyword}: {rule.reason}"
                break
        else:
            category = suggested_category(item, categories)
            rule = category and restricted_by_hs_chapter(category.hs_code, rules)
            if rule:
                matches[item.pk] = f"HS {rule.hs_chapter} ({category.name}): {rule.reason}"
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
            errors.append(_("Item %(id)s: quantity must be between 1 and 99.") % {"id": line.id})
        for field in ("options", "name"):
            value = getattr(line, field)
            if value is not None and (not isinstance(value, str) or len(value) > ITEM_CORRECTIONS[field]):
                errors.append(
                    _("Item %(id)s: %(field)s must be text of at most %(limit)s characters.")
                    % {"id": line.id, "field": field, "limit": ITEM_CORRECTIONS[field]}
                )
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


# What quoting writes on the order, saved with its move to `quoted`.
QUOTE_FIELDS = (
    "items_subtotal_krw",
    "domestic_shipping_krw",
    "agency_fee_krw",
    "card_fee_krw",
    "total_krw",
    "total_cents",
    "quote_lines",
    "quote_note",
    "quote_version",
    "quoted_at",
)


def quote_order(*, order_id: int, actor, items: list, domestic_shipping_krw: int, note: str = "") -> Order:
    """Price a requested order and send the quote. Restricted items stay on the order but are not charged.

    `items` are QuoteItem (or dicts with id, unit_price_krw, restricted and the optional corrections
    quantity, options, name); every order item must be priced. When `restricted` is omitted, the
    restricted-item rules decide (after the corrections). Corrected fields are recorded in the QUOTED event.
    """
    lines = [item if isinstance(item, QuoteItem) else QuoteItem(**item) for item in items]
    if domestic_shipping_krw < 0 or any(line.unit_price_krw < 0 for line in lines):
        raise InvalidInput(_("Prices must not be negative."))
    _check_corrections(lines)
    with transaction.atomic():
        order = lock_order(order_id, "exchange_rate")
        order.require_status(Order.Status.REQUESTED)
        order_items = {item.pk: item for item in order.items.all()}
        given = {line.id: line for line in lines}
        if len(given) != len(lines) or set(given) != set(order_items):
            raise InvalidInput(
                _("Price every item of the order exactly once."),
                fields={"items": [_("Price every item exactly once.")]},
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
            raise InvalidInput(_("Every item is restricted; reject the order instead."))
        quote = pricing.quote_items(
            priced, domestic_shipping_krw=domestic_shipping_krw, krw_per_usd=order.exchange_rate.krw_per_usd
        )
        if not pricing.MIN_CHARGE_CENTS <= quote.total_cents <= pricing.MAX_CHARGE_CENTS:
            raise InvalidInput(
                _("The total %(total)s is outside what a card payment can take (%(min)s to %(max)s).")
                % {
                    "total": format_usd_cents(quote.total_cents),
                    "min": format_usd_cents(pricing.MIN_CHARGE_CENTS),
                    "max": format_usd_cents(pricing.MAX_CHARGE_CENTS),
                }
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
        transition(
            order,
            Order.Status.QUOTED,
            OrderEvent.Kind.QUOTED,
            actor=actor,
            also_save=QUOTE_FIELDS,
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
        raise InvalidInput(_("Write a note."), fields={"note": [_("This field is required.")]})
    with transaction.atomic():
        order = lock_order(order_id)
        record_event(order, OrderEvent.Kind.NOTE, actor=actor, data={"note": note[:1000]})
    return order


def reject_order(*, order_id: int, actor, reason: str) -> Order:
    """Decline an order request (only before it is quoted)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give a reason."), fields={"reason": [_("This field is required.")]})
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
    still owed and needs the address. The shipping address keeps only its country; the customer's notes are
    erased; each order gets an `account_closed` event. Call inside the closing transaction (the parcel photos
    go with `commerce.shipping.services.erase_parcel_photos`).
    """
    orders = list(Order.objects.select_for_update().filter(user=user).order_by("pk"))
    open_numbers = [order.number for order in orders if order.status not in FINISHED_STATUSES]
    if open_numbers:
        raise Conflict(
            _("Orders in progress: %(join)s. Cancel them or wait until they are finished, then close the account.")
            % {"join": ", ".join(open_numbers)},
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
    pages.changed(users=[user])
