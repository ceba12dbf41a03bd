"""Private files (order documents): kept away from the public media root and served only through checked views."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from storages.backends.s3 import S3Storage


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
