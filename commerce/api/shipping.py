"""The warehouse desk's staff API (record a parcel's intake, ship it) and the customer's consolidated parcels.
Thin: parse, call one service."""

from functools import partial

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from bidangil.api.serializers import MAX_ID, StrictCharField, StrictSerializer, error_responses
from bidangil.errors import Conflict, DomainError
from commerce import error_codes, limits, selectors
from commerce.api.serializers import StaffOrderDetailSerializer
from commerce.api.views import IsOrderStaff, StaffOrderActionView, _errors
from commerce.orders.models import Order
from commerce.orders.steps import current_step
from commerce.shipping import selectors as parcel_selectors
from commerce.shipping import services as shipping
from commerce.shipping.invoice import invoice_response
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
    """No fields: the parcel, its address and its items are the order's."""


class StaffLabelView(StaffOrderActionView):
    """POST → the parcel's shipment booked at the carrier (tracking number, PDF label in `shipment.label_url`) and
    every order of the parcel shipped. 400 `carrier_refused` with the carrier's words, 502 `carrier_unavailable`
    when it failed or did not answer (check FedEx before trying again); nothing changes then."""

    input_serializer = LabelInput

    def perform(self, order, actor, data):
        order.require_status(Order.Status.DELIVERY_PAID)  # before its intake an order has no parcel yet: 409
        shipping.create_label(parcel_id=order.parcel_id, actor=actor)

    @extend_schema(
        tags=["staff orders"],
        responses={
            200: StaffOrderDetailSerializer,
            **_errors(400, 401, 403, 404, 409, e502="The carrier failed or did not answer; check FedEx."),
        },
    )
    def post(self, request, number):
        return super().post(request, number)


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


# --- Staff: customs declaration --------------------------------------------------------------------


class CustomsLineInput(StrictSerializer):
    id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    description = StrictCharField(max_length=shipping.MAX_CUSTOMS_DESCRIPTION)
    hs_code = StrictCharField(max_length=20, help_text="6, 8 or 10 digits (dots and spaces are dropped).")
    quantity = serializers.IntegerField(min_value=1, max_value=shipping.MAX_CUSTOMS_QUANTITY)
    unit_value_cents = serializers.IntegerField(min_value=1, max_value=shipping.MAX_UNIT_VALUE_CENTS)

    def validate_hs_code(self, value):
        try:
            return shipping.clean_hs_code(value)
        except DomainError as exc:
            raise serializers.ValidationError(exc.message) from None


class CustomsInput(StrictSerializer):
    lines = CustomsLineInput(many=True, allow_empty=False)


class CustomsLineOutput(serializers.Serializer):
    id = serializers.IntegerField()
    item_id = serializers.IntegerField(allow_null=True)
    category = serializers.CharField(allow_null=True, source="category.name", default=None)
    description = serializers.CharField()
    hs_code = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_value_cents = serializers.IntegerField()
    total_cents = serializers.IntegerField()
    origin_country = serializers.CharField()


class CustomsOutput(serializers.Serializer):
    parcel_id = serializers.IntegerField(source="pk")
    lines = CustomsLineOutput(many=True, source="customs_lines.all")
    declared_cents = serializers.SerializerMethodField()
    paid_cents = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField()

    def _check(self, parcel):
        if "check" not in self.context:
            self.context["check"] = shipping.check_customs(parcel)
        return self.context["check"]

    def get_declared_cents(self, parcel) -> int:
        return self._check(parcel).declared_cents

    def get_paid_cents(self, parcel) -> int:
        return self._check(parcel).paid_cents

    def get_problems(self, parcel) -> list[str]:
        return [str(problem) for problem in self._check(parcel).problems]


def _staff_parcel(number: str):
    order = selectors.order_for_staff(number)
    if order.parcel_id is None or order.parcel.received_at is None:
        raise Conflict(
            _("Order %(number)s has no parcel recorded yet.") % {"number": order.number},
            code=error_codes.ORDER_CONFLICT,
        )
    return order.parcel


class StaffCustomsView(APIView):
    """The parcel's customs declaration (suggested on first view) and staff corrections of its lines."""

    permission_classes = [IsOrderStaff]

    @extend_schema(tags=["staff orders"], responses={200: CustomsOutput, **_parcel_errors(401, 403, 404, 409)})
    def get(self, request, number):
        parcel = shipping.customs_declaration(_staff_parcel(number).pk)
        return Response(CustomsOutput(parcel).data)

    @extend_schema(
        tags=["staff orders"],
        request=CustomsInput,
        responses={200: CustomsOutput, **_parcel_errors(400, 401, 403, 404, 409)},
    )
    def put(self, request, number):
        parcel = _staff_parcel(number)
        data = CustomsInput(data=request.data)
        data.is_valid(raise_exception=True)
        shipping.customs_declaration(parcel.pk)
        parcel = shipping.update_customs_lines(
            parcel_id=parcel.pk, actor=request.user, lines=data.validated_data["lines"]
        )
        return Response(CustomsOutput(parcel).data)


class StaffCommercialInvoiceView(APIView):
    permission_classes = [IsOrderStaff]

    @extend_schema(
        tags=["staff orders"],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The commercial invoice."),
            **_parcel_errors(401, 403, 404, 409),
        },
    )
    def get(self, request, number):
        parcel = shipping.customs_declaration(_staff_parcel(number).pk)
        return invoice_response(parcel)
