"""Order documents (parcel photos, carrier labels): links signed for one file and a short time, and the views.

Links are handed out only by screens that already checked the viewer (the customer's own order, Order staff),
so an <img> works for session and token clients alike, and a link that leaks stops working soon.
"""

from bidangil.storage import PrivateLinks
from commerce.shipping.models import ParcelPhoto, Shipment

_photos = PrivateLinks(
    "commerce.parcel-photo", viewname="parcel-photo", queryset=ParcelPhoto.objects.all(), field="image"
)
_labels = PrivateLinks(
    "commerce.shipment-label",
    viewname="shipment-label",
    queryset=Shipment.objects.exclude(label=""),
    field="label",
    content_type="application/pdf",
)
parcel_photo = _photos.view
shipment_label = _labels.view


def photo_url(photo: ParcelPhoto, request=None) -> str:
    return _photos.url(photo, request)


def label_url(shipment: Shipment, request=None) -> str | None:
    """The carrier label's signed link, for Order staff screens only; None when the number was typed (no label)."""
    return _labels.url(shipment, request) if shipment.label else None
