"""Warehouse intake, delivery fee, shipping and carrier tracking: the services behind staff actions and the poll job.

Each transition locks the order (`select_for_update`), checks its state, writes one OrderEvent and
notifies the customer on commit. Bad input raises `InvalidInput` (400) before anything is written.
"""

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal, InvalidOperation

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from bidangil.errors import Conflict, InvalidInput, NotFound, ProviderError
from bidangil.images import CleanImage, ImageRefused, ImageTooLarge, clean_image
from commerce import error_codes, limits
from commerce.orders import pricing
from commerce.orders.models import Order, OrderEvent
from commerce.orders.services import lock_order, record_event, transition
from commerce.orders.steps import current_step
from commerce.shipping.models import DeliveryRate, Parcel, ParcelPhoto, Shipment, ShipmentEvent
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
from notifications.services import notify

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

    purchased → delivery_quoted. The fee is the carrier's rate for the measured parcel (FedEx Rate API) or, when
    the carrier gives none (the dummy) or cannot be asked, the rate-table price of the billable weight (max of
    actual and volumetric) for the order's destination country.
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
    carrier_fee = _carrier_rate(order_id, weight, sides)

    stored_files: list = []
    try:
        with transaction.atomic():
            order = lock_order(order_id)
            order.require_status(Order.Status.PURCHASED)
            fee = carrier_fee or delivery_fee_cents((order.shipping_address or {}).get("country", ""), billable)
            parcel = Parcel.objects.create(
                order=order,
                weight_g=weight,
                billable_weight_g=billable,
                delivery_fee_cents=fee,
                notes=notes,
                received_by=actor,
                **sides,
            )
            for photo in photos:
                photo_row = ParcelPhoto(parcel=parcel)
                # The stored name's extension follows the real format; the name itself is random (upload_to).
                photo_row.image.save(f"photo.{photo.extension}", ContentFile(photo.content), save=False)
                stored_files.append(photo_row.image)
                photo_row.save()
            order.delivery_fee_cents = fee
            transition(
                order,
                Order.Status.DELIVERY_QUOTED,
                OrderEvent.Kind.INTAKE,
                actor=actor,
                data={
                    "weight_g": weight,
                    "billable_weight_g": billable,
                    "delivery_fee_cents": fee,
                    "fee_source": "carrier" if carrier_fee else "rate_table",
                    "photos": len(photos),
                },
                also_save=("delivery_fee_cents",),
            )
    except Exception:
        # The rows are rolled back; the files already written to storage must go too.
        for stored in stored_files:
            stored.delete(save=False)
        raise
    return order


# --- Carrier rates and labels ---------------------------------------------------------------------


def _address(snapshot: dict) -> PostalAddress:
    fields = ("name", "phone", "line1", "line2", "city", "state", "postal_code", "country")
    return PostalAddress(**{key: str((snapshot or {}).get(key) or "") for key in fields})


def parcel_spec(order: Order, *, weight_g: int, length_cm, width_cm, height_cm) -> ParcelSpec:
    """The parcel as the carrier needs it: warehouse to the order's address, one customs line per charged item
    (its price in USD at the order's exchange rate)."""
    rate = order.exchange_rate.krw_per_usd
    commodities = tuple(
        Commodity(
            description=item.name or item.url[:100],
            quantity=item.quantity,
            unit_value_cents=pricing.krw_to_cents(item.unit_price_krw or 0, rate),
        )
        for item in order.items.all()
        if not item.restricted
    )
    return ParcelSpec(
        reference=order.number,
        weight_g=weight_g,
        length_cm=Decimal(length_cm),
        width_cm=Decimal(width_cm),
        height_cm=Decimal(height_cm),
        shipper=_address(settings.WAREHOUSE_ADDRESS),
        recipient=_address(order.shipping_address),
        commodities=commodities,
    )


def _carrier_rate(order_id: int, weight_g: int, sides: dict) -> int | None:
    """The carrier's price for the measured parcel, asked before the order is locked; None when it gives none or
    cannot be asked (logged), so the rate table prices the parcel."""
    order = Order.objects.select_related("exchange_rate").filter(pk=order_id).first()
    if order is None:
        return None
    try:
        quote = get_backend("carriers").rate(parcel_spec(order, weight_g=weight_g, **sides))
    except CarrierError as exc:
        logger.warning("No carrier rate for order %s (%s); using the rate table", order.number, exc)
        return None
    return quote.amount_cents if quote else None


