from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bidangil.api.serializers import MAX_ID, StrictSerializer
from commerce import limits
from commerce.orders import pricing
from commerce.orders.models import Order, OrderEvent, OrderItem
from commerce.orders.selectors import related_or_none
from commerce.orders.steps import current_step, order_steps
from commerce.payments.models import Payment
from commerce.payments.selectors import payment_totals
from commerce.shipping.documents import label_url, photo_url
from commerce.shipping.models import Shipment

# Event kinds that are staff bookkeeping, not news for the customer.
STAFF_ONLY_EVENTS = {"payment_flagged", "note"}


# --- Input ------------------------------------------------------------------------------------------


class OrderItemInput(StrictSerializer):
    url = serializers.CharField(max_length=2000, validators=[URLValidator(schemes=["http", "https"])])
    quantity = serializers.IntegerField(min_value=1, max_value=99, default=1)
    options = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class AddressInput(StrictSerializer):
    name = serializers.CharField(max_length=100)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    country = serializers.RegexField(r"^[A-Za-z]{2}$", default="US")
    state = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=100)
    line1 = serializers.CharField(max_length=200)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    postal_code = serializers.CharField(max_length=20)

    def validate_country(self, value):
        return value.upper()


class OrderCreateInput(StrictSerializer):
    address_id = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    address = AddressInput(required=False)
    items = OrderItemInput(
        many=True, min_length=limits.ORDER_MIN_ITEMS, max_length=limits.ORDER_MAX_ITEMS, allow_empty=False
    )
    note = serializers.CharField(max_length=limits.NOTE_MAX_LENGTH, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if ("address_id" in attrs) == ("address" in attrs):
            raise serializers.ValidationError({"address": [_("Give either address_id or address.")]})
        return attrs


class CheckoutInput(StrictSerializer):
    stage = serializers.ChoiceField(choices=Payment.Stage.choices)


class CancelInput(StrictSerializer):
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class QuoteItemInput(StrictSerializer):
    id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    unit_price_krw = serializers.IntegerField(min_value=0, max_value=10**12)
    restricted = serializers.BooleanField(required=False, allow_null=True, default=None)
    # Optional corrections of what the customer asked for; left out, the customer's value stays.
    quantity = serializers.IntegerField(min_value=1, max_value=99, required=False)
    options = serializers.CharField(max_length=500, required=False, allow_blank=True)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)


class QuoteInput(StrictSerializer):
    items = QuoteItemInput(many=True, allow_empty=False)
    domestic_shipping_krw = serializers.IntegerField(min_value=0, max_value=10**10)
    note = serializers.CharField(max_length=limits.NOTE_MAX_LENGTH, required=False, allow_blank=True, default="")


class RejectInput(StrictSerializer):
    reason = serializers.CharField(max_length=1000)


class PurchaseInput(StrictSerializer):
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class RefundInput(StrictSerializer):
    amount_cents = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=300)


# --- Nested shapes -----------------------------------------------------------------------------------
# The output below builds plain dicts; these serializers describe those dicts in the OpenAPI schema.


class CheckoutOutput(serializers.Serializer):
    checkout_url = serializers.URLField()
    expires_at = serializers.DateTimeField(allow_null=True)
    session_id = serializers.CharField()
    stage = serializers.ChoiceField(choices=Payment.Stage.choices)
    amount_cents = serializers.IntegerField()
    currency = serializers.CharField()


class AddressSnapshotOutput(serializers.Serializer):
    """The shipping address frozen onto the order when it was requested."""

    name = serializers.CharField()
    phone = serializers.CharField()
    country = serializers.CharField()
    state = serializers.CharField()
    city = serializers.CharField()
    line1 = serializers.CharField()
    line2 = serializers.CharField()
    postal_code = serializers.CharField()


@extend_schema_field(AddressSnapshotOutput)
class AddressSnapshotField(serializers.JSONField):
    pass


class StepOutput(serializers.Serializer):
    number = serializers.IntegerField()
    key = serializers.CharField()
    label = serializers.CharField()
    done = serializers.BooleanField()
    at = serializers.DateTimeField(allow_null=True, help_text="When the step was first completed.")


class ExchangeRateOutput(serializers.Serializer):
    krw_per_usd = serializers.DecimalField(max_digits=12, decimal_places=4)
    source = serializers.CharField()
    captured_at = serializers.DateTimeField()


