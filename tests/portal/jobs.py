"""A django-tasks task the Celery worker under test can import and run."""

import os

import redis
from django_tasks import task


@task()
def record_in_redis(key: str, value: str) -> str:
    redis.Redis.from_url(os.environ["REDIS_URL"]).set(key, value, ex=60)
    return value
