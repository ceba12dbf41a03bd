from rest_framework import permissions, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from bidangil.api.pagination import PagePagination
from bidangil.api.throttling import ScopedThrottle
from commerce import selectors, services
from commerce.models import Order

from . import serializers as s


def _status_filter(request) -> str | None:
    value = request.query_params.get("status") or None
    if value and value not in Order.Status.values:
        raise ValidationError({"status": [f"Unknown status; choose one of {', '.join(Order.Status.values)}."]})
    return value


class IsOrderStaff(permissions.BasePermission):
    message = "Only order staff may do this."

    def has_permission(self, request, view):
        return selectors.is_order_staff(request.user)


class OrderListCreateView(APIView):
    """GET my orders (newest first, `status` filter); POST a new order request."""

    throttle_scope = "order"

    def get_throttles(self):
        return [ScopedThrottle()] if self.request.method == "POST" else []

    def get(self, request):
        orders = selectors.customer_orders(request.user, status=_status_filter(request))
        paginator = PagePagination()
        page = paginator.paginate_queryset(orders, request, view=self)
        return paginator.get_paginated_response(s.OrderListSerializer(page, many=True).data)

    def post(self, request):
        data = s.OrderCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.create_order(user=request.user, **data.validated_data)
        order = selectors.order_for_customer(request.user, order.number)
        return Response(
            s.OrderDetailSerializer(order, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class OrderDetailView(APIView):
    def get(self, request, number):
        order = selectors.order_for_customer(request.user, number)
        return Response(s.OrderDetailSerializer(order, context={"request": request}).data)


class OrderCancelView(APIView):
    def post(self, request, number):
        order = selectors.order_for_customer(request.user, number)
        data = s.CancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.cancel_order(order_id=order.pk, actor=request.user, **data.validated_data)
        order = selectors.order_for_customer(request.user, number)
        return Response(s.OrderDetailSerializer(order, context={"request": request}).data)


class OrderCheckoutView(APIView):
    """The open Checkout session for a stage (created on first call, the same one on repeats)."""

    def post(self, request, number):
        order = selectors.order_for_customer(request.user, number)
        data = s.CheckoutInput(data=request.data)
        data.is_valid(raise_exception=True)
        payment = services.start_checkout(order_id=order.pk, stage=data.validated_data["stage"])
        return Response(
            {
                "checkout_url": payment.checkout_url,
                "expires_at": payment.expires_at,
                "session_id": payment.session_id,
                "stage": payment.stage,
                "amount_cents": payment.amount_cents,
                "currency": payment.currency,
            }
        )


# --- Staff ----------------------------------------------------------------------------------------------


class StaffOrderListView(APIView):
    permission_classes = [IsOrderStaff]

    def get(self, request):
        orders = selectors.staff_orders(
            status=_status_filter(request),
            q=request.query_params.get("q"),
            waiting=request.query_params.get("waiting") in ("1", "true"),
        )
        paginator = PagePagination()
        page = paginator.paginate_queryset(orders, request, view=self)
        return paginator.get_paginated_response(s.StaffOrderListSerializer(page, many=True).data)


class StaffOrderDetailView(APIView):
    permission_classes = [IsOrderStaff]

    def get(self, request, number):
        order = selectors.order_for_staff(number)
        return Response(s.StaffOrderDetailSerializer(order, context={"request": request}).data)


class StaffOrderActionView(APIView):
    """Parse input, call one service, answer with the order as staff see it."""

    permission_classes = [IsOrderStaff]
    input_serializer = None

    def perform(self, order, actor, data):
        raise NotImplementedError

    def post(self, request, number):
        order = selectors.order_for_staff(number)
        data = self.input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        self.perform(order, request.user, data.validated_data)
        order = selectors.order_for_staff(number)
        return Response(s.StaffOrderDetailSerializer(order, context={"request": request}).data)


class StaffQuoteView(StaffOrderActionView):
    input_serializer = s.QuoteInput

    def perform(self, order, actor, data):
        services.quote_order(order_id=order.pk, actor=actor, **data)


class StaffRejectView(StaffOrderActionView):
    input_serializer = s.RejectInput

    def perform(self, order, actor, data):
        services.reject_order(order_id=order.pk, actor=actor, **data)


class StaffPurchaseView(StaffOrderActionView):
    input_serializer = s.PurchaseInput

    def perform(self, order, actor, data):
        services.mark_purchased(order_id=order.pk, actor=actor, **data)


class StaffCancelView(StaffOrderActionView):
    input_serializer = s.CancelInput

    def perform(self, order, actor, data):
        services.cancel_order(order_id=order.pk, actor=actor, **data)


class StaffRefundView(StaffOrderActionView):
    input_serializer = s.RefundInput

    def perform(self, order, actor, data):
        services.refund_order(order_id=order.pk, actor=actor, **data)
