from django.http import Http404
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from bidangil.api.throttling import ScopedThrottle

from . import products
from .product_models import ProductLookup


class ProductLookupSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductLookup
        fields = ["id", "url", "status", "name", "price_krw", "image", "error", "created_at", "finished_at"]


class ProductInfoInput(serializers.Serializer):
    url = serializers.JSONField()


class ProductInfoView(APIView):
    throttle_classes = [ScopedThrottle]
    throttle_scope = "product_info"

    def post(self, request):
        data = ProductInfoInput(data=request.data)
        data.is_valid(raise_exception=True)
        lookup = products.request_product_info(user=request.user, url=data.validated_data["url"])
        return Response({"id": lookup.pk, "status": lookup.status}, status=202)


class ProductInfoDetailView(APIView):
    def get(self, request, lookup_id: int):
        lookup = products.lookup_for(request.user, lookup_id)
        if lookup is None:
            raise Http404
        return Response(ProductLookupSerializer(lookup).data)
