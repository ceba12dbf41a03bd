from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, services
from .serializers import MarkReadInput, NotificationSerializer


class NotificationListView(generics.ListAPIView):
    """The inbox: unread first, paginated, with the unread count."""

    serializer_class = NotificationSerializer

    def get_queryset(self):
        return selectors.inbox(self.request.user)

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        response.data["unread"] = selectors.unread_count(request.user)
        return response


class MarkReadView(APIView):
    def post(self, request):
        data = MarkReadInput(data=request.data)
        data.is_valid(raise_exception=True)
        ids = None if data.validated_data["all"] else data.validated_data["ids"]
        updated = services.mark_read(user=request.user, ids=ids)
        return Response({"updated": updated, "unread": selectors.unread_count(request.user)})
