"""The site's URLs plus the two baselines the bench compares each endpoint with; served only by `make bench`."""

from django.http import JsonResponse
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from bidangil.urls import urlpatterns as site_urlpatterns


def bare_django(request):
    return JsonResponse({"ok": True})


class BareDrf(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"ok": True})


urlpatterns = [
    path("bench/django/", bare_django),
    path("bench/drf/", BareDrf.as_view()),
    *site_urlpatterns,
]
