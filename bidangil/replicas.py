"""Reads of safe requests on the read replica (`DATABASE_REPLICA_URL`, alias "replica"), writes on the primary.

`ReplicaReadsMiddleware` turns replica reads on for a GET/HEAD/OPTIONS request (the requests that only call
selectors) unless the client wrote in the last `REPLICA_PIN_SECONDS`: a POST, PUT, PATCH or DELETE pins its
client to the primary, by a cookie and, for API clients that send `Authorization`, by a cache entry keyed on
that header, so a member always reads what they just wrote. `ReplicaRouter` sends those reads to the replica,
except inside a transaction (a service locking and re-reading rows) and for the credential tables (a session or
token issued a moment ago must work on the next request); writes and migrations always go to the primary.
"""

import contextlib
import hashlib
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
PIN_COOKIE = "bidangil_primary"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Read from the primary whatever the request: credentials are read a moment after they are written.
PRIMARY_ONLY = {"accounts.usersession", "authtoken.token"}

_replica_reads = ContextVar("replica_reads", default=False)


def replica_enabled() -> bool:
    return settings.DATABASE_REPLICA_READS and REPLICA in settings.DATABASES


@contextlib.contextmanager
def _reads_on_replica(on: bool):
    token = _replica_reads.set(on)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def replica_reads():
    """Within the block, reads outside transactions go to the replica (when one is configured)."""
    return _reads_on_replica(replica_enabled())


def primary_reads():
    """Within the block, every read goes to the primary: a page built here is stored for others (page_cache), so
    it must not carry a lagging replica's rows past the write that renewed it."""
    return _reads_on_replica(False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _replica_reads.get() or model._meta.label_lower in PRIMARY_ONLY:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS


def _pin_key(authorization: str) -> str:
    return "replica-pin:" + hashlib.sha256(authorization.encode()).hexdigest()


def is_pinned(request) -> bool:
    if PIN_COOKIE in request.COOKIES:
        return True
    authorization = request.headers.get("Authorization")
    return bool(authorization) and cache.get(_pin_key(authorization)) is not None


def pin(request, response) -> None:
    seconds = settings.REPLICA_PIN_SECONDS
    response.set_cookie(
        PIN_COOKIE, "1", max_age=seconds, httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE
    )
    if authorization := request.headers.get("Authorization"):
        cache.set(_pin_key(authorization), 1, seconds)


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_enabled():
            return self.get_response(request)
        if request.method not in SAFE_METHODS:
            response = self.get_response(request)
            pin(request, response)
            return response
        if is_pinned(request):
            return self.get_response(request)
        with replica_reads():
            return self.get_response(request)
