"""Order documents (parcel photos): links signed for one photo and a short time, and the view behind them.

Links are handed out only by screens that already checked the viewer (the customer's own order, Order staff),
so an <img> works for session and token clients alike, and a link that leaks stops working soon.
"""

from django.conf import settings
from django.core import signing
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe

from bidangil.absolute import absolute_url
from commerce.shipping.models import ParcelPhoto

_signer = signing.TimestampSigner(salt="commerce.parcel-photo")


def photo_url(photo: ParcelPhoto, request=None) -> str:
    return absolute_url(reverse("parcel-photo", args=[_signer.sign(str(photo.pk))]), request)


@require_safe
def parcel_photo(request, token: str):
    try:
        pk = int(_signer.unsign(token, max_age=settings.PRIVATE_MEDIA_LINK_MAX_AGE))
    except (signing.BadSignature, ValueError):
        raise Http404 from None
    photo = get_object_or_404(ParcelPhoto, pk=pk)
    storage = photo.image.storage
    if isinstance(storage, FileSystemStorage):
        if not storage.exists(photo.image.name):
            raise Http404
        response = FileResponse(storage.open(photo.image.name, "rb"))
    else:
        response = HttpResponseRedirect(storage.url(photo.image.name))  # signed, expires within a minute
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