class OrderItemOutput(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    url = serializers.URLField()
    quantity = serializers.IntegerField()
    options = serializers.CharField()
    note = serializers.CharField()
    name = serializers.CharField(help_text="Filled in by the product extraction job.")
    name_status = serializers.ChoiceField(choices=OrderItem.NameStatus.choices)
    unit_price_krw = serializers.IntegerField(allow_null=True)
    line_total_krw = serializers.IntegerField(allow_null=True)
    restricted = serializers.BooleanField()
    restricted_reason = serializers.CharField()


class QuoteLineOutput(serializers.Serializer):
    kind = serializers.CharField(help_text="item, domestic_shipping, agency_fee, card_fee or delivery_fee.")
    label = serializers.CharField()
    amount_krw = serializers.IntegerField(allow_null=True)
    amount_cents = serializers.IntegerField()
    item_id = serializers.IntegerField(allow_null=True)


class QuoteOutput(serializers.Serializer):
    version = serializers.IntegerField()
    quoted_at = serializers.DateTimeField()
    lines = QuoteLineOutput(many=True)
    items_subtotal_krw = serializers.IntegerField()
    domestic_shipping_krw = serializers.IntegerField()
    agency_fee_krw = serializers.IntegerField()
    card_fee_krw = serializers.IntegerField()
    total_krw = serializers.IntegerField()
    total_cents = serializers.IntegerField()
    note = serializers.CharField()


class DeliveryQuoteOutput(serializers.Serializer):
    lines = QuoteLineOutput(many=True)
    total_cents = serializers.IntegerField()


class PaymentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    stage = serializers.ChoiceField(choices=Payment.Stage.choices)
    kind = serializers.ChoiceField(choices=Payment.Kind.choices)
    status = serializers.ChoiceField(choices=Payment.Status.choices)
    amount_cents = serializers.IntegerField()
    currency = serializers.CharField()
    session_id = serializers.CharField(allow_null=True)
    checkout_url = serializers.URLField(allow_null=True, help_text="Only while the session is open.")
    expires_at = serializers.DateTimeField(allow_null=True)
    paid_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class StaffPaymentOutput(PaymentOutput):
    provider = serializers.CharField()
    payment_intent_id = serializers.CharField()
    refund_id = serializers.CharField(allow_null=True)
    flagged_reason = serializers.CharField()
    reason = serializers.CharField()


class PaymentTotalsOutput(serializers.Serializer):
    paid_cents = serializers.IntegerField(help_text="Settled charges, items and delivery (flagged ones excluded).")
    refunded_cents = serializers.IntegerField(help_text="Refunds of those charges that went through.")
    refundable_cents = serializers.IntegerField(
        help_text="What a further refund may take: paid less refunded, 0 in a status that allows no refund."
    )


class ConsolidationOutput(serializers.Serializer):
    parcel_id = serializers.IntegerField()
    orders = serializers.ListField(child=serializers.CharField(), help_text="Numbers of the orders shipped together.")
    requested_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField(allow_null=True)


def consolidation_of(order) -> dict | None:
    """What an order's payload shows of its consolidated parcel (None for a parcel of its own)."""
    parcel = order.parcel
    if parcel is None or not parcel.consolidated:
        return None
    return {
        "parcel_id": parcel.pk,
        "orders": [other.number for other in parcel.orders.all()],
        "requested_at": parcel.consolidation_requested_at,
        "received_at": parcel.received_at,
    }


class ParcelOutput(serializers.Serializer):
    id = serializers.IntegerField()
    orders = serializers.ListField(child=serializers.CharField(), help_text="Numbers of the orders in this parcel.")
    consolidated = serializers.BooleanField()
    weight_g = serializers.IntegerField(allow_null=True, help_text="Empty until the warehouse intake.")
    billable_weight_g = serializers.IntegerField(allow_null=True)
    length_cm = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    width_cm = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    height_cm = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    delivery_fee_cents = serializers.IntegerField(allow_null=True)
    notes = serializers.CharField()
    received_at = serializers.DateTimeField(allow_null=True)
    photos = serializers.ListField(child=serializers.URLField())


class ScanOutput(serializers.Serializer):
    occurred_at = serializers.DateTimeField()
    code = serializers.CharField()
    description = serializers.CharField()
    location = serializers.CharField()


class ShipmentOutput(serializers.Serializer):
    carrier = serializers.ChoiceField(choices=Shipment.Carrier.choices)
    carrier_label = serializers.CharField()
    tracking_number = serializers.CharField()
    status = serializers.CharField(help_text="The carrier's latest status code.")
    status_description = serializers.CharField()
    estimated_delivery_at = serializers.DateTimeField(allow_null=True)
    shipped_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    scans = ScanOutput(many=True)


class StaffShipmentOutput(ShipmentOutput):
    label_url = serializers.URLField(
        allow_null=True, help_text="The carrier label (PDF), signed for a short time; null for a typed number."
    )


class EventOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OrderEvent.Kind.choices)
    label = serializers.CharField()
    at = serializers.DateTimeField()


