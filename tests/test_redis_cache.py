"""The Redis cache backend keeps one client per connection pool instead of building one per operation."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings

from bidangil.redis_cache import RedisCache


def test_every_operation_uses_the_pools_one_client():
    backend = RedisCache("redis://127.0.0.1:1/0", {})._cache
    client = backend.get_client(write=True)
    assert backend.get_client() is client and backend.get_client("key") is client
    assert client.connection_pool is backend._get_connection_pool(write=True)


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL")
def test_threads_share_the_client_on_a_real_server():
    cache = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": "redis-cache-test"})

    def round_trip(n):
        cache.set(f"key-{n}", {"n": n}, timeout=30)
        return cache.get(f"key-{n}")

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(round_trip, range(200))) == [{"n": n} for n in range(200)]
    cache.delete_many([f"key-{n}" for n in range(200)])
