"""Staff API for the warehouse desk: record a parcel's intake, ship it. Thin: parse, call one service."""

from rest_framework import serializers

from bidangil.api.serializers import StrictSerializer
from commerce.api.views import StaffOrderActionView
from commerce.shipping import services as shipping
from commerce.shipping.models import Shipment


def _side_field():
    return serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=shipping.MIN_SIDE_CM, max_value=shipping.MAX_SIDE_CM
    )


class IntakeInput(StrictSerializer):
    weight_g = serializers.IntegerField(min_value=1, max_value=shipping.MAX_WEIGHT_G)
    length_cm = _side_field()
    width_cm = _side_field()
    height_cm = _side_field()
    notes = serializers.CharField(max_length=shipping.MAX_NOTES, required=False, allow_blank=True, default="")
    # Count, type and size are checked by the service, the same way for the API and the admin form.
    photos = serializers.ListField(child=serializers.FileField(allow_empty_file=False), required=False, default=list)


class ShipInput(StrictSerializer):
    carrier = serializers.ChoiceField(choices=Shipment.Carrier.choices, default=Shipment.Carrier.FEDEX)
    tracking_number = serializers.CharField(max_length=60)


class StaffIntakeView(StaffOrderActionView):
    """POST (multipart or JSON) weight, dimensions, notes and up to 10 photos → delivery_quoted."""

    input_serializer = IntakeInput
    service = staticmethod(shipping.record_intake)


class StaffShipView(StaffOrderActionView):
    """POST carrier and tracking number → shipped."""

    input_serializer = ShipInput
    service = staticmethod(shipping.ship_order)
