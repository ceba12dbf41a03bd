"""What /healthz reports: one check per dependency, each "ok" or "error: <what failed>"."""

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from huey.contrib.djhuey import HUEY

logger = logging.getLogger(__name__)

CHANNEL_TIMEOUT_SECONDS = 2


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_cache() -> None:
    cache.set("healthz", "1", 5)
    if cache.get("healthz") != "1":
        raise RuntimeError("no round trip")


async def _channel_round_trip() -> None:
    layer = get_channel_layer()
    channel = await layer.new_channel("healthz.")
    await layer.send(channel, {"type": "healthz.ping"})
    await asyncio.wait_for(layer.receive(channel), timeout=CHANNEL_TIMEOUT_SECONDS)


def check_channel_layer() -> None:
    async_to_sync(_channel_round_trip)()


def check_queue() -> None:
    HUEY.pending_count()  # reads the queue's storage (Redis or the SQLite file)


def check_storage() -> None:
    default_storage.exists("healthz")  # a read of the media storage (S3: one HEAD request)


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "channel_layer": check_channel_layer,
    "queue": check_queue,
    "storage": check_storage,
}


def run_checks() -> dict[str, str]:
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - each failure is reported, none raised
            logger.warning("Health check %s failed: %r", name, exc)
            results[name] = f"error: {exc.__class__.__name__}"
        else:
            results[name] = "ok"
    return results
