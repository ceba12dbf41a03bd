from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from bidangil.api.serializers import StrictSerializer, error_responses
from bidangil.api.throttling import ScopedThrottle
from commerce.products import services as products
from commerce.products.models import ProductLookup

TAGS = ["product-info"]
CSRF = "CSRF check failed: session-cookie clients must send the X-CSRFToken header."


class ProductLookupSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductLookup
        fields = ["id", "url", "status", "name", "price_krw", "image", "error", "created_at", "finished_at"]
        extra_kwargs = {
            "name": {"help_text": "Empty until the lookup is ready."},
            "price_krw": {"help_text": "Won; null when the page shows no price in KRW (or not ready yet)."},
            "image": {"help_text": "Absolute image URL, or empty."},
            "error": {"help_text": "Why a failed lookup failed; empty otherwise."},
        }


@extend_schema_field({"type": "string", "format": "uri", "maxLength": 2000})
class ProductUrlField(serializers.JSONField):
    """Any JSON reaches the service, whose own message answers a non-string or a non-http(s) URL."""


class ProductInfoInput(StrictSerializer):
    url = ProductUrlField(help_text="A product page address starting with http:// or https://.")


class ProductInfoQueued(serializers.Serializer):
    id = serializers.IntegerField(help_text="Poll GET /api/v1/product-info/{id}/ with it.")
    status = serializers.ChoiceField(
        ProductLookup.Status.choices, help_text="`ready` at once when the page was read recently (cached)."
    )


class ProductInfoView(APIView):
    throttle_classes = [ScopedThrottle]
    throttle_scope = "product_info"

    @extend_schema(
        tags=TAGS,
        summary="Read a product page (name, KRW price, image) in the background",
        request=ProductInfoInput,
        responses={
            202: ProductInfoQueued,
            **error_responses(
                e400="Not an absolute http(s) URL.", e401="Not signed in.", e403=CSRF, e429="Too many lookups."
            ),
        },
    )
    def post(self, request):
        data = ProductInfoInput(data=request.data)
        data.is_valid(raise_exception=True)
        lookup = products.request_product_info(user=request.user, url=data.validated_data["url"])
        return Response(ProductInfoQueued(lookup).data, status=202)


class ProductInfoDetailView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="A product lookup of mine",
        responses={
            200: ProductLookupSerializer,
            **error_responses(e401="Not signed in.", e404="No such lookup (or not yours)."),
        },
    )
    def get(self, request, lookup_id: int):
        lookup = products.lookup_for(request.user, lookup_id)
        if lookup is None:
            raise Http404
        return Response(ProductLookupSerializer(lookup).data)
