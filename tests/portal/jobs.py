"""A django-tasks task the Celery worker under test can import and run."""

import os

import redis
from django_tasks import task


@task()
def record_in_redis(key: str, value: str) -> str:
    redis.Redis.from_url(os.environ["REDIS_URL"]).set(key, value, ex=60)
    return value


@task()
def record_request_id(key: str) -> None:
    from portal.observability import current_request_id

    redis.Redis.from_url(os.environ["REDIS_URL"]).set(key, current_request_id() or "none", ex=60)


@task()
def fail(reason: str) -> None:
    raise ValueError(reason)
