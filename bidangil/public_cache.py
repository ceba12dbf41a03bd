"""Public API pages (the feed, the original client's post lists, a post, the CMS pages API), kept in the cache
until the next content write.

A page everyone sees alike (what an anonymous request sees, served also to a member who sees no more than that)
is built once, stored under the request's full URL, the active language and the current version, and served from
the cache after that; a member's own flags (`liked_by_me`) are set on it from one query. Every write these pages
show (a post written, edited, hidden or deleted, a like, a comment, an author's nickname or avatar, a page
published, unpublished, moved or deleted in the Wagtail admin) changes the version, so the next request builds the
page again. PUBLIC_CACHE_SECONDS bounds what changes outside those paths (a row fixed in the database).
"""

import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

VERSION_KEY = "public-pages:version"


def _version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY, "")
    return version


def page(url: str, build) -> dict:
    """The page stored for `url` in the active language at the current version, or `build()`, stored."""
    digest = hashlib.sha256(f"{get_language()} {url}".encode()).hexdigest()
    key = f"public-pages:{_version()}:{digest}"
    data = cache.get(key)
    if data is None:
        data = build()
        cache.set(key, data, timeout=settings.PUBLIC_CACHE_SECONDS)
    return data


def changed(**_signal) -> None:
    """A write the public pages show: every stored page is out of date now, and again once the transaction
    commits (a page built meanwhile from what was there before the commit is not served after it). Also the
    receiver of Wagtail's page signals (cms/apps.py)."""
    _new_version()
    transaction.on_commit(_new_version)


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
