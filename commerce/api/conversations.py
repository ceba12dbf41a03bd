"""The order conversation over the API: the customer's and the staff's side. Thin: parse, call one service."""

from functools import partial

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from bidangil.api.pagination import PagePagination
from bidangil.api.serializers import MAX_ID, StrictCharField, StrictSerializer, error_responses
from commerce import limits
from commerce.api.views import IsOrderStaff
from commerce.conversations import selectors, services
from commerce.conversations.documents import image_url

_errors = partial(error_responses, defaults={404: "No such order (or not yours)."})

# --- Input ------------------------------------------------------------------------------------------


class MessageInput(StrictSerializer):
    """Multipart (with images) or JSON (text only)."""

    body = StrictCharField(max_length=limits.MESSAGE_MAX_LENGTH, required=False, allow_blank=True, default="")
    # Count, type and size are checked by the service, as for post images.
    images = serializers.ListField(
        child=serializers.FileField(allow_empty_file=False),
        required=False,
        default=list,
        help_text=f"PNG, JPEG, WebP or GIF; at most {limits.MESSAGE_MAX_IMAGES}.",
    )


class StaffMessageInput(MessageInput):
    template = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        default=None,
        help_text="A reply template; its text is sent when `body` is empty.",
    )


# --- Output -----------------------------------------------------------------------------------------


class MessageImageOutput(serializers.Serializer):
    url = serializers.URLField(help_text="Signed link, valid for a short time.")
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class MessageOutput(serializers.Serializer):
    id = serializers.IntegerField()
    sender = serializers.SerializerMethodField()
    body = serializers.CharField()
    images = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True, help_text="When the other side read it.")

    @extend_schema_field(serializers.ChoiceField(choices=["customer", "staff"]))
    def get_sender(self, message):
        return "staff" if message.from_staff else "customer"

    @extend_schema_field(MessageImageOutput(many=True))
    def get_images(self, message):
        request = self.context.get("request")
        return [{"url": image_url(i, request), "width": i.width, "height": i.height} for i in message.images.all()]


class StaffMessageOutput(MessageOutput):
    author = serializers.SerializerMethodField()

    @extend_schema_field(serializers.EmailField(allow_null=True))
    def get_author(self, message):
        return message.author.email if message.author else None


class ReadOutput(serializers.Serializer):
    updated = serializers.IntegerField(help_text="Messages marked read now.")
    unread = serializers.IntegerField(help_text="Messages still unread on the order.")


class ReplyTemplateOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()


# --- Views ------------------------------------------------------------------------------------------


class _Conversation(APIView):
    """One side of an order's conversation; the subclasses say whose side and how the order is found."""

    pagination_class = PagePagination
    staff = False
    input_serializer = MessageInput
    output_serializer = MessageOutput

    def get_order(self, request, number):
        return selectors.conversation_order(number, customer=request.user)

    def post_kwargs(self, data) -> dict:
        return {}

    def list(self, request, number):
        order = self.get_order(request, number)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.order_messages(order.pk), request, view=self)
        rows = self.output_serializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(rows)

    def create(self, request, number):
        order = self.get_order(request, number)
        data = self.input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.post_message(
            order_id=order.pk,
            author=request.user,
            body=data.validated_data["body"],
            images=data.validated_data["images"],
            from_staff=self.staff,
            **self.post_kwargs(data.validated_data),
        )
        message = selectors.order_messages(order.pk).get(pk=message.pk)
        body = self.output_serializer(message, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)

    def read(self, request, number):
        order = self.get_order(request, number)
        updated = services.mark_read(order_id=order.pk, by_staff=self.staff)
        return Response({"updated": updated, "unread": 0})


class OrderMessagesView(_Conversation):
    """GET the conversation on my order (oldest first); POST a message to staff."""

    @extend_schema(tags=["orders"], responses={200: MessageOutput(many=True), **_errors(401, 404)})
    def get(self, request, number):
        return self.list(request, number)

    @extend_schema(
        tags=["orders"],
        request={"multipart/form-data": MessageInput, "application/json": MessageInput},
        responses={201: MessageOutput, **_errors(400, 401, 404, 413)},
    )
    def post(self, request, number):
        return self.create(request, number)


class OrderMessagesReadView(_Conversation):
    """Mark the staff's messages on my order read."""

    @extend_schema(tags=["orders"], request=None, responses={200: ReadOutput, **_errors(401, 404)})
    def post(self, request, number):
        return self.read(request, number)


class _StaffConversation(_Conversation):
    permission_classes = [IsOrderStaff]
    staff = True
    input_serializer = StaffMessageInput
    output_serializer = StaffMessageOutput

    def get_order(self, request, number):
        return selectors.conversation_order(number)

    def post_kwargs(self, data) -> dict:
        return {"template_id": data["template"]}


class StaffOrderMessagesView(_StaffConversation):
    """GET the order's conversation; POST a reply to the customer (text, a reply template, images)."""

    @extend_schema(tags=["staff orders"], responses={200: StaffMessageOutput(many=True), **_errors(401, 403, 404)})
    def get(self, request, number):
        return self.list(request, number)

    @extend_schema(
        tags=["staff orders"],
        request={"multipart/form-data": StaffMessageInput, "application/json": StaffMessageInput},
        responses={201: StaffMessageOutput, **_errors(400, 401, 403, 404, 413)},
    )
    def post(self, request, number):
        return self.create(request, number)


class StaffOrderMessagesReadView(_StaffConversation):
    """Mark the customer's messages on the order read."""

    @extend_schema(tags=["staff orders"], request=None, responses={200: ReadOutput, **_errors(401, 403, 404)})
    def post(self, request, number):
        return self.read(request, number)


class StaffReplyTemplateListView(APIView):
    permission_classes = [IsOrderStaff]

    @extend_schema(tags=["staff orders"], responses={200: ReplyTemplateOutput(many=True), **_errors(401, 403)})
    def get(self, request):
        return Response(ReplyTemplateOutput(selectors.reply_templates(), many=True).data)
