"""Order documents (parcel photos): links signed for one photo and a short time, and the view behind them.

Links are handed out only by screens that already checked the viewer (the customer's own order, Order staff),
so an <img> works for session and token clients alike, and a link that leaks stops working soon.
"""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe

from bidangil.absolute import absolute_url
from bidangil.storage import PrivateLinks, private_file_response
from commerce.shipping.models import ParcelPhoto

_links = PrivateLinks(salt="commerce.parcel-photo")


def photo_url(photo: ParcelPhoto, request=None) -> str:
    return absolute_url(reverse("parcel-photo", args=[_links.sign(photo.pk)]), request)


@require_safe
def parcel_photo(request, token: str):
    photo = get_object_or_404(ParcelPhoto, pk=_links.unsign(token))
    return private_file_response(photo.image)
