"""Warehouse intake, delivery fee, shipping and carrier tracking: the services behind staff actions and the poll job.

Each transition locks the order (`select_for_update`), checks its state, writes one OrderEvent and
notifies the customer on commit. Bad input raises `InvalidInput` (400) before anything is written.
"""

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_CEILING, Decimal, InvalidOperation

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from bidangil.errors import Conflict, InvalidInput, NotFound, ProviderError
from bidangil.images import CleanImage, ImageRefused, ImageTooLarge, clean_image
from bidangil.leases import leased
from bidangil.money import format_usd_cents
from commerce import error_codes, limits
from commerce.orders import pages
from commerce.orders.models import HS_CODE_PATTERN, HsCategory, Order, OrderEvent, RestrictedItemRule
from commerce.orders.services import (
    lock_parcel_orders,
    record_event,
    restricted_by_hs_chapter,
    suggested_category,
    titled,
    transition,
)
from commerce.orders.steps import current_step
from commerce.shipping.models import CustomsLine, DeliveryRate, Parcel, ParcelPhoto, Shipment, ShipmentEvent
from integrations.backends import get_backend
from integrations.carriers import (
    CarrierError,
    CarrierRefused,
    Commodity,
    ParcelSpec,
    PostalAddress,
    Status,
    TrackEvent,
    TrackResult,
    normalize_tracking_number,
    status_category,
)
from notifications.models import Notification
from notifications.services import notify, notify_many

logger = logging.getLogger(__name__)

MAX_WEIGHT_G = limits.PARCEL_MAX_WEIGHT_G
MAX_SIDE_CM = limits.PARCEL_MAX_SIDE_CM
MIN_SIDE_CM = limits.PARCEL_MIN_SIDE_CM
# Volumetric weight: L×W×H cm / 5000 = kg, i.e. cm³ / 5 = grams.
VOLUMETRIC_DIVISOR_G = 5
MAX_PHOTOS = limits.PARCEL_MAX_PHOTOS
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")
MAX_NOTES = limits.NOTE_MAX_LENGTH


# --- Delivery fee --------------------------------------------------------------------------------


def volumetric_weight_g(length_cm: Decimal, width_cm: Decimal, height_cm: Decimal) -> int:
    """L×W×H/5000 kg in grams, rounded up to the gram."""
    grams = Decimal(length_cm) * Decimal(width_cm) * Decimal(height_cm) / VOLUMETRIC_DIVISOR_G
    return int(grams.to_integral_value(rounding=ROUND_CEILING))


def billable_weight_g(weight_g: int, length_cm: Decimal, width_cm: Decimal, height_cm: Decimal) -> int:
    """The larger of the actual and the volumetric weight."""
    return max(int(weight_g), volumetric_weight_g(length_cm, width_cm, height_cm))


def delivery_fee_cents(country: str, billable_weight_g: int) -> int:
    """Price in USD cents of the lightest band of `country` that covers `billable_weight_g`.

    Raises InvalidInput when the country has no rates or the parcel is heavier than its last band.
    """
    country = (country or "").strip().upper()
    band = (
        DeliveryRate.objects.filter(country=country, max_weight_g__gte=billable_weight_g)
        .order_by("max_weight_g")
        .values_list("price_cents", flat=True)
        .first()
    )
    if band is None:
        if DeliveryRate.objects.filter(country=country).exists():
            message = _("No delivery rate to %(country)s covers %(billable_weight_g)s g; add a heavier band.") % {
                "country": country,
                "billable_weight_g": billable_weight_g,
            }
        else:
            message = (
                _("There are no delivery rates for %(country)s; add them under Shipping.") % {"country": country}
                if country
                else _("There are no delivery rates for this country; add them under Shipping.")
            )
        raise InvalidInput(message, code=error_codes.NO_DELIVERY_RATE)
    return band


# --- Intake ---------------------------------------------------------------------------------------


def _clean_weight(weight_g) -> int:
    try:
        value = Decimal(str(weight_g))
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite() or value != value.to_integral_value():
        raise InvalidInput(_("Weight must be a whole number of grams."), fields={"weight_g": [_("Enter whole grams.")]})
    if not 1 <= value <= MAX_WEIGHT_G:
        raise InvalidInput(
            _("Weight must be between 1 and %(max_weight_g)s g.") % {"max_weight_g": MAX_WEIGHT_G},
            fields={"weight_g": [_("Between 1 and %(max_weight_g)s g.") % {"max_weight_g": MAX_WEIGHT_G}]},
        )
    return int(value)


def _clean_side(name: str, value) -> Decimal:
    try:
        side = Decimal(str(value))
    except (InvalidOperation, ValueError):
        side = None
    if side is None or not side.is_finite():
        raise InvalidInput(
            _("%(name)s must be a number of centimetres.") % {"name": name}, fields={name: [_("Enter centimetres.")]}
        )
    if not MIN_SIDE_CM <= side <= MAX_SIDE_CM:
        raise InvalidInput(
            _("%(name)s must be between %(min_side_cm)s and %(max_side_cm)s cm.")
            % {"name": name, "min_side_cm": MIN_SIDE_CM, "max_side_cm": MAX_SIDE_CM},
            fields={
                name: [
                    _("Between %(min_side_cm)s and %(max_side_cm)s cm.")
                    % {"min_side_cm": MIN_SIDE_CM, "max_side_cm": MAX_SIDE_CM}
                ]
            },
        )
    return side.quantize(Decimal("0.1"), rounding=ROUND_CEILING)


