"""A real Celery worker on the region's extract queue reads an uploaded file once the upload commits."""

import os
import subprocess
import sys

import pytest
import redis

from django.core.files.base import ContentFile
from django.db import connection

from materials.models import TextExtraction
from materials.services import material_create
from portal.celery import app
from tests.conftest import ROOT
from tests.support.waiting import wait_until

from . import documents as docs

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


def test_extraction_is_routed_to_the_regions_own_queue(settings):
    route = app.amqp.router.route({}, "materials.extract_file_text")
    assert route["queue"].name == f"{settings.PORTAL_REGION}.extract"


@pytest.fixture
def extract_worker(settings, redis_url, tmp_path):
    queue = f"{settings.PORTAL_REGION}.extract"
    redis.Redis.from_url(redis_url).delete(queue)  # nothing left over from another run
    settings.MEDIA_ROOT = str(tmp_path / "media")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.materials.worker_settings",
        "TEST_MEDIA_ROOT": settings.MEDIA_ROOT,
        "DATABASE_URL": os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"],
        "PYTHONPATH": str(ROOT),
    }
    started = []

    def start() -> subprocess.Popen:
        started.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "-Q", queue, "--pool", "solo",
             "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))  # fmt: skip
        return started[-1]

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=30)


def test_a_worker_reads_the_text_of_an_upload_after_it_commits(extract_worker, own_organisation):
    # No worker runs yet: the upload cannot be waiting for one.
    material = material_create(
        organisation=own_organisation,
        title="川渝党史协作纪要",
        material_type="archive",
        uploaded_file=ContentFile(docs.ofd([docs.page_text(1), docs.page_text(3)]), name="纪要.ofd"),
    )
    record = material.current_file
    assert TextExtraction.objects.get(file=record).status != "done"
    worker = extract_worker()
    wait_until(
        lambda: TextExtraction.objects.get(file=record).status == "done",
        timeout=90,
        interval=0.5,
        what=lambda: f"the text extracted ({TextExtraction.objects.get(file=record).status_display})",
    )
    assert [p.text for p in record.pages.order_by("number")] == [docs.page_text(1), docs.page_text(3)]
    # It yields the CPU to the web, sync and search workers on the same machine.
    assert os.getpriority(os.PRIO_PROCESS, worker.pid) == min(19, os.getpriority(os.PRIO_PROCESS, 0) + 10)
