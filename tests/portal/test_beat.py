"""One celery beat per region: a second one refuses to start while the first holds the lock."""

import os
import subprocess
import sys

import pytest
import redis

from tests.conftest import ROOT
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.services, pytest.mark.slow]


def start_beat(redis_url, tmp_path, name):
    env = {**os.environ, "PORTAL_REGION": "sichuan", "REDIS_URL": redis_url}
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "beat", "-l", "info", "-s", str(tmp_path / name)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_a_second_beat_for_the_region_stops_while_the_first_runs(redis_url, tmp_path):
    client = redis.Redis.from_url(redis_url)
    key = "portal:sichuan:beat-lock"
    client.delete(key)
    first = start_beat(redis_url, tmp_path, "first")
    try:

        def locked():
            assert first.poll() is None, first.stdout.read()
            return client.get(key) is not None

        wait_until(locked, timeout=60, interval=0.2, what="the first beat taking the lock")

        second = start_beat(redis_url, tmp_path, "second")
        output, _ = second.communicate(timeout=60)
        assert second.returncode != 0
        assert "another beat runs for sichuan" in output
        assert first.poll() is None
    finally:
        first.terminate()
        first.communicate(timeout=30)
    assert client.get(key) is None  # released on a clean stop, so a restart starts at once
