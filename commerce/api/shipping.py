"""The warehouse desk's staff API (record a parcel's intake, ship it) and the customer's consolidated parcels.
Thin: parse, call one service."""

from functools import partial

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from bidangil.api.serializers import StrictCharField, StrictSerializer, error_responses
from commerce import limits
from commerce.api.views import StaffOrderActionView
from commerce.orders.models import Order
from commerce.orders.steps import current_step
from commerce.shipping import selectors as parcel_selectors
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


# --- Customer: consolidated parcels ----------------------------------------------------------------


class ConsolidationInput(StrictSerializer):
    orders = serializers.ListField(
        child=StrictCharField(max_length=20),
        min_length=limits.CONSOLIDATION_MIN_ORDERS,
        max_length=limits.CONSOLIDATION_MAX_ORDERS,
        help_text="Numbers of your purchased orders to ship in one parcel.",
    )


class ParcelOrderOutput(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=Order.Status.choices)
    step = serializers.IntegerField()


class CustomerParcelOutput(serializers.Serializer):
    id = serializers.IntegerField()
    consolidated = serializers.BooleanField()
    consolidation_requested_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True, help_text="Warehouse intake; empty until then.")
    delivery_fee_cents = serializers.IntegerField(allow_null=True)
    orders = serializers.SerializerMethodField()

    @extend_schema_field(ParcelOrderOutput(many=True))
    def get_orders(self, parcel):
        return [
            {"number": order.number, "status": order.status, "step": current_step(order.status)}
            for order in parcel.orders.all()
        ]


class SplitOutput(serializers.Serializer):
    orders = serializers.ListField(child=serializers.CharField(), help_text="The orders, each on its own again.")


_parcel_errors = partial(
    error_responses,
    defaults={404: "No such parcel or order (or not yours).", 409: "Not possible in the orders' current status."},
)


class ParcelCreateView(APIView):
    """POST: ship several purchased orders together (one intake, one delivery fee, one shipment)."""

    @extend_schema(
        tags=["orders"],
        request=ConsolidationInput,
        responses={201: CustomerParcelOutput, **_parcel_errors(400, 401, 404, 409)},
    )
    def post(self, request):
        data = ConsolidationInput(data=request.data)
        data.is_valid(raise_exception=True)
        parcel = shipping.request_consolidation(user=request.user, order_numbers=data.validated_data["orders"])
        parcel = parcel_selectors.parcel_for_customer(request.user, parcel.pk)
        return Response(CustomerParcelOutput(parcel).data, status=status.HTTP_201_CREATED)


class ParcelDetailView(APIView):
    @extend_schema(tags=["orders"], responses={200: CustomerParcelOutput, **_parcel_errors(401, 404)})
    def get(self, request, parcel_id):
        return Response(CustomerParcelOutput(parcel_selectors.parcel_for_customer(request.user, parcel_id)).data)


class ParcelSplitView(APIView):
    """POST: undo a consolidation before its delivery fee is paid."""

    @extend_schema(tags=["orders"], request=None, responses={200: SplitOutput, **_parcel_errors(401, 404, 409)})
    def post(self, request, parcel_id):
        parcel = parcel_selectors.parcel_for_customer(request.user, parcel_id)
        orders = shipping.split_parcel(parcel_id=parcel.pk, actor=request.user)
        return Response(SplitOutput({"orders": [order.number for order in orders]}).data)
