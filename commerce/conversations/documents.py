"""Message images: private files behind links signed for one image and a short time (as parcel photos)."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe

from bidangil.absolute import absolute_url
from bidangil.storage import PrivateLinks, private_file_response
from commerce.conversations.models import OrderMessageImage

_links = PrivateLinks(salt="commerce.message-image")


def image_url(image: OrderMessageImage, request=None) -> str:
    return absolute_url(reverse("message-image", args=[_links.sign(image.pk)]), request)


@require_safe
def message_image(request, token: str):
    image = get_object_or_404(OrderMessageImage, pk=_links.unsign(token))
    return private_file_response(image.image)
