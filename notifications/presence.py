"""Who has a socket open: a per-user connection count in the cache (shared by every process through Redis).

The count expires `PRESENCE_TTL_SECONDS` after the last connect or ping, so a process that died with sockets
open does not leave its users "connected" for ever; clients ping more often than that.
"""

from django.conf import settings
from django.core.cache import cache


def _key(user_id: int) -> str:
    return f"presence:user:{user_id}"


async def connected(user_id: int) -> None:
    key = _key(user_id)
    await cache.aadd(key, 0, settings.PRESENCE_TTL_SECONDS)
    try:
        await cache.aincr(key)
    except ValueError:  # expired between the two calls
        await cache.aset(key, 1, settings.PRESENCE_TTL_SECONDS)
    await cache.atouch(key, settings.PRESENCE_TTL_SECONDS)


async def refreshed(user_id: int) -> None:
    await cache.atouch(_key(user_id), settings.PRESENCE_TTL_SECONDS)


async def disconnected(user_id: int) -> None:
    key = _key(user_id)
    try:
        if await cache.adecr(key) <= 0:
            await cache.adelete(key)
    except ValueError:  # already expired
        pass


def is_connected(user_id: int) -> bool:
    """Whether the user has at least one socket open right now (any tab, any process)."""
    return (cache.get(_key(user_id)) or 0) > 0