class StaffEventOutput(EventOutput):
    actor = serializers.EmailField(allow_null=True)
    data = serializers.DictField()


# --- Output -----------------------------------------------------------------------------------------


def _exchange_rate(order):
    rate = order.exchange_rate
    return {"krw_per_usd": str(rate.krw_per_usd), "source": rate.source, "captured_at": rate.captured_at}


class OrderListSerializer(serializers.ModelSerializer):
    status_label = serializers.SerializerMethodField()
    step = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField()
    item_count = serializers.IntegerField(read_only=True)
    consolidation = serializers.SerializerMethodField()
    unread_messages = serializers.IntegerField(
        read_only=True, help_text="Messages on the order from the other side (staff, for the customer) not read yet."
    )

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "status",
            "status_label",
            "step",
            "steps",
            "item_count",
            "total_krw",
            "total_cents",
            "delivery_fee_cents",
            "consolidation",
            "unread_messages",
            "created_at",
        ]
        read_only_fields = fields  # output only: every key is always present

    def get_status_label(self, order) -> str:
        # The enum's label: get_status_display() hashes every lazy choice label, one translation each, per order.
        return str(Order.Status(order.status).label)

    def get_step(self, order) -> int:
        return current_step(order.status)

    @extend_schema_field(ConsolidationOutput(allow_null=True))
    def get_consolidation(self, order):
        return consolidation_of(order)

    @extend_schema_field(StepOutput(many=True))
    def get_steps(self, order):
        return order_steps(order, order.events.all())


