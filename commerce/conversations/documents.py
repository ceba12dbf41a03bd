"""Message images: private files behind links signed for one image and a short time (as parcel photos)."""

from bidangil.storage import PrivateLinks
from commerce.conversations.models import OrderMessageImage

_images = PrivateLinks(
    "commerce.message-image", viewname="message-image", queryset=OrderMessageImage.objects.all(), field="image"
)
message_image = _images.view


def image_url(image: OrderMessageImage, request=None) -> str:
    return _images.url(image, request)
