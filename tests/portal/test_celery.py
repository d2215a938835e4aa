import os
import subprocess
import sys
import uuid

import pytest
import redis

from django.test import override_settings

from tests.conftest import ROOT
from tests.support.waiting import wait_until

pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def celery_worker_process(redis_url):
    """A real Celery worker for the Sichuan region, on the real Redis broker."""
    env = {**os.environ, "PORTAL_REGION": "sichuan", "REDIS_URL": redis_url}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "-Q",
            "sichuan.default",
            "-n",
            f"test-{uuid.uuid4().hex[:6]}@%h",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield worker
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()


def test_worker_runs_a_task_and_returns_its_result(celery_worker_process, settings, redis_url):
    from portal.celery import app
    from portal.tasks import ping

    app.conf.broker_url = app.conf.result_backend = redis_url
    result = ping.delay("川渝")
    assert result.get(timeout=30) == {"region": "sichuan", "echo": "川渝"}
    assert celery_worker_process.poll() is None
    # Only a worker of background queues alone (text extraction) lowers its CPU priority.
    assert os.getpriority(os.PRIO_PROCESS, celery_worker_process.pid) == os.getpriority(os.PRIO_PROCESS, 0)


@pytest.mark.django_db(transaction=True)
def test_wagtail_background_jobs_run_on_the_celery_worker(celery_worker_process, redis_url):
    """django-tasks jobs (Wagtail 8's own) are handed to Celery by CeleryTaskBackend."""
    from portal.celery import app
    from tests.portal.jobs import record_in_redis

    app.conf.broker_url = app.conf.result_backend = redis_url
    key = f"test:{uuid.uuid4().hex}"
    with override_settings(TASKS={"default": {"BACKEND": "portal.task_backends.CeleryTaskBackend"}}):
        record_in_redis.enqueue(key, "红岩精神")

    client = redis.Redis.from_url(redis_url)
    wait_until(lambda: client.get(key) is not None, timeout=30, what="the task's record in Redis")
    assert client.get(key) == "红岩精神".encode()


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_by_a_request_logs_under_that_request_id(celery_worker_process, redis_url):
    from portal.celery import app
    from portal.observability import request_id_var
    from tests.portal.jobs import record_request_id

    app.conf.broker_url = app.conf.result_backend = redis_url
    key = f"test:{uuid.uuid4().hex}"
    token = request_id_var.set("req-0123456789abcdef")  # as RequestIdMiddleware does for a request
    try:
        with override_settings(TASKS={"default": {"BACKEND": "portal.task_backends.CeleryTaskBackend"}}):
            record_request_id.enqueue(key)
    finally:
        request_id_var.reset(token)

    client = redis.Redis.from_url(redis_url)
    wait_until(lambda: client.get(key) is not None, timeout=30, what="the task's record in Redis")
    assert client.get(key) == b"req-0123456789abcdef"


def test_the_worker_health_check_answers_for_a_running_worker(celery_worker_process, redis_url):
    """The compose health check of a worker: `celery inspect ping` to this worker's name."""
    env = {**os.environ, "PORTAL_REGION": "sichuan", "REDIS_URL": redis_url}
    command = [sys.executable, "-m", "celery", "-A", "portal", "inspect", "ping", "--timeout", "10"]
    answered = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert answered.returncode == 0 and "pong" in answered.stdout, answered.stdout + answered.stderr
    missing = subprocess.run(
        [*command[:-2], "--timeout", "2", "--destination", "celery@no-such-worker"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert missing.returncode != 0


@pytest.mark.django_db(transaction=True)
def test_the_jobs_of_one_transaction_travel_as_one_message_and_a_rolled_back_savepoint_sends_none(
    celery_worker_process, redis_url
):
    from celery.signals import before_task_publish

    from django.db import transaction

    from portal.celery import app
    from tests.portal.jobs import record_in_redis

    app.conf.broker_url = app.conf.result_backend = redis_url
    keys = {name: f"test:{uuid.uuid4().hex}" for name in ("first", "second", "undone", "later", "after")}
    published = []

    def count(sender=None, **kwargs):
        published.append(sender)

    before_task_publish.connect(count, weak=False)
    try:
        with override_settings(TASKS={"default": {"BACKEND": "portal.task_backends.CeleryTaskBackend"}}):
            with transaction.atomic():
                record_in_redis.enqueue(keys["first"], "红岩")
                record_in_redis.enqueue(keys["second"], "遵义")
                try:
                    with transaction.atomic():
                        record_in_redis.enqueue(keys["undone"], "撤回")
                        raise RuntimeError("the savepoint is rolled back")
                except RuntimeError:
                    pass
                record_in_redis.enqueue(keys["later"], "延安")
            in_one_transaction = list(published)
            record_in_redis.enqueue(keys["after"], "会师")  # its own message, after the others
    finally:
        before_task_publish.disconnect(count)

    assert in_one_transaction == ["portal.run_django_tasks"]
    client = redis.Redis.from_url(redis_url)
    # The worker runs one message at a time, in order: once the last is done, the others are.
    wait_until(lambda: client.get(keys["after"]) is not None, timeout=30, what="the last job's record")
    assert [client.get(keys[name]) for name in ("first", "second", "later")] == [
        "红岩".encode(),
        "遵义".encode(),
        "延安".encode(),
    ]
    assert client.get(keys["undone"]) is None


def test_a_job_that_fails_stops_no_other_job_of_its_batch(redis_url, caplog):
    from portal.tasks import run_django_tasks

    key = f"test:{uuid.uuid4().hex}"
    run_django_tasks([
        ["tests.portal.jobs.fail", ["档案缺页"], {}],
        ["tests.portal.jobs.record_in_redis", [key, "井冈山"], {}],
    ])  # fmt: skip
    assert redis.Redis.from_url(redis_url).get(key) == "井冈山".encode()
    assert "tests.portal.jobs.fail failed" in caplog.text and "档案缺页" in caplog.text
