"""The shared cache (CACHE_URL): Django's Redis backend, with one Redis client per connection pool.

Django's ``RedisCacheClient`` keeps its connection pools for as long as the cache object lives (one per
thread: ``django.core.cache.caches``; ``close_caches`` at the end of a request closes nothing for Redis),
but builds a new ``redis.Redis`` client around the pool on every call. Building one fills its response
callbacks (some 170 dictionary entries) and retry settings: with sessions read from the cache, that
was about 5 % of a bare signed-in request's CPU time. A ``redis.Redis`` client holds no connection of
its own (it takes one from the pool per command) and may be shared between threads, so one per pool
is kept here. Connections, timeouts and what is stored are Django's, unchanged.
"""

from __future__ import annotations

from typing import Any

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class PooledClientRedisCacheClient(RedisCacheClient):
    """``RedisCacheClient`` reusing one client per pool instead of building one per call."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, redis.Redis] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> redis.Redis:
        django_client: Any = self  # the type stubs leave out the private helpers Django's get_client uses
        pool = django_client._get_connection_pool(write)  # kept for the object's life, so its id is too
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = django_client._client(connection_pool=pool)
        return client


class PooledClientRedisCache(RedisCache):
    """Django's ``RedisCache`` with ``PooledClientRedisCacheClient``: the backend CACHE_URL's redis:// selects."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = PooledClientRedisCacheClient
