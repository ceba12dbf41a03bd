"""Pages of the public feed, kept in the cache until the next community write.

A feed page everyone sees alike (the public posts, for an anonymous request or a member who sees no more than
that) is built once, stored under the request's full URL and the feed's current version, and served from the
cache after that; a member's `liked_by_me` flags are then set from one query on their likes. Every write the feed
shows (a post written, edited, hidden or deleted, a like, a comment, an author's nickname or avatar) changes the
version once its transaction commits, so the next request builds the page again. What the Wagtail admin changes
is seen when the page expires (FEED_CACHE_SECONDS) or at the next write.
"""

import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "community:feed:version"


def _version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    return version


def page(url: str, build) -> dict:
    """The page stored for `url` at the current version, or `build()`, stored."""
    key = f"community:feed:{_version()}:{hashlib.sha256(url.encode()).hexdigest()}"
    data = cache.get(key)
    if data is None:
        data = build()
        cache.set(key, data, timeout=settings.FEED_CACHE_SECONDS)
    return data


def changed() -> None:
    """A write the feed shows: every stored page is out of date now, and again once it commits (a page built
    meanwhile from what was there before the commit is not served after it)."""
    _new_version()
    transaction.on_commit(_new_version)


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