def create_label(*, order_id: int, actor) -> Order:
    """Book the shipment at the carrier for a paid delivery (FedEx Ship API): the tracking number and the PDF label
    come back, and the order moves delivery_paid → shipped as with a typed number. The carrier refusing the data is
    a 400 with its words; the carrier unreachable a 502; nothing is written in either case."""
    order = Order.objects.select_related("exchange_rate", "parcel").filter(pk=order_id).first()
    if order is None:
        raise NotFound(_("No such order."))
    order.require_status(Order.Status.DELIVERY_PAID)
    parcel = order.parcel
    spec = parcel_spec(
        order,
        weight_g=parcel.weight_g,
        length_cm=parcel.length_cm,
        width_cm=parcel.width_cm,
        height_cm=parcel.height_cm,
    )
    try:
        label = get_backend("carriers").create_shipment(spec)
    except CarrierRefused as exc:
        raise InvalidInput(str(exc), code=error_codes.CARRIER_REFUSED) from None
    except CarrierError as exc:
        raise ProviderError(str(exc), code=error_codes.CARRIER_UNAVAILABLE) from None
    stored = None
    try:
        with transaction.atomic():
            order = lock_order(order_id)
            if order.status != Order.Status.DELIVERY_PAID:
                logger.error("Order %s moved on while label %s was booked", order.number, label.tracking_number)
                raise Conflict(
                    _("Order %(number)s changed while the label was booked (tracking %(tracking)s); check FedEx.")
                    % {"number": order.number, "tracking": label.tracking_number},
                    code=error_codes.ORDER_CONFLICT,
                )
            shipment = _record_shipment(order, actor, Shipment.Carrier.FEDEX, label.tracking_number, label=True)
            shipment.label.save("label.pdf", ContentFile(label.label_pdf), save=True)
            stored = shipment.label
    except Exception:
        if stored:
            stored.storage.delete(stored.name)
        raise
    return order


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
        order = lock_order(order_id)
        order.require_status(Order.Status.DELIVERY_PAID)
        other = (
            Shipment.objects.filter(carrier=carrier, tracking_number=number)
            .exclude(order=order)
            .values_list("order__number", flat=True)
            .first()
        )
        if other:
            message = _("Tracking number %(number)s is already used by order %(other)s.") % {
                "number": number,
                "other": other,
            }
            raise InvalidInput(message, fields={"tracking_number": [message]})
        _record_shipment(order, actor, carrier, number)
    return order


def _record_shipment(order: Order, actor, carrier: str, number: str, *, label: bool = False) -> Shipment:
    """On the locked order: the Shipment to poll, delivery_paid → shipped (one SHIPPED event, the customer told)."""
    shipment = Shipment.objects.create(order=order, carrier=carrier, tracking_number=number)
    transition(
        order,
        Order.Status.SHIPPED,
        OrderEvent.Kind.SHIPPED,
        actor=actor,
        data={"carrier": carrier, "tracking_number": number, **({"label": True} if label else {})},
    )
    return shipment


# --- Tracking ------------------------------------------------------------------------------------


@dataclass
class TrackingOutcome:
    new_events: int = 0
    delivered: bool = False
    exceptions: int = 0


