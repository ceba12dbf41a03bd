from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from bidangil.api.pagination import PagePagination
from bidangil.api.serializers import error_responses

from . import selectors, services
from .models import Notification
from .serializers import MarkReadInput, MarkReadOutput, NotificationSerializer

TAGS = ["notifications"]


class InboxPagination(PagePagination):
    """The usual page, plus the unread count the view adds (described here so the schema shows it)."""

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["unread"] = {"type": "integer", "description": "Unread notifications in all pages."}
        schema["required"] = [*schema.get("required", []), "unread"]
        return schema


class NotificationListView(generics.ListAPIView):
    """The inbox: unread first, paginated, with the unread count."""

    serializer_class = NotificationSerializer
    pagination_class = InboxPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Notification.objects.none()
        return selectors.inbox(self.request.user)

    @extend_schema(
        tags=TAGS,
        summary="My notifications, unread first",
        responses={
            200: NotificationSerializer(many=True),
            **error_responses(e401="Not signed in.", e404="No such page."),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        response.data["unread"] = selectors.unread_count(request.user)
        return response


class MarkReadView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Mark notifications read",
        request=MarkReadInput,
        responses={
            200: MarkReadOutput,
            **error_responses(
                e400="Neither `ids` nor `all: true`, or more than 500 ids.",
                e401="Not signed in.",
                e403="CSRF check failed: session-cookie clients must send the X-CSRFToken header.",
            ),
        },
    )
    def post(self, request):
        data = MarkReadInput(data=request.data)
        data.is_valid(raise_exception=True)
        ids = None if data.validated_data["all"] else data.validated_data["ids"]
        updated = services.mark_read(user=request.user, ids=ids)
        return Response(MarkReadOutput({"updated": updated, "unread": selectors.unread_count(request.user)}).data)
