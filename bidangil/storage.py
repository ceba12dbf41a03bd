"""Private files (order documents): kept away from the public media root and served only through checked views."""

import os

from django.conf import settings
from django.core import signing
from django.core.files.storage import FileSystemStorage, storages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe
from storages.backends.s3 import S3Storage

from bidangil.absolute import absolute_url


class PrivateFileSystemStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT: no public URL, a view streams them."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT  # read on use, so a changed setting (tests) takes effect

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None  # .url() raises: a private file has no public address


class PrivateS3Storage(S3Storage):
    """The bucket's private/ prefix: objects without a public ACL, reached only through URLs signed for a minute.

    No custom domain: a CDN address (AWS_S3_CUSTOM_DOMAIN, used for public media) would not be signed.
    """

    location = "private"
    default_acl = "private"
    querystring_auth = True
    querystring_expire = 60
    custom_domain = None


def private_storage():
    """The "private" storage of settings.STORAGES (local folder, or a signed-URL-only S3 prefix)."""
    return storages["private"]


class PrivateLinks:
    """Links to the private file `field` of a row, signed for that row and valid PRIVATE_MEDIA_LINK_MAX_AGE seconds.

    `url(row)` hands one out; `view` serves it (route it as `viewname` with a `token` argument).
    """

    def __init__(self, salt: str, *, viewname: str, queryset, field: str, content_type: str | None = None):
        self._signer = signing.TimestampSigner(salt=salt)
        self.viewname, self.queryset, self.field, self.content_type = viewname, queryset, field, content_type
        self.view = require_safe(self._serve)

    def sign(self, pk: int) -> str:
        return self._signer.sign(str(pk))

    def unsign(self, token: str) -> int:
        """The row id of a valid token; a forged, altered or expired one is Http404."""
        try:
            return int(self._signer.unsign(token, max_age=settings.PRIVATE_MEDIA_LINK_MAX_AGE))
        except (signing.BadSignature, ValueError):
            raise Http404 from None

    def url(self, row, request=None) -> str:
        return absolute_url(reverse(self.viewname, args=[self.sign(row.pk)]), request)

    def _serve(self, request, token: str):
        row = get_object_or_404(self.queryset, pk=self.unsign(token))
        response = private_file_response(getattr(row, self.field))
        if self.content_type:
            response["Content-Type"] = self.content_type
        return response


def private_file_response(field_file):
    """Stream a private file (local storage) or redirect to a URL signed for a minute (S3); never cached."""
    storage = field_file.storage
    if isinstance(storage, FileSystemStorage):
        if not storage.exists(field_file.name):
            raise Http404
        response = FileResponse(storage.open(field_file.name, "rb"))
    else:
        response = HttpResponseRedirect(storage.url(field_file.name))
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
