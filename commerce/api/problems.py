"""Item problems over the API: staff report one, the customer lists and answers them. Thin: parse, call one
service."""

from functools import partial

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from bidangil.api.serializers import MAX_ID, StrictCharField, StrictSerializer, error_responses
from commerce.api.views import IsOrderStaff
from commerce.conversations.selectors import conversation_order
from commerce.problems import selectors, services
from commerce.problems.models import ItemProblem

_errors = partial(
    error_responses,
    defaults={
        404: "No such order (or not yours), or no such problem on it.",
        409: "Not in the order's status, already answered, or past the deadline.",
    },
)


class ProblemInput(StrictSerializer):
    item = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="An item of this order.")
    kind = serializers.ChoiceField(choices=ItemProblem.Kind.choices)
    new_price_krw = serializers.IntegerField(
        min_value=1, max_value=10**12, required=False, allow_null=True, default=None, help_text="For price_changed."
    )
    note = StrictCharField(max_length=1000, required=False, allow_blank=True, default="")


class AnswerInput(StrictSerializer):
    choice = serializers.ChoiceField(choices=ItemProblem.Choice.choices)
    url = serializers.URLField(max_length=2000, required=False, allow_blank=True, default="")


class ProblemOutput(serializers.Serializer):
    id = serializers.IntegerField()
    item = serializers.IntegerField(source="item_id")
    item_name = serializers.CharField(source="item.name")
    kind = serializers.ChoiceField(choices=ItemProblem.Kind.choices)
    new_price_krw = serializers.IntegerField(allow_null=True)
    note = serializers.CharField()
    status = serializers.ChoiceField(choices=ItemProblem.Status.choices)
    deadline = serializers.DateTimeField()
    choice = serializers.CharField(help_text="alternative, refund_item or cancel; empty while open.")
    alternative_url = serializers.CharField()
    refund_cents = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)


class OrderProblemsView(APIView):
    """GET the item problems of my order (oldest first)."""

    @extend_schema(tags=["orders"], responses={200: ProblemOutput(many=True), **_errors(401, 404)})
    def get(self, request, number):
        order = conversation_order(number, customer=request.user)
        return Response(ProblemOutput(selectors.order_problems(order.pk), many=True).data)


class OrderProblemAnswerView(APIView):
    """POST my choice for an open item problem of my order."""

    @extend_schema(tags=["orders"], request=AnswerInput, responses={200: ProblemOutput, **_errors(400, 401, 404, 409)})
    def post(self, request, number, problem_id):
        order = conversation_order(number, customer=request.user)
        data = AnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        problem = services.answer_item_problem(
            order_id=order.pk, problem_id=problem_id, customer=request.user, **data.validated_data
        )
        return Response(ProblemOutput(selectors.order_problems(order.pk).get(pk=problem.pk)).data)


class StaffOrderProblemsView(APIView):
    """GET the order's item problems; POST a new one (the customer is asked to choose)."""

    permission_classes = [IsOrderStaff]

    @extend_schema(tags=["staff orders"], responses={200: ProblemOutput(many=True), **_errors(401, 403, 404)})
    def get(self, request, number):
        order = conversation_order(number)
        return Response(ProblemOutput(selectors.order_problems(order.pk), many=True).data)

    @extend_schema(
        tags=["staff orders"],
        request=ProblemInput,
        responses={201: ProblemOutput, **_errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, number):
        order = conversation_order(number)
        data = ProblemInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        problem = services.open_item_problem(
            order_id=order.pk,
            actor=request.user,
            item_id=values["item"],
            kind=values["kind"],
            new_price_krw=values["new_price_krw"],
            note=values["note"],
        )
        body = ProblemOutput(selectors.order_problems(order.pk).get(pk=problem.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)