class StaffOrderListSerializer(OrderListSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    tracking_number = serializers.SerializerMethodField()

    class Meta(OrderListSerializer.Meta):
        fields = [*OrderListSerializer.Meta.fields, "email", "tracking_number", "updated_at"]
        read_only_fields = fields

    def get_tracking_number(self, order) -> str | None:
        shipment = related_or_none(order, "shipment")
        return shipment.tracking_number if shipment else None


class OrderDetailSerializer(OrderListSerializer):
    """Everything the customer's order page shows."""

    staff = False

    exchange_rate = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()
    quote = serializers.SerializerMethodField()
    delivery_quote = serializers.SerializerMethodField()
    payments = serializers.SerializerMethodField()
    payment_totals = serializers.SerializerMethodField()
    parcel = serializers.SerializerMethodField()
    shipment = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    item_count = serializers.SerializerMethodField()
    shipping_address = AddressSnapshotField(read_only=True)

    class Meta(OrderListSerializer.Meta):
        fields = [
            *OrderListSerializer.Meta.fields,
            "status_reason",
            "shipping_address",
            "customer_note",
            "exchange_rate",
            "items",
            "quote",
            "delivery_quote",
            "payments",
            "payment_totals",
            "parcel",
            "shipment",
            "events",
            "updated_at",
        ]
        read_only_fields = fields  # output only: every key is always present

    def get_item_count(self, order) -> int:
        return len(order.items.all())

    @extend_schema_field(ExchangeRateOutput)
    def get_exchange_rate(self, order):
        return _exchange_rate(order)

    @extend_schema_field(OrderItemOutput(many=True))
    def get_items(self, order):
        return [
            {
                "id": item.pk,
                "position": item.position,
                "url": item.url,
                "quantity": item.quantity,
                "options": item.options,
                "note": item.note,
                "name": item.name,
                "name_status": item.name_status,
                "unit_price_krw": item.unit_price_krw,
                "line_total_krw": item.line_total_krw,
                "restricted": item.restricted,
                "restricted_reason": item.restricted_reason,
            }
            for item in order.items.all()
        ]

    @extend_schema_field(QuoteOutput(allow_null=True))
    def get_quote(self, order):
        if not order.quote_version:
            return None
        return {
            "version": order.quote_version,
            "quoted_at": order.quoted_at,
            "lines": order.quote_lines,
            "items_subtotal_krw": order.items_subtotal_krw,
            "domestic_shipping_krw": order.domestic_shipping_krw,
            "agency_fee_krw": order.agency_fee_krw,
            "card_fee_krw": order.card_fee_krw,
            "total_krw": order.total_krw,
            "total_cents": order.total_cents,
            "note": order.quote_note,
        }

    @extend_schema_field(DeliveryQuoteOutput(allow_null=True))
    def get_delivery_quote(self, order):
        if order.delivery_fee_cents is None:
            return None
        quote = pricing.quote_delivery(order.delivery_fee_cents)
        return {"lines": [line.__dict__ for line in quote.lines], "total_cents": quote.total_cents}

    @extend_schema_field(PaymentOutput(many=True))
    def get_payments(self, order):
        rows = []
        for payment in order.payments.all():
            row = {
                "id": payment.pk,
                "stage": payment.stage,
                "kind": payment.kind,
                "status": payment.status,
                "amount_cents": payment.amount_cents,
                "currency": payment.currency,
                "session_id": payment.session_id,
                "checkout_url": payment.checkout_url if payment.status == payment.Status.OPEN else None,
                "expires_at": payment.expires_at,
                "paid_at": payment.paid_at,
                "created_at": payment.created_at,
            }
            if self.staff:
                row.update(
                    provider=payment.provider,
                    payment_intent_id=payment.payment_intent_id,
                    refund_id=payment.refund_id,
                    flagged_reason=payment.flagged_reason,
                    reason=payment.reason,
                )
            rows.append(row)
        return rows

    @extend_schema_field(PaymentTotalsOutput)
    def get_payment_totals(self, order):
        return payment_totals(order).__dict__

    @extend_schema_field(ParcelOutput(allow_null=True))
    def get_parcel(self, order):
        parcel = related_or_none(order, "parcel")
        if parcel is None:
            return None
        request = self.context.get("request")
        return {
            "id": parcel.pk,
            "orders": [other.number for other in parcel.orders.all()],
            "consolidated": parcel.consolidated,
            "weight_g": parcel.weight_g,
            "billable_weight_g": parcel.billable_weight_g,
            "length_cm": None if parcel.length_cm is None else str(parcel.length_cm),
            "width_cm": None if parcel.width_cm is None else str(parcel.width_cm),
            "height_cm": None if parcel.height_cm is None else str(parcel.height_cm),
            "delivery_fee_cents": parcel.delivery_fee_cents,
            "notes": parcel.notes,
            "received_at": parcel.received_at,
            "photos": [photo_url(photo, request) for photo in parcel.photos.all()],
        }

    @extend_schema_field(ShipmentOutput(allow_null=True))
    def get_shipment(self, order):
        shipment = related_or_none(order, "shipment")
        if shipment is None:
            return None
        return {
            "carrier": shipment.carrier,
            "carrier_label": str(Shipment.Carrier(shipment.carrier).label),
            "tracking_number": shipment.tracking_number,
            "status": shipment.status_code,
            "status_description": shipment.status_description,
            "estimated_delivery_at": shipment.estimated_delivery_at,
            "shipped_at": shipment.shipped_at,
            "delivered_at": shipment.delivered_at,
            "scans": [
                {
                    "occurred_at": scan.occurred_at,
                    "code": scan.code,
                    "description": scan.description,
                    "location": scan.location,
                }
                for scan in shipment.events.all()
            ],
            **({"label_url": label_url(shipment, self.context.get("request"))} if self.staff else {}),
        }

    @extend_schema_field(EventOutput(many=True))
    def get_events(self, order):
        rows = []
        for event in order.events.all():
            if not self.staff and event.kind in STAFF_ONLY_EVENTS:
                continue
            row = {"kind": event.kind, "label": str(OrderEvent.Kind(event.kind).label), "at": event.created_at}
            if self.staff:
                row.update(actor=event.actor.email if event.actor else None, data=event.data)
            rows.append(row)
        return rows


class StaffOrderDetailSerializer(OrderDetailSerializer):
    """The order page plus what only staff see: the customer, payment provider details, event actors and data."""

    staff = True
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta(OrderDetailSerializer.Meta):
        fields = [*OrderDetailSerializer.Meta.fields, "email", "quote_note"]
        read_only_fields = fields

    # The rows gain staff-only keys (see `staff` above); overridden only to describe them.
    @extend_schema_field(StaffPaymentOutput(many=True))
    def get_payments(self, order):
        return super().get_payments(order)

    @extend_schema_field(StaffEventOutput(many=True))
    def get_events(self, order):
        return super().get_events(order)

    @extend_schema_field(StaffShipmentOutput(allow_null=True))
    def get_shipment(self, order):
        return super().get_shipment(order)
