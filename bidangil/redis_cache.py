"""Django's Redis cache with one client object per connection pool.

Django's `RedisCacheClient` builds a new `redis.Redis` for every operation, and that constructor fills a table of
some 170 response callbacks each time: more than a small GET's round trip costs. A `redis.Redis` holds no
connection of its own (its pool hands them out per call, and renews them in a forked process), so one per pool
serves every thread.
"""

from django.core.cache.backends import redis as django_redis


class _Client(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client
