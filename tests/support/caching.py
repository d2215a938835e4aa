import uuid


def use_redis_cache(settings, redis_url: str, *, name: str) -> None:
    """The real Redis as the default cache, under a prefix of this test's own."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"test-{name}-{uuid.uuid4().hex[:8]}",
        }
    }
