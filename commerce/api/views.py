from functools import partial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.two_factor import missing_second_factor
from bidangil.api.pagination import PagePagination
from bidangil.api.serializers import error_responses
from bidangil.api.throttling import ScopedThrottle
from commerce import error_codes
from commerce.api import serializers as s
from commerce.orders import pages as order_pages
from commerce.orders import selectors, services
from commerce.orders.models import Order
from commerce.payments import services as payments
from commerce.selectors import customer_orders, order_for_customer, order_for_staff, staff_orders

STATUS_PARAM = OpenApiParameter("status", enum=Order.Status.values, description="Only orders in this status.")


_errors = partial(
    error_responses, defaults={404: "No such order (or not yours).", 409: "Not possible in the order's current status."}
)


def _status_filter(request) -> str | None:
    value = request.query_params.get("status") or None
    if value and value not in Order.Status.values:
        raise ValidationError(
            {"status": [_("Unknown status; choose one of %(join)s.") % {"join": ", ".join(Order.Status.values)}]}
        )
    return value


class IsOrderStaff(permissions.BasePermission):
    """Order staff, with their second factor when they have or need one (an admin session that entered a code;
    an API token never carries one)."""

    message = _lazy("Only order staff may do this.")

    def has_permission(self, request, view):
        if not selectors.is_order_staff(request.user):
            return False
        if missing_second_factor(request.user):
            raise exceptions.PermissionDenied(
                _("Sign in to the admin with your two-factor code first."), code=error_codes.SECOND_FACTOR_REQUIRED
            )
        return True


class OrderListCreateView(APIView):
    """GET my orders (newest first, `status` filter); POST a new order request."""

    throttle_scope = "order"
    pagination_class = PagePagination

    def get_throttles(self):
        return [ScopedThrottle()] if self.request.method == "POST" else []

    @extend_schema(
        tags=["orders"],
        parameters=[STATUS_PARAM],
        responses={200: s.OrderListSerializer(many=True), **_errors(400, 401)},
    )
    def get(self, request):
        status = _status_filter(request)

        def build():
            paginator = self.pagination_class()
            page = paginator.paginate_queryset(customer_orders(request.user, status=status), request, view=self)
            return paginator.get_paginated_response(s.OrderListSerializer(page, many=True).data).data

        return Response(order_pages.page(request, build, scope=order_pages.member_scope(request.user.pk)))

    @extend_schema(
        tags=["orders"],
        request=s.OrderCreateInput,
        responses={201: s.OrderDetailSerializer, **_errors(400, 401, 429)},
    )
    def post(self, request):
        data = s.OrderCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.create_order(user=request.user, **data.validated_data)
        order = order_for_customer(request.user, order.number)
        return Response(
            s.OrderDetailSerializer(order, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class OrderDetailView(APIView):
    @extend_schema(tags=["orders"], responses={200: s.OrderDetailSerializer, **_errors(401, 404)})
    def get(self, request, number):
        def build():
            order = order_for_customer(request.user, number)
            return s.OrderDetailSerializer(order, context={"request": request}).data

        return Response(order_pages.page(request, build, scope=order_pages.member_scope(request.user.pk)))


class OrderCancelView(APIView):
    @extend_schema(
        tags=["orders"],
        request=s.CancelInput,
        responses={200: s.OrderDetailSerializer, **_errors(400, 401, 404, 409)},
    )
    def post(self, request, number):
        order = order_for_customer(request.user, number)
        data = s.CancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        payments.cancel_order(order_id=order.pk, actor=request.user, **data.validated_data)
        order = order_for_customer(request.user, number)
        return Response(s.OrderDetailSerializer(order, context={"request": request}).data)


class OrderCheckoutView(APIView):
    """The open Checkout session for a stage (created on first call, the same one on repeats)."""

    @extend_schema(
        tags=["orders"],
        request=s.CheckoutInput,
        responses={
            200: OpenApiResponse(s.CheckoutOutput, description="Redirect the customer to `checkout_url`."),
            **_errors(400, 401, 404, 409),
        },
    )
    def post(self, request, number):
        order = order_for_customer(request.user, number)
        data = s.CheckoutInput(data=request.data)
        data.is_valid(raise_exception=True)
        payment = payments.start_checkout(order_id=order.pk, stage=data.validated_data["stage"])
        return Response(s.CheckoutOutput(payment).data)


# --- Staff ----------------------------------------------------------------------------------------------


class StaffOrderListView(APIView):
    permission_classes = [IsOrderStaff]
    pagination_class = PagePagination

    @extend_schema(
        tags=["staff orders"],
        parameters=[
            STATUS_PARAM,
            OpenApiParameter("q", description="Part of the order number, customer email or tracking number."),
            OpenApiParameter("waiting", bool, description="Only orders waiting on staff (`1` or `true`)."),
        ],
        responses={200: s.StaffOrderListSerializer(many=True), **_errors(400, 401, 403)},
    )
    def get(self, request):
        status, q = _status_filter(request), request.query_params.get("q")
        waiting = request.query_params.get("waiting") in ("1", "true")

        def build():
            orders = staff_orders(status=status, q=q, waiting=waiting)
            # Unfiltered or by status only, the total is the maintained count; a search counts its matches.
            count = None if q or waiting else selectors.order_count(status)
            paginator = self.pagination_class()
            page = paginator.paginate_queryset(orders, request, view=self, count=count)
            return paginator.get_paginated_response(s.StaffOrderListSerializer(page, many=True).data).data

        # The same list for all order staff (permission_classes has checked the viewer).
        return Response(order_pages.page(request, build, scope=order_pages.STAFF))


class StaffOrderDetailView(APIView):
    permission_classes = [IsOrderStaff]

    @extend_schema(tags=["staff orders"], responses={200: s.StaffOrderDetailSerializer, **_errors(401, 403, 404)})
    def get(self, request, number):
        order = order_for_staff(number)
        return Response(s.StaffOrderDetailSerializer(order, context={"request": request}).data)


class StaffOrderActionView(APIView):
    """Parse input, call one service, answer with the order as staff see it."""

    permission_classes = [IsOrderStaff]
    input_serializer = None
    # The service doing the action, called as service(order_id=..., actor=..., **validated input).
    service = None

    def perform(self, order, actor, data):
        self.service(order_id=order.pk, actor=actor, **data)

    def get_serializer_class(self):
        # Also how the API schema learns each action's request body.
        return self.input_serializer

    @extend_schema(
        tags=["staff orders"],
        responses={200: s.StaffOrderDetailSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, number):
        order = order_for_staff(number)
        data = self.get_serializer_class()(data=request.data)
        data.is_valid(raise_exception=True)
        self.perform(order, request.user, data.validated_data)
        order = order_for_staff(number)
        return Response(s.StaffOrderDetailSerializer(order, context={"request": request}).data)


class StaffQuoteView(StaffOrderActionView):
    input_serializer = s.QuoteInput
    service = staticmethod(services.quote_order)


class StaffRejectView(StaffOrderActionView):
    input_serializer = s.RejectInput
    service = staticmethod(services.reject_order)


class StaffPurchaseView(StaffOrderActionView):
    input_serializer = s.PurchaseInput
    service = staticmethod(services.mark_purchased)


class StaffCancelView(StaffOrderActionView):
    input_serializer = s.CancelInput
    service = staticmethod(payments.cancel_order)


class StaffRefundView(StaffOrderActionView):
    input_serializer = s.RefundInput
    service = staticmethod(payments.refund_order)
