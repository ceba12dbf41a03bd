"""Absolute URLs for files and pages: clients render the URLs they get as given."""

from django.conf import settings


def absolute_url(url: str | None, request=None) -> str | None:
    """`url` made absolute: against the request's host when there is one, else SITE_URL.

    URLs that already carry a scheme (S3, a CDN) pass through; an empty URL stays None.
    """
    if not url:
        return None
    if url.startswith(("http://", "https://")):
        return url
    return request.build_absolute_uri(url) if request is not None else settings.SITE_URL + url
