"""A real Celery worker takes the indexing task from Redis and writes to Elasticsearch."""

import os
import subprocess
import sys
import uuid

import pytest

from django.db import connection

from search.selectors import content_search
from search.tasks import index_record, remove_record
from tests.conftest import ROOT
from tests.support.waiting import wait_until

from . import factories as f
from .conftest import titles

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


@pytest.fixture
def worker(search_index, settings, redis_url):
    from portal.celery import app

    app.conf.task_always_eager = False  # search_index turned it on; here the worker runs the task
    # A queue of its own: the shared Redis may hold other runs' search tasks.
    queue = f"test-search-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.search.worker_settings",
        "TEST_SEARCH_INDEX_PREFIX": settings.SEARCH_INDEX_PREFIX,
        "DATABASE_URL": os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"],
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-Q",
            queue,
            "--pool",
            "solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield queue
    process.terminate()
    process.wait(timeout=30)


def test_a_worker_indexes_and_removes_a_committed_record(worker, settings):
    settings.SEARCH_QUEUE_ON_COMMIT = True
    settings.ELASTICSEARCH_URL, url = None, settings.ELASTICSEARCH_URL  # no inline indexing on save
    record = f.material("綦江县苏维埃政府旧址调查", f.organisation("test-w-qj", name="綦江区委党史研究室W"))
    settings.ELASTICSEARCH_URL = url

    index_record.apply_async(args=["materials.Material", record.pk], queue=worker)
    wait_until(
        lambda: titles(content_search(query="苏维埃")) == ["綦江县苏维埃政府旧址调查"],
        timeout=60,
        interval=0.5,
        what="the record found in Elasticsearch",
    )

    remove_record.apply_async(args=[f"materials.material:{record.pk}"], queue=worker)
    wait_until(
        lambda: titles(content_search(query="苏维埃")) == [],
        timeout=60,
        interval=0.5,
        what="the record gone from Elasticsearch",
    )
