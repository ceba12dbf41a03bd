"""API pages kept in the cache until the next write they show, by scope.

`PUBLIC` holds the pages everyone sees alike (the feed, the original client's post lists, a post, the CMS pages
API): what an anonymous request sees, served also to a member who sees no more than that, with the member's own
flags (`liked_by_me`) set on it from one query. Every write these pages show (a post written, edited, hidden or
deleted, a like, a comment, an author's nickname or avatar, a page published, unpublished, moved or deleted in the
Wagtail admin) changes the scope's version, so the next request builds the page again.

The order pages have a scope per member (their order list and order pages) and one for the staff order list
(commerce/orders/pages.py says which writes change which).

A page is stored under its scope's current version, the request's full URL and the active language. A version
changes at the write and again once the transaction commits, so a page built meanwhile from what was there before
the commit is not served after it. A page is built from the primary even in a request that reads from the
replica, so a replica behind the write cannot store what was there before it. The timeout bounds what changes
outside those paths (a row fixed in the database).
"""

import hashlib
import json
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language
from rest_framework.utils.encoders import JSONEncoder

from bidangil.replicas import primary_reads

PUBLIC = "public-pages"


def _version_key(scope: str) -> str:
    return f"{scope}:version"


def _version(scope: str) -> str:
    key = _version_key(scope)
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        version = cache.get(key, "")
    return version


def page(url: str, build, *, scope: str = PUBLIC, timeout: int | None = None) -> dict:
    """The page stored for `url` in the active language at the scope's current version, or `build()`, stored."""
    digest = hashlib.sha256(f"{get_language()} {url}".encode()).hexdigest()
    key = f"{scope}:{_version(scope)}:{digest}"
    data = cache.get(key)
    if data is None:
        with primary_reads():  # served to others until the next write: never from a replica behind it
            data = _plain(build())
        cache.set(key, data, timeout=settings.PUBLIC_CACHE_SECONDS if timeout is None else timeout)
    return data


def _plain(data):
    """The page as the renderer writes it, in plain JSON values: lazy texts translated once (the key holds the
    language), so a hit neither unpickles lazy objects nor translates each label again."""
    return json.loads(json.dumps(data, cls=JSONEncoder))


def changed(*scopes: str, **_signal) -> None:
    """A write the pages of `scopes` (by default the public pages) show: their stored pages are out of date now,
    and again once the transaction commits. Also the receiver of Wagtail's page signals (cms/apps.py)."""
    scopes = scopes or (PUBLIC,)
    _new_versions(scopes)
    transaction.on_commit(lambda: _new_versions(scopes))


def _new_versions(scopes) -> None:
    cache.set_many({_version_key(scope): uuid.uuid4().hex for scope in scopes}, timeout=None)
