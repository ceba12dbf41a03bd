"""Staff API for the warehouse desk: record a parcel's intake, ship it (typed number or carrier label). Thin."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from bidangil.api.serializers import StrictSerializer
from commerce.api.serializers import StaffOrderDetailSerializer
from commerce.api.views import StaffOrderActionView, _errors
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


class LabelInput(StrictSerializer):
    """No fields: the parcel, the address and the items are the order's."""


class StaffLabelView(StaffOrderActionView):
    """POST → the shipment booked at the carrier (tracking number, PDF label) and the order shipped. 400 when the
    carrier refuses the data (its message), 502 when it cannot be reached; nothing changes then."""

    input_serializer = LabelInput
    service = staticmethod(shipping.create_label)

    @extend_schema(
        tags=["staff orders"],
        responses={200: StaffOrderDetailSerializer, **_errors(400, 401, 403, 404, 409, 502)},
    )
    def post(self, request, number):
        return super().post(request, number)