def validate_photos(photos: Iterable) -> list[CleanImage]:
    """Each photo must be a JPEG/PNG/WebP image, at most MAX_IMAGE_UPLOAD_BYTES; ≤ 10 photos. Returns them re-encoded
    (EXIF and other metadata dropped), in order."""
    photos = list(photos or ())
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput(
            _("At most %(max_photos)s photos per parcel.") % {"max_photos": MAX_PHOTOS},
            fields={"photos": [_("At most %(max_photos)s.") % {"max_photos": MAX_PHOTOS}]},
        )
    limit = settings.MAX_IMAGE_UPLOAD_BYTES
    cleaned = []
    for index, photo in enumerate(photos, start=1):
        name = getattr(photo, "name", None) or f"photo {index}"
        if photo.size > limit:
            raise InvalidInput(
                _("%(name)s is larger than %(limit)s MB.") % {"name": name, "limit": limit // (1024 * 1024)},
                code=error_codes.TOO_LARGE,
                fields={
                    "photos": [
                        _("%(name)s: larger than %(limit)s MB.") % {"name": name, "limit": limit // (1024 * 1024)}
                    ]
                },
            )
        try:
            cleaned.append(clean_image(photo, PHOTO_FORMATS))
        except ImageTooLarge as exc:
            raise InvalidInput(
                _("%(name)s: %(exc)s") % {"name": name, "exc": exc},
                code=error_codes.TOO_LARGE,
                fields={"photos": [_("%(name)s: %(exc)s") % {"name": name, "exc": exc}]},
            ) from exc
        except ImageRefused:
            raise InvalidInput(
                _("%(name)s is not a JPEG, PNG or WebP image.") % {"name": name},
                fields={"photos": [_("%(name)s: not a JPEG, PNG or WebP image.") % {"name": name}]},
            ) from None
    return cleaned


def record_intake(
    *,
    order_id: int,
    actor,
    weight_g,
    length_cm,
    width_cm,
    height_cm,
    notes: str = "",
    photos: Sequence = (),
) -> Order:
    """Warehouse received the parcel: store weight, dimensions and photos, quote the delivery fee.

    purchased → delivery_quoted. The fee is the carrier's rate for the measured parcel (FedEx Rate API), asked
    before any row is locked; when the carrier gives none (the dummy) or cannot be asked (logged, and named in the
    INTAKE event's `carrier_error`), the rate-table price of the billable weight (max of actual and volumetric)
    for the destination country. The event's `fee_source` says which priced it.
    """
    weight = _clean_weight(weight_g)
    sides = {
        name: _clean_side(name, value)
        for name, value in (("length_cm", length_cm), ("width_cm", width_cm), ("height_cm", height_cm))
    }
    notes = (notes or "").strip()
    if len(notes) > MAX_NOTES:
        raise InvalidInput(
            _("Notes are limited to %(max_notes)s characters.") % {"max_notes": MAX_NOTES},
            fields={"notes": [_("Too long.")]},
        )
    photos = validate_photos(photos)
    billable = billable_weight_g(weight, **sides)
    carrier_fee, carrier_error = _carrier_rate(order_id, weight, sides)

    stored_files: list = []
    try:
        with transaction.atomic():
            orders = lock_parcel_orders(order_id)
            for each in orders:
                each.require_status(Order.Status.PURCHASED)
            lead = orders[0]
            if carrier_fee is None:
                fee = delivery_fee_cents((lead.shipping_address or {}).get("country", ""), billable)
            else:
                fee = carrier_fee
            parcel = lead.parcel or Parcel()
            parcel.weight_g = weight
            parcel.billable_weight_g = billable
            parcel.delivery_fee_cents = fee
            parcel.notes = notes
            parcel.received_by = actor
            parcel.received_at = timezone.now()
            for name, value in sides.items():
                setattr(parcel, name, value)
            parcel.save()
            for photo in photos:
                photo_row = ParcelPhoto(parcel=parcel)
                # The stored name's extension follows the real format; the name itself is random (upload_to).
                photo_row.image.save(f"photo.{photo.extension}", ContentFile(photo.content), save=False)
                stored_files.append(photo_row.image)
                photo_row.save()
            numbers = [each.number for each in orders]
            for each in orders:
                each.parcel = parcel
                each.delivery_fee_cents = fee
                transition(
                    each,
                    Order.Status.DELIVERY_QUOTED,
                    OrderEvent.Kind.INTAKE,
                    actor=actor,
                    data={
                        "weight_g": weight,
                        "billable_weight_g": billable,
                        "delivery_fee_cents": fee,
                        "fee_source": FEE_FROM_TABLE if carrier_fee is None else FEE_FROM_CARRIER,
                        **({"carrier_error": carrier_error} if carrier_error else {}),
                        "photos": len(photos),
                        "parcel": parcel.pk,
                        "orders": numbers,
                    },
                    also_save=("delivery_fee_cents", "parcel"),
                )
    except Exception:
        # The rows are rolled back; the files already written to storage must go too.
        for stored in stored_files:
            stored.delete(save=False)
        raise
    return next(each for each in orders if each.pk == order_id)


# --- Carrier rates and labels ---------------------------------------------------------------------

FEE_FROM_CARRIER = "carrier"
FEE_FROM_TABLE = "rate_table"
_ADDRESS_FIELDS = ("name", "phone", "line1", "line2", "city", "state", "postal_code", "country")


def _address(snapshot: dict | None) -> PostalAddress:
    return PostalAddress(**{key: str((snapshot or {}).get(key) or "") for key in _ADDRESS_FIELDS})


def parcel_spec(orders: Sequence[Order], *, weight_g: int, length_cm, width_cm, height_cm) -> ParcelSpec:
    """The parcel as the carrier needs it: from the warehouse to the lead order's address, printed with the order
    numbers, one customs line per charged item at what was paid for it (items loaded)."""
    paid = _paid_item_cents(orders)
    commodities = tuple(
        Commodity(
            description=(item.name or item.url)[:MAX_CUSTOMS_DESCRIPTION],
            quantity=item.quantity,
            unit_value_cents=max(1, round(paid[item.pk] / item.quantity)),
        )
        for order in orders
        for item in order.items.all()
        if not item.restricted and item.pk in paid
    )
    return ParcelSpec(
        reference=", ".join(order.number for order in orders),
        weight_g=weight_g,
        length_cm=Decimal(length_cm),
        width_cm=Decimal(width_cm),
        height_cm=Decimal(height_cm),
        shipper=_address(settings.WAREHOUSE_SHIPPER),
        recipient=_address(orders[0].shipping_address),
        commodities=commodities,
    )


def _parcel_orders(order_id: int) -> list[Order]:
    """The order and those sharing its parcel, lead first, with their items (read without locks)."""
    order = Order.objects.filter(pk=order_id).only("parcel_id").first()
    if order is None:
        return []
    rows = Order.objects.filter(parcel_id=order.parcel_id) if order.parcel_id else Order.objects.filter(pk=order_id)
    return list(rows.prefetch_related("items").order_by("pk"))


def _carrier_rate(order_id: int, weight_g: int, sides: dict) -> tuple[int | None, str]:
    """The carrier's price for the measured parcel, asked before any row is locked (the call may take seconds), and
    why there is none when the carrier could not be asked (logged; the rate table prices the parcel then)."""
    orders = _parcel_orders(order_id)
    if not orders:
        return None, ""
    try:
        quote = get_backend("carriers").rate(parcel_spec(orders, weight_g=weight_g, **sides))
    except CarrierError as exc:
        logger.warning("No carrier rate for order %s (%s); the rate table prices it", orders[0].number, exc)
        return None, str(exc)[:300]
    return (quote.amount_cents if quote else None), ""


def _lead_order_id(parcel_id: int) -> int:
    """The parcel's lead order (its lowest id), the one its locks start from; 404 for an unknown parcel."""
    order_id = (
        Order.objects.filter(parcel_id=parcel_id).order_by("pk").values_list("pk", flat=True).first()
        if parcel_id
        else None
    )
    if order_id is None:
        raise NotFound(_("No such parcel."))
    return order_id


def create_label(*, parcel_id: int, actor) -> Parcel:
    """Book the parcel's shipment at the carrier (FedEx Ship API) and ship its orders: the tracking number and the PDF
    label come back, the label is stored privately, and every order moves delivery_paid → shipped as with a typed
    number (`ship_order`). The carrier is called while the parcel's orders are locked, so two clicks cannot book
    twice. The carrier refusing the data is a 400 with its words; the carrier failing or not answering a 502 that
    tells staff to check FedEx before trying again (the Ship API is never retried after a timeout); nothing is
    written in either case."""
    order_id = _lead_order_id(parcel_id)
    stored = None
    try:
        with transaction.atomic():
            orders = lock_parcel_orders(order_id)
            parcel = _paid_parcel(orders)
            prefetch_related_objects(orders, "items")
            spec = parcel_spec(
                orders,
                weight_g=parcel.weight_g,
                length_cm=parcel.length_cm,
                width_cm=parcel.width_cm,
                height_cm=parcel.height_cm,
            )
            try:
                booked = get_backend("carriers").create_shipment(spec)
            except CarrierRefused as exc:
                raise InvalidInput(
                    _("The carrier refused the shipment: %(reason)s") % {"reason": exc},
                    code=error_codes.CARRIER_REFUSED,
                ) from None
            except CarrierError as exc:
                logger.warning("Label for parcel %s failed: %s", parcel.pk, exc)
                raise ProviderError(
                    _(
                        "The carrier did not confirm the shipment (%(reason)s). Check FedEx for a shipment of "
                        "%(orders)s before creating the label again, or enter its tracking number."
                    )
                    % {"reason": exc, "orders": spec.reference},
                    code=error_codes.CARRIER_UNAVAILABLE,
                ) from None
            shipment = Shipment(parcel=parcel, carrier=Shipment.Carrier.FEDEX, tracking_number=booked.tracking_number)
            shipment.label.save("label.pdf", ContentFile(booked.label_pdf), save=False)
            stored = shipment.label
            _ship_parcel(orders, shipment, actor)
    except Exception:
        if stored:  # the rows are rolled back: the label file goes too
            stored.storage.delete(stored.name)
        raise
    return parcel


# --- Consolidation --------------------------------------------------------------------------------


def _consolidation_error(message: str) -> Conflict:
    return Conflict(message, code=error_codes.PARCEL_CONFLICT)


def request_consolidation(*, user, order_numbers: Sequence[str]) -> Parcel:
    """The customer asks to ship several of their purchased orders in one parcel (one intake, one delivery fee).

    Every order must be the customer's (else 404, naming the first unknown number), purchased and not yet in a
    parcel (else 409), and all must go to the same address (else 400). Nothing is written unless all pass.
    """
    numbers = list(dict.fromkeys((number or "").strip() for number in order_numbers))
    if not limits.CONSOLIDATION_MIN_ORDERS <= len(numbers) <= limits.CONSOLIDATION_MAX_ORDERS:
        message = _("Choose %(min)s to %(max)s different orders to ship together.") % {
            "min": limits.CONSOLIDATION_MIN_ORDERS,
            "max": limits.CONSOLIDATION_MAX_ORDERS,
        }
        raise InvalidInput(message, fields={"orders": [message]})
    with transaction.atomic():
        orders = list(Order.objects.select_for_update().filter(user=user, number__in=numbers).order_by("pk"))
        found = {order.number for order in orders}
        missing = next((number for number in numbers if number not in found), None)
        if missing is not None:
            raise NotFound(_("No such order: %(missing)s.") % {"missing": missing})
        for order in orders:
            order.require_status(Order.Status.PURCHASED)
            if order.parcel_id is not None:
                raise _consolidation_error(_("Order %(number)s is already in a parcel.") % {"number": order.number})
        if any(order.shipping_address != orders[0].shipping_address for order in orders[1:]):
            message = _("Orders shipped together must go to the same address.")
            raise InvalidInput(message, code=error_codes.ADDRESSES_DIFFER, fields={"orders": [message]})
        parcel = Parcel.objects.create(consolidation_requested_at=timezone.now())
        numbers = [order.number for order in orders]
        for order in orders:
            order.parcel = parcel
            order.save(update_fields=["parcel", "updated_at"])
            record_event(
                order,
                OrderEvent.Kind.CONSOLIDATION_REQUESTED,
                actor=user,
                data={"parcel": parcel.pk, "orders": numbers},
            )
    return parcel


def split_parcel(*, parcel_id: int, actor) -> list[Order]:
    """Undo a consolidation before its delivery fee is paid: each order goes back to waiting for its own intake.

    Orders already measured return from delivery_quoted to purchased (their fee is dropped, the parcel's photos
    deleted; an open delivery checkout is expired by the payments sweep, and a payment that still lands is
    flagged for a refund). After the fee is paid (or for a single order's parcel) 409.
    """
    order_id = _lead_order_id(parcel_id)
    with transaction.atomic():
        orders = lock_parcel_orders(order_id)
        parcel = Parcel.objects.select_for_update().get(pk=orders[0].parcel_id)
        if not parcel.consolidated:
            raise _consolidation_error(_("This parcel holds a single order; there is nothing to split."))
        splittable = (Order.Status.PURCHASED, Order.Status.DELIVERY_QUOTED)
        paid = next((order for order in orders if order.status not in splittable), None)
        if paid is not None:
            raise _consolidation_error(
                _("Order %(number)s is %(status)s: a parcel can be split only before its delivery fee is paid.")
                % {"number": paid.number, "status": paid.get_status_display().lower()}
            )
        data = {"parcel": parcel.pk, "orders": [order.number for order in orders]}
        for order in orders:
            order.parcel = None
            if order.status == Order.Status.DELIVERY_QUOTED:
                order.delivery_fee_cents = None
                transition(
                    order,
                    Order.Status.PURCHASED,
                    OrderEvent.Kind.PARCEL_SPLIT,
                    actor=actor,
                    data=data,
                    also_save=("parcel", "delivery_fee_cents"),
                )
            else:
                order.save(update_fields=["parcel", "updated_at"])
                record_event(order, OrderEvent.Kind.PARCEL_SPLIT, actor=actor, data=data)
        photos = [photo.image for photo in parcel.photos.all()]
        parcel.delete()

        def delete_photo_files():
            for image in photos:
                image.storage.delete(image.name)

        transaction.on_commit(delete_photo_files)
    return orders


# --- Warehouse storage ----------------------------------------------------------------------------


def storage_free_until(parcel: Parcel):
    """The last moment the parcel is stored free (None before its intake)."""
    if parcel.received_at is None:
        return None
    return parcel.received_at + timedelta(days=settings.STORAGE_FREE_DAYS)


def _storage_message(parcel: Parcel, orders: list[Order], now):
    """The reminder as a lazy text, written in each reader's language."""
    free_until = storage_free_until(parcel)
    return format_lazy(
        _lazy(
            "Your parcel ({numbers}) has waited {days} days at our warehouse for its delivery fee of {fee}. "
            "Storage is free until {date}. Pay the delivery fee to have it shipped."
        )
        if free_until > now
        else _lazy(
            "Your parcel ({numbers}) has waited {days} days at our warehouse for its delivery fee of {fee}. "
            "Its free storage ended on {date}. Pay the delivery fee to have it shipped."
        ),
        numbers=", ".join(order.number for order in orders),
        days=(now - parcel.received_at).days,
        fee=format_usd_cents(parcel.delivery_fee_cents),
        date=f"{free_until:%Y-%m-%d}",
    )


@leased("shipping.storage-reminders")
def send_storage_reminders(*, now=None) -> int | None:
    """Remind customers whose measured parcel has waited for its delivery payment STORAGE_REMINDER_DAYS or more
    since the intake or the last reminder: one notification (inbox, push, email) per parcel and period, and a
    STORAGE_REMINDER event on each of its orders. Each parcel is claimed by a compare-and-set of its
    `storage_reminded_at`, so overlapping or repeated runs remind once. Returns the number of reminders sent;
    runs under the `shipping.storage-reminders` lease (None while another run holds it)."""
    now = now or timezone.now()
    period_start = now - timedelta(days=max(1, settings.STORAGE_REMINDER_DAYS))
    due = (
        Parcel.objects.filter(received_at__lte=period_start, order__status=Order.Status.DELIVERY_QUOTED)
        .filter(Q(storage_reminded_at__isnull=True) | Q(storage_reminded_at__lte=period_start))
        .distinct()
        .values_list("pk", "storage_reminded_at")
    )
    sent = 0
    for parcel_id, reminded_at in list(due):
        with transaction.atomic():
            claimed = Parcel.objects.filter(pk=parcel_id, storage_reminded_at=reminded_at).update(
                storage_reminded_at=now
            )
            if not claimed:
                continue  # another run reminded it meanwhile
            parcel = Parcel.objects.get(pk=parcel_id)
            orders = list(parcel.orders.filter(status=Order.Status.DELIVERY_QUOTED).order_by("pk"))
            if not orders:
                continue
            message = _storage_message(parcel, orders, now)
            for order in orders:
                record_event(
                    order, OrderEvent.Kind.STORAGE_REMINDER, data={"parcel": parcel.pk, "message": str(message)}
                )
            lead = orders[0]
            notify(
                lead.user_id,
                Notification.Type.ORDER_PAYMENT,
                {
                    "order": lead.number,
                    "orders": [order.number for order in orders],
                    "status": lead.status,
                    "stage": "delivery",
                    "step": current_step(lead.status),
                    "title": titled(_lazy("Your parcel is waiting for its delivery fee"), lead),
                    "message": message,
                },
                email=True,
            )
            sent += 1
    return sent


# --- Customs declaration --------------------------------------------------------------------------

HS_CODE_RE = re.compile(HS_CODE_PATTERN)
MAX_CUSTOMS_DESCRIPTION = 200
MAX_CUSTOMS_QUANTITY = 9999
MAX_UNIT_VALUE_CENTS = 99_999_999


def clean_hs_code(value) -> str:
    """6, 8 or 10 digits; dots and spaces as printed on tariff tables are dropped. Raises InvalidInput otherwise."""
    code = re.sub(r"[.\s]", "", str(value or ""))
    if not HS_CODE_RE.fullmatch(code):
        message = _("HS code %(code)s must be 6, 8 or 10 digits.") % {"code": repr(str(value or ""))}
        raise InvalidInput(message, code=error_codes.INVALID_HS_CODE, fields={"hs_code": [message]})
    return code


def _paid_item_cents(orders: Sequence[Order]) -> dict[int, int]:
    """Item id -> what the customer paid for the item line (USD cents, from the frozen quote)."""
    return {
        line["item_id"]: line["amount_cents"]
        for order in orders
        for line in order.quote_lines or ()
        if line.get("kind") == "item" and line.get("item_id")
    }


def customs_declaration(parcel_id: int) -> Parcel:
    """The parcel with its customs lines, writing the suggested lines the first time: one per charged item (not the
    restricted ones), described and coded from its suggested HS code category, valued at what was paid."""
    with transaction.atomic():
        parcel = Parcel.objects.select_for_update().get(pk=parcel_id)
        if not parcel.customs_lines.exists():
            orders = list(parcel.orders.prefetch_related("items").order_by("pk"))
            paid = _paid_item_cents(orders)
            categories = list(HsCategory.objects.all())
            lines = []
            for order in orders:
                for item in order.items.all():
                    if item.restricted or item.pk not in paid:
                        continue
                    category = suggested_category(item, categories)
                    lines.append(
                        CustomsLine(
                            parcel=parcel,
                            item=item,
                            category=category,
                            description=(category.description if category else item.name or item.url)[:200],
                            hs_code=category.hs_code if category else "",
                            quantity=item.quantity,
                            unit_value_cents=max(1, round(paid[item.pk] / item.quantity)),
                        )
                    )
            CustomsLine.objects.bulk_create(lines)
    return Parcel.objects.prefetch_related("customs_lines__category", "orders").get(pk=parcel_id)


@dataclass
class CustomsCheck:
    declared_cents: int
    paid_cents: int
    missing_hs: list[str]
    restricted: list[str]

    @property
    def problems(self) -> list[str]:
        found = []
        if abs(self.declared_cents - self.paid_cents) > 0:
            found.append(
                _("The declared total %(declared)s differs from the %(paid)s paid for the items.")
                % {"declared": format_usd_cents(self.declared_cents), "paid": format_usd_cents(self.paid_cents)}
            )
        if self.missing_hs:
            found.append(_("Lines without an HS code: %(lines)s.") % {"lines": ", ".join(self.missing_hs)})
        found.extend(self.restricted)
        return found


def check_customs(parcel: Parcel) -> CustomsCheck:
    """Totals against what was paid for the items, missing HS codes, and restricted HS chapters (lines loaded)."""
    lines = list(parcel.customs_lines.all())
    paid = _paid_item_cents(list(parcel.orders.all()))
    declared_items = {line.item_id for line in lines if line.item_id}
    rules = list(RestrictedItemRule.objects.filter(active=True).exclude(hs_chapter=""))
    restricted = []
    for line in lines:
        rule = line.hs_code and restricted_by_hs_chapter(line.hs_code, rules)
        if rule:
            restricted.append(
                _("%(line)s: HS chapter %(chapter)s is restricted (%(reason)s).")
                % {"line": line.description, "chapter": rule.hs_chapter, "reason": rule.reason}
            )
    return CustomsCheck(
        declared_cents=sum(line.total_cents for line in lines),
        paid_cents=sum(cents for item_id, cents in paid.items() if item_id in declared_items),
        missing_hs=[line.description for line in lines if not line.hs_code],
        restricted=restricted,
    )


def _clean_customs_line(index: int, values: dict) -> dict:
    def refuse(field, message):
        raise InvalidInput(_("Line %(n)s: %(message)s") % {"n": index, "message": message}, fields={field: [message]})

    description = str(values.get("description") or "").strip()
    if not description or len(description) > MAX_CUSTOMS_DESCRIPTION:
        refuse("description", _("An English description of 1 to 200 characters."))
    quantity, value = values.get("quantity"), values.get("unit_value_cents")
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_CUSTOMS_QUANTITY:
        refuse("quantity", _("A whole number from 1 to 9999."))
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_UNIT_VALUE_CENTS:
        refuse("unit_value_cents", _("Whole US cents, at least 1."))
    try:
        hs_code = clean_hs_code(values.get("hs_code"))
    except InvalidInput as exc:
        refuse("hs_code", exc.message)
    return {"description": description, "hs_code": hs_code, "quantity": quantity, "unit_value_cents": value}


def update_customs_lines(*, parcel_id: int, actor, lines: Sequence[dict]) -> Parcel:
    """Staff correct the declaration: each given line (by id) gets its description, HS code, quantity and unit value.

    Every line is checked before any is written (400 naming the line); an id not of this parcel is a 404.
    """
    cleaned = {int(values["id"]): _clean_customs_line(n, values) for n, values in enumerate(lines, start=1)}
    with transaction.atomic():
        parcel = Parcel.objects.select_for_update().get(pk=parcel_id)
        rows = {line.pk: line for line in CustomsLine.objects.filter(parcel=parcel, pk__in=list(cleaned))}
        unknown = next((pk for pk in cleaned if pk not in rows), None)
        if unknown is not None:
            raise NotFound(_("No customs line %(id)s on this parcel.") % {"id": unknown})
        for pk, values in cleaned.items():
            for name, value in values.items():
                setattr(rows[pk], name, value)
        CustomsLine.objects.bulk_update(rows.values(), ["description", "hs_code", "quantity", "unit_value_cents"])
    return customs_declaration(parcel_id)


# --- Ship -----------------------------------------------------------------------------------------


def ship_order(*, order_id: int, actor, carrier: str, tracking_number: str) -> Order:
    """The parcel left with the carrier: delivery_paid → shipped, with a Shipment to poll."""
    carrier = (carrier or "").strip().lower()
    if carrier not in Shipment.Carrier.values:
        raise InvalidInput(
            _("Unknown carrier %(carrier)r; choose one of: %(choices)s.")
            % {"carrier": carrier, "choices": ", ".join(Shipment.Carrier.values)},
            fields={"carrier": [_("Unknown carrier.")]},
        )
    try:
        number = normalize_tracking_number(carrier, tracking_number)
    except ValueError as exc:
        raise InvalidInput(str(exc), fields={"tracking_number": [str(exc)]}) from None

    with transaction.atomic():
        orders = lock_parcel_orders(order_id)
        parcel = _paid_parcel(orders)
        other = (
            Shipment.objects.filter(carrier=carrier, tracking_number=number)
            .exclude(parcel=parcel)
            .values_list("parcel__order__number", flat=True)
            .first()
        )
        if other:
            message = _("Tracking number %(number)s is already used by order %(other)s.") % {
                "number": number,
                "other": other,
            }
            raise InvalidInput(message, fields={"tracking_number": [message]})
        _ship_parcel(orders, Shipment(parcel=parcel, carrier=carrier, tracking_number=number), actor)
    return next(each for each in orders if each.pk == order_id)


def _paid_parcel(orders: list[Order]) -> Parcel:
    """The locked orders' parcel, once every one of them has its delivery paid (else 409)."""
    for each in orders:
        each.require_status(Order.Status.DELIVERY_PAID)
    parcel = orders[0].parcel
    if parcel is None:
        raise Conflict(
            _("Order %(number)s has no parcel recorded.") % {"number": orders[0].number},
            code=error_codes.ORDER_CONFLICT,
        )
    return parcel


def _ship_parcel(orders: list[Order], shipment: Shipment, actor) -> None:
    """On the locked orders: the Shipment to poll, and delivery_paid → shipped for each (one SHIPPED event, the
    customer told); the tracking poll takes it from there."""
    shipment.save()
    data = {"carrier": shipment.carrier, "tracking_number": shipment.tracking_number}
    if shipment.label:
        data["label"] = True
    for each in orders:
        transition(each, Order.Status.SHIPPED, OrderEvent.Kind.SHIPPED, actor=actor, data=data)


# --- Tracking ------------------------------------------------------------------------------------


@dataclass
class TrackingOutcome:
    new_events: int = 0
    delivered: bool = False
    exceptions: int = 0


def apply_tracking(shipment_id: int, result: TrackResult) -> TrackingOutcome:
    """Store what the carrier said about one shipment (see apply_tracking_batch)."""
    return apply_tracking_batch([(shipment_id, result)]).get(shipment_id) or TrackingOutcome()


def apply_tracking_batch(results: Sequence[tuple[int, TrackResult]]) -> dict[int, TrackingOutcome]:
    """Store what the carrier said about a batch of shipments in one transaction; safe to call again.

    New scans are stored once (unique per shipment, time and code). A delivered status moves the
    order to delivered; each new exception scan raises one staff-visible CARRIER_EXCEPTION event.
    A per-number carrier error only records the poll time. The orders and shipments are locked, and
    scans, events, status changes and notifications written, with a fixed number of queries whatever
    the batch size (the shipments' fields with one UPDATE per distinct status). Returns an outcome per
    shipment that still exists.
    """
    now = timezone.now()
    failed = [pk for pk, result in results if result.error]
    if failed:
        Shipment.objects.filter(pk__in=failed).update(last_polled_at=now)
    outcomes = {pk: TrackingOutcome() for pk in failed}
    answered = {pk: result for pk, result in results if not result.error}
    if not answered:
        return outcomes

    with transaction.atomic():
        parcel_ids = set(Shipment.objects.filter(pk__in=list(answered)).values_list("parcel_id", flat=True))
        orders: dict[int, list[Order]] = {}  # by parcel: the orders a shipment carries
        locked = Order.objects.select_for_update().filter(parcel_id__in=parcel_ids).order_by("pk")
        # The address, notes and quote lines play no part in tracking: not decoded for every order of the batch.
        locked = locked.defer("shipping_address", "customer_note", "quote_note", "quote_lines")
        for order in locked:
            orders.setdefault(order.parcel_id, []).append(order)
        shipments = list(Shipment.objects.select_for_update().filter(pk__in=list(answered)).order_by("pk"))
        known: dict[int, set] = {shipment.pk: set() for shipment in shipments}
        shown_before = {shipment.pk: _shown_tracking(shipment) for shipment in shipments}
        for shipment_id, occurred_at, code in ShipmentEvent.objects.filter(shipment__in=shipments).values_list(
            "shipment_id", "occurred_at", "code"
        ):
            known[shipment_id].add((occurred_at, code))

        scans: list[ShipmentEvent] = []
        exceptions: list[tuple[Order, dict]] = []
        delivered: list[tuple[Order, dict]] = []
        tracking_notes: list[tuple[int, str, dict]] = []
        for shipment in shipments:
            outcome = outcomes[shipment.pk] = TrackingOutcome()
            shipped = [o for o in orders.get(shipment.parcel_id, []) if o.status == Order.Status.SHIPPED]
            new_rows = _new_scans(shipment, answered[shipment.pk], known[shipment.pk])
            scans.extend(new_rows)
            outcome.new_events = len(new_rows)
            step = _apply_result(shipment, answered[shipment.pk], new_rows, now, shipped=bool(shipped))
            outcome.exceptions = len(step.exception_data)
            for order in shipped:
                exceptions.extend((order, data) for data in step.exception_data)
                if step.delivered_data is not None:
                    delivered.append((order, step.delivered_data))
                elif step.tracking_note is not None:
                    note = {"order": order.number, "status": order.status, "step": current_step(order.status)}
                    tracking_notes.append(
                        (order.user_id, Notification.Type.ORDER_TRACKING, {**note, **step.tracking_note})
                    )
            outcome.delivered = bool(shipped) and step.delivered_data is not None

        ShipmentEvent.objects.bulk_create(scans, ignore_conflicts=True)
        if exceptions:
            record_event(
                [order for order, _ in exceptions],
                OrderEvent.Kind.CARRIER_EXCEPTION,
                data=[data for _, data in exceptions],
            )
        if delivered:
            transition(
                [order for order, _ in delivered],
                Order.Status.DELIVERED,
                OrderEvent.Kind.DELIVERED,
                data=[data for _, data in delivered],
            )
        if tracking_notes:
            notify_many(tracking_notes)
        _save_tracking_fields(shipments)
        moved = [
            each.parcel_id
            for each in shipments
            if outcomes[each.pk].new_events or _shown_tracking(each) != shown_before[each.pk]
        ]
        if moved:
            pages.changed(orders=[order for parcel_id in moved for order in orders.get(parcel_id, [])])
    return outcomes


def _shown_tracking(shipment: Shipment) -> tuple:
    """What the order pages show of a shipment's tracking (not when it was last polled)."""
    return tuple(getattr(shipment, name) for name in TRACKING_FIELDS if name != "last_polled_at")


TRACKING_FIELDS = ("status_code", "status_description", "estimated_delivery_at", "last_polled_at", "delivered_at")


def _save_tracking_fields(shipments: list[Shipment]) -> None:
    """One UPDATE per distinct set of tracking values (a batch's shipments mostly share their status), which is
    far cheaper than bulk_update's CASE per row and field."""
    groups: dict[tuple, list[int]] = {}
    for shipment in shipments:
        groups.setdefault(tuple(getattr(shipment, name) for name in TRACKING_FIELDS), []).append(shipment.pk)
    for values, pks in groups.items():
        Shipment.objects.filter(pk__in=pks).update(**dict(zip(TRACKING_FIELDS, values, strict=True)))


def _new_scans(shipment: Shipment, result: TrackResult, known: set) -> list[ShipmentEvent]:
    """The result's scans not stored yet, oldest first."""
    new_rows = []
    for event in sorted(result.events, key=lambda e: e.occurred_at):
        key = (event.occurred_at, event.code)
        if key in known:
            continue
        known.add(key)
        new_rows.append(
            ShipmentEvent(
                shipment_id=shipment.pk,
                occurred_at=event.occurred_at,
                code=event.code[:10],
                description=event.description[:200],
                location=event.location[:200],
            )
        )
    return new_rows


@dataclass
class _Step:
    exception_data: list[dict] = field(default_factory=list)  # one CARRIER_EXCEPTION event per new exception
    delivered_data: dict | None = None  # the DELIVERED event's data when the parcel arrived
    tracking_note: dict | None = None  # the customers' tracking notification (without the order) on news


def _apply_result(shipment: Shipment, result: TrackResult, new_rows: list, now, *, shipped: bool) -> _Step:
    """Update the shipment's fields from the result and say what its shipped orders get (nothing is written)."""
    step = _Step()
    previous_code = shipment.status_code
    if result.status_code:
        shipment.status_code = result.status_code[:10]
        shipment.status_description = result.status_description[:200]
    if result.estimated_delivery_at:
        shipment.estimated_delivery_at = result.estimated_delivery_at
    shipment.last_polled_at = now
    if not shipped:
        return step

    exception_rows = [r for r in new_rows if status_category(r.code) == Status.EXCEPTION]
    if not exception_rows and result.category == Status.EXCEPTION and result.status_code != previous_code:
        # FedEx sometimes reports the exception only as the latest status, without a scan.
        latest = ShipmentEvent(occurred_at=now, code=result.status_code, description=result.status_description)
        exception_rows = [latest]
    step.exception_data = [
        {
            "code": row.code,
            "description": row.description,
            "location": row.location,
            "occurred_at": row.occurred_at.isoformat(),
            "tracking_number": shipment.tracking_number,
        }
        for row in exception_rows
    ]

    delivered_scan = next((r for r in reversed(new_rows) if r.code == "DL"), None)
    if result.category == Status.DELIVERED or delivered_scan:
        shipment.delivered_at = result.delivered_at or (delivered_scan.occurred_at if delivered_scan else None) or now
        step.delivered_data = {
            "tracking_number": shipment.tracking_number,
            "delivered_at": shipment.delivered_at.isoformat(),
        }
    elif new_rows:
        step.tracking_note = {
            "title": _lazy("Tracking update"),
            "message": _scan_message(new_rows[-1]),
            "tracking_status": shipment.status_code,
        }
    return step


def _scan_message(row: ShipmentEvent) -> str:
    return f"{row.description} — {row.location}" if row.location else row.description


@dataclass
class PollReport:
    total: int = 0
    polled: int = 0
    new_events: int = 0
    delivered: int = 0
    exceptions: int = 0
    errors: int = 0
    failed_ids: list[int] = field(default_factory=list)  # shipments to retry (the carrier call failed)


def recorded_scans(numbers: Sequence[str]) -> dict[str, list[TrackEvent]]:
    """The scans stored so far for each tracking number, oldest first."""
    stored: dict[str, list[TrackEvent]] = {number: [] for number in numbers}
    rows = ShipmentEvent.objects.filter(shipment__tracking_number__in=list(stored)).order_by("occurred_at", "pk")
    for number, occurred_at, code, description, location in rows.values_list(
        "shipment__tracking_number", "occurred_at", "code", "description", "location"
    ):
        stored[number].append(TrackEvent(occurred_at, code, description, location))
    return stored


def _poll_batch(track, chunk: list[tuple[int, str]], report: PollReport) -> None:
    """Ask the carrier about one batch and apply the answers in one transaction; a failure fails the batch."""
    numbers = [number for _, number in chunk]
    try:
        results = track(numbers, recorded=recorded_scans(numbers))
    except CarrierError as exc:
        logger.warning("Tracking batch of %d failed: %s", len(chunk), exc)
        report.errors += len(chunk)
        report.failed_ids.extend(pk for pk, _ in chunk)
        return
    by_number = {result.tracking_number: result for result in results}
    answers = []
    for pk, number in chunk:
        result = by_number.get(number) or TrackResult(tracking_number=number, error="No result from the carrier.")
        if result.error:
            logger.info("Tracking %s: %s", number, result.error)
            report.errors += 1
        answers.append((pk, result))
    report.polled += len(chunk)
    try:
        outcomes = apply_tracking_batch(answers)
    except (DatabaseError, ValueError):
        logger.exception("Applying tracking of %d shipments failed", len(chunk))
        report.errors += len(chunk)
        report.failed_ids.extend(pk for pk, _ in chunk)
        return
    report.errors += len(chunk) - len(outcomes)  # shipments deleted meanwhile
    for outcome in outcomes.values():
        report.new_events += outcome.new_events
        report.delivered += int(outcome.delivered)
        report.exceptions += outcome.exceptions


def poll_shipments(
    *,
    shipment_ids: Sequence[int] | None = None,
    backend=None,
    on_progress: Callable[[PollReport], None] | None = None,
) -> PollReport:
    """Ask the carrier about every shipped order (or the given shipments), in batches the carrier accepts.

    A batch the carrier fails to answer is logged and reported in `failed_ids` for a retry; the other
    batches are still applied. Per-number errors count as errors and change nothing.
    """
    backend = backend or get_backend("carriers")
    shipments = Shipment.objects.filter(parcel__order__status=Order.Status.SHIPPED).distinct().order_by("pk")
    if shipment_ids is not None:
        shipments = shipments.filter(pk__in=list(shipment_ids))
    rows = list(shipments.values_list("pk", "tracking_number"))
    report = PollReport(total=len(rows))
    size = max(1, int(getattr(backend, "max_batch_size", 30)))

    with backend.session() as track:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            _poll_batch(track, chunk, report)
            if on_progress:
                on_progress(report)
    return report


def erase_parcel_photos(*, user) -> None:
    """Delete the parcel photos of a closing customer's orders (labels show names); the files go on commit."""
    photos = ParcelPhoto.objects.filter(parcel__order__user=user)
    storage = ParcelPhoto._meta.get_field("image").storage
    names = list(photos.values_list("image", flat=True))
    photos.delete()

    def delete_files():
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete_files)
