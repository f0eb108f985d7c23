"""The shared cache named by CACHE_URL: Django's Redis backend, keeping one Redis client per connection pool."""

from __future__ import annotations

import os

from config.cache import PooledClientRedisCache
from tests.processes import manage

BACKEND = "print(__import__('django.conf').conf.settings.CACHES['default']['BACKEND'])"


def test_a_redis_cache_url_selects_the_backend_that_keeps_its_client() -> None:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}

    with_redis = manage("shell", "-v", "0", "-c", BACKEND, env=env | {"CACHE_URL": "redis://cache.internal:6379/0"})
    without = manage("shell", "-v", "0", "-c", BACKEND, env=env | {"CACHE_URL": ""})

    assert with_redis.stdout.split() == ["config.cache.PooledClientRedisCache"], with_redis.stderr
    assert without.stdout.split() == ["django.core.cache.backends.locmem.LocMemCache"], without.stderr


def test_each_call_reuses_its_pools_client_and_writes_still_go_to_the_first_server() -> None:
    """No connection is opened here: building a client or a pool does not connect."""
    cache = PooledClientRedisCache("redis://127.0.0.1:7001/0,redis://127.0.0.1:7002/0", {})
    client = cache._cache

    write, read = client.get_client(write=True), client.get_client()

    assert client.get_client(write=True) is write
    assert client.get_client() is read
    assert write.connection_pool.connection_kwargs["port"] == 7001  # Django's rule: writes to the first server
    assert read.connection_pool.connection_kwargs["port"] == 7002  # reads from the others