def apply_tracking(shipment_id: int, result: TrackResult) -> TrackingOutcome:
    """Store what the carrier said about one shipment; safe to call again with the same result.

    New scans are stored once (unique per shipment, time and code). A delivered status moves the
    order to delivered; each new exception scan raises one staff-visible CARRIER_EXCEPTION event.
    A per-number carrier error only records the poll time.
    """
    now = timezone.now()
    outcome = TrackingOutcome()
    if result.error:
        Shipment.objects.filter(pk=shipment_id).update(last_polled_at=now)
        return outcome

    with transaction.atomic():
        order_id = Shipment.objects.filter(pk=shipment_id).values_list("order_id", flat=True).get()
        order = lock_order(order_id)
        shipment = Shipment.objects.select_for_update().get(pk=shipment_id)

        known = set(shipment.events.values_list("occurred_at", "code"))
        new_rows = []
        for event in sorted(result.events, key=lambda e: e.occurred_at):
            key = (event.occurred_at, event.code)
            if key in known:
                continue
            known.add(key)
            new_rows.append(
                ShipmentEvent(
                    shipment=shipment,
                    occurred_at=event.occurred_at,
                    code=event.code[:10],
                    description=event.description[:200],
                    location=event.location[:200],
                )
            )
        ShipmentEvent.objects.bulk_create(new_rows, ignore_conflicts=True)
        outcome.new_events = len(new_rows)

        previous_code = shipment.status_code
        if result.status_code:
            shipment.status_code = result.status_code[:10]
            shipment.status_description = result.status_description[:200]
        if result.estimated_delivery_at:
            shipment.estimated_delivery_at = result.estimated_delivery_at
        shipment.last_polled_at = now
        changed = ["status_code", "status_description", "estimated_delivery_at", "last_polled_at"]

        if order.status == Order.Status.SHIPPED:
            exception_rows = [r for r in new_rows if status_category(r.code) == Status.EXCEPTION]
            if not exception_rows and result.category == Status.EXCEPTION and result.status_code != previous_code:
                # FedEx sometimes reports the exception only as the latest status, without a scan.
                exception_rows = [
                    ShipmentEvent(occurred_at=now, code=result.status_code, description=result.status_description)
                ]
            for row in exception_rows:
                record_event(
                    order,
                    OrderEvent.Kind.CARRIER_EXCEPTION,
                    data={
                        "code": row.code,
                        "description": row.description,
                        "location": row.location,
                        "occurred_at": row.occurred_at.isoformat(),
                        "tracking_number": shipment.tracking_number,
                    },
                )
            outcome.exceptions = len(exception_rows)

            delivered_scan = next((r for r in reversed(new_rows) if r.code == "DL"), None)
            if result.category == Status.DELIVERED or delivered_scan:
                shipment.delivered_at = (
                    result.delivered_at or (delivered_scan.occurred_at if delivered_scan else None) or now
                )
                changed.append("delivered_at")
                transition(
                    order,
                    Order.Status.DELIVERED,
                    OrderEvent.Kind.DELIVERED,
                    data={
                        "tracking_number": shipment.tracking_number,
                        "delivered_at": shipment.delivered_at.isoformat(),
                    },
                )
                outcome.delivered = True
            elif new_rows:
                notify(
                    order.user_id,
                    Notification.Type.ORDER_TRACKING,
                    {
                        "order": order.number,
                        "status": order.status,
                        "step": current_step(order.status),
                        "title": _lazy("Tracking update"),
                        "message": _scan_message(new_rows[-1]),
                        "tracking_status": shipment.status_code,
                    },
                )
        shipment.save(update_fields=changed)
    return outcome


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
    shipments = Shipment.objects.filter(order__status=Order.Status.SHIPPED).order_by("pk")
    if shipment_ids is not None:
        shipments = shipments.filter(pk__in=list(shipment_ids))
    rows = list(shipments.values_list("pk", "tracking_number"))
    report = PollReport(total=len(rows))
    size = max(1, int(getattr(backend, "max_batch_size", 30)))

    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        try:
            numbers = [number for _, number in chunk]
            results = backend.track(numbers, recorded=recorded_scans(numbers))
        except CarrierError as exc:
            logger.warning("Tracking batch of %d failed: %s", len(chunk), exc)
            report.errors += len(chunk)
            report.failed_ids.extend(pk for pk, _ in chunk)
            if on_progress:
                on_progress(report)
            continue
        by_number = {result.tracking_number: result for result in results}
        for pk, number in chunk:
            result = by_number.get(number) or TrackResult(tracking_number=number, error="No result from the carrier.")
            report.polled += 1
            if result.error:
                logger.info("Tracking %s: %s", number, result.error)
                report.errors += 1
            try:
                outcome = apply_tracking(pk, result)
            except (DatabaseError, ValueError, Shipment.DoesNotExist):
                logger.exception("Applying tracking of shipment %s failed", pk)
                report.errors += 1
                continue
            report.new_events += outcome.new_events
            report.delivered += int(outcome.delivered)
            report.exceptions += outcome.exceptions
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
