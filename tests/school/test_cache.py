"""The project's Redis cache backend (school/cache.py), on the real Redis."""

import uuid

import pytest
from django.conf import settings

from school.cache import RedisCache

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL)")


def alias(prefix: str) -> RedisCache:
    return RedisCache(settings.REDIS_URL, {"KEY_PREFIX": prefix})


def test_clearing_one_alias_leaves_the_others_and_everything_else():
    run = uuid.uuid4().hex
    pages, default = alias(f"pages-{run}"), alias(f"school-{run}")
    client = pages._cache.get_client(write=True)
    outside = f"not-a-cache-key-{run}"
    client.set(outside, "kept")
    try:
        for n in range(1200):  # more than one batch of deletes
            pages.set(f"page-{n}", n)
        default.set("session-like", "kept")
        assert pages.clear() is True
        assert pages.get("page-0") is None and pages.get("page-1199") is None
        assert default.get("session-like") == "kept"
        assert client.get(outside) == b"kept"
    finally:
        client.delete(outside)
        default.clear()


def test_one_client_serves_every_operation():
    cache = alias(f"reuse-{uuid.uuid4().hex}")
    assert cache._cache.get_client() is cache._cache.get_client()
    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=True)
    cache.set("answer", {"value": 42})
    assert cache.get("answer") == {"value": 42}
    assert cache.add("counter", 1)
    assert cache.incr("counter") == 2  # throttles count with these
    cache.clear()
