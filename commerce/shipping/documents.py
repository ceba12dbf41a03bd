"""Order documents (parcel photos, carrier labels): links signed for one file and a short time, and the views.

Links are handed out only by screens that already checked the viewer (the customer's own order, Order staff),
so an <img> works for session and token clients alike, and a link that leaks stops working soon.
"""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe

from bidangil.absolute import absolute_url
from bidangil.storage import PrivateLinks, private_file_response
from commerce.shipping.models import ParcelPhoto, Shipment

_links = PrivateLinks(salt="commerce.parcel-photo")


def photo_url(photo: ParcelPhoto, request=None) -> str:
    return absolute_url(reverse("parcel-photo", args=[_links.sign(photo.pk)]), request)


@require_safe
def parcel_photo(request, token: str):
    photo = get_object_or_404(ParcelPhoto, pk=_links.unsign(token))
    return private_file_response(photo.image)


_label_links = PrivateLinks(salt="commerce.shipment-label")


def label_url(shipment: Shipment, request=None) -> str | None:
    """The carrier label's signed link, for Order staff screens only; None when the number was typed (no label)."""
    if not shipment.label:
        return None
    return absolute_url(reverse("shipment-label", args=[_label_links.sign(shipment.pk)]), request)


@require_safe
def shipment_label(request, token: str):
    shipment = get_object_or_404(Shipment.objects.exclude(label=""), pk=_label_links.unsign(token))
    response = private_file_response(shipment.label)
    response["Content-Type"] = "application/pdf"
    return response
