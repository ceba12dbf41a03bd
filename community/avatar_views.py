from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import avatars


class AvatarInput(serializers.Serializer):
    species = serializers.JSONField()
    answers = serializers.JSONField()


class AvatarChoicesView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    def get(self, request):
        return Response(avatars.choices())


class MyAvatarView(APIView):
    def get(self, request):
        return Response(avatars.latest(request.user))

    def post(self, request):
        data = AvatarInput(data=request.data)
        data.is_valid(raise_exception=True)
        avatar_request = avatars.request_avatar(user=request.user, **data.validated_data)
        return Response({"job": avatar_request.pk, "status": avatar_request.status}, status=202)
