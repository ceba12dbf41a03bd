"""Legacy order endpoints over commerce.services / selectors, and the pay links profile_info hands out."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework.response import Response

from commerce.api.serializers import OrderCreateInput
from commerce.orders import services
from commerce.payments import services as payments
from commerce.payments.models import Payment
from commerce.selectors import order_for_customer

from . import payloads
from . import selectors as legacy_selectors
from .api import LegacyView, bad_request

# The client's form sends the country as a name ("United States"); the v1 address takes ISO codes.
COUNTRY_NAMES = {"united states": "US", "united states of america": "US", "usa": "US", "us": "US"}


def _country(value) -> str:
    text = str(value or "").strip()
    if not text:
        return "US"  # the original form only ships to the United States
    code = COUNTRY_NAMES.get(text.lower())
    if code:
        return code
    if len(text) == 2 and text.isalpha():
        return text.upper()
    raise bad_request(_("Unknown country %(country)r.") % {"country": text}, "country")


def _order_input(data) -> dict:
    """{address: {name, phone, addressLine1, addressLine2, city, state, zip}, orders: [{url, desc}]} → v1 input."""
    address = data.get("address") if hasattr(data, "get") else None
    orders = data.get("orders") if hasattr(data, "get") else None
    if not isinstance(address, dict):
        raise bad_request(_("Fill in the delivery address."), "address")
    if not isinstance(orders, list) or not all(isinstance(item, dict) for item in orders):
        raise bad_request(_("Add at least one product link."), "orders")
    return {
        "address": {
            "name": address.get("name"),
            "phone": address.get("phone") or "",
            "country": _country(address.get("country")),
            "state": address.get("state") or "",
            "city": address.get("city"),
            "line1": address.get("addressLine1"),
            "line2": address.get("addressLine2") or "",
            "postal_code": address.get("zip"),
        },
        "items": [{"url": item.get("url"), "note": item.get("desc") or ""} for item in orders],
    }


class SubmitOrderView(LegacyView):
    """POST the order form → exactly 200 {order_id} (the client treats anything else as "please sign in")."""

    throttle_scope = "order"

    def post(self, request):
        data = OrderCreateInput(data=_order_input(request.data))
        data.is_valid(raise_exception=True)
        order = services.create_order(user=request.user, **data.validated_data)
        return Response({"order_id": order.pk})


class ProfileInfoView(LegacyView):
    """GET → {msg, nickname, data: [Order]}: the signed-in member's orders with payment, delivery and steps."""

    def get(self, request):
        orders = legacy_selectors.profile_orders(request.user)
        profile = getattr(request.user, "profile", None)
        return Response(
            {
                "msg": "user inprogress data loaded",
                "nickname": profile.nickname if profile else "",
                "data": [payloads.order_payload(request, order) for order in orders],
            }
        )


class PayLinkView(LegacyView):
    """GET /api/pay/{number}/{stage}/ → 302 to the Checkout page (the same open session on every click).

    profile_info's `stripe_item_url` points here; the client opens it in a new tab, where the session
    cookie (SameSite=Lax) is sent on this top-level navigation.
    """

    def get(self, request, number, stage):
        if stage not in Payment.Stage.values:
            raise bad_request(_("Unknown payment stage."), "stage")
        order = order_for_customer(request.user, number)
        prefix = "/en" if translation.get_language() == "en" else ""
        return_url = settings.LEGACY_CHECKOUT_RETURN_URL.format(language_prefix=prefix)
        payment = payments.start_checkout(order_id=order.pk, stage=stage, return_url=return_url)
        return HttpResponseRedirect(payment.checkout_url)
