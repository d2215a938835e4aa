"""The embedded default's broker (portal.broker) with real worker processes and real files.

The load test fails on kombu's own filesystem transport: with messages of this size a worker
reads a file its writer has created but not yet written, and dies on the JSON error
(BENCH_BROKER_TRANSPORT=kombu.transport.filesystem:Transport .venv/bin/python bench/broker.py
--tasks 500 --padding 200000 shows it).
"""

import os
import signal
import subprocess
import sys

import pytest
from kombu import Connection

from bench.broker import stress
from tests.conftest import ROOT


# kombu keeps the filesystem transport's bindings per process, not per folder: each test here
# uses its own queue.
def _connection(folder):
    options = {name: str(folder / "broker") for name in ("data_folder_in", "data_folder_out")}
    options["control_folder"] = str(folder / "control")
    (folder / "broker").mkdir(parents=True, exist_ok=True)
    return Connection("filesystem://", transport="portal.broker:Transport", transport_options=options)


@pytest.mark.slow
def test_500_tasks_from_4_processes_reach_both_regions_workers_once_each(tmp_path):
    figures = stress(tasks=500, producers=4, var_dir=tmp_path, padding=200_000, stall_timeout=30)

    assert figures["queued"] == 500
    assert figures["worker crashes"] == 0
    assert figures["set aside as unreadable"] == 0
    assert (figures["lost"], figures["duplicates"]) == (0, 0), figures




def test_a_message_claimed_by_a_consumer_that_was_killed_is_delivered_again(tmp_path):
    with _connection(tmp_path) as conn:
        conn.SimpleQueue("sichuan.killed").put("红岩")
    consumer = subprocess.Popen(
        [sys.executable, "-m", "tests.support.scripts.broker_claim_and_hang",
         str(tmp_path / "broker"), str(tmp_path / "control")],  # fmt: skip
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert consumer.stdout.readline().strip() == "红岩"
    finally:
        os.kill(consumer.pid, signal.SIGKILL)
        consumer.wait()

    with _connection(tmp_path) as conn:
        queue = conn.SimpleQueue("sichuan.killed")
        message = queue.get(timeout=5)
        assert message.payload == "红岩"
        message.ack()
        assert queue.qsize() == 0
    assert not any((tmp_path / "broker" / ".claimed").rglob("*.msg"))


def test_an_unreadable_message_file_is_set_aside_and_the_next_one_delivered(tmp_path, caplog):
    with _connection(tmp_path) as conn:
        queue = conn.SimpleQueue("sichuan.torn")
        (tmp_path / "broker" / "00000000000000000001_torn.sichuan.torn.msg").write_bytes(b"")
        queue.put("重庆")
        message = queue.get(timeout=5)
        assert message.payload == "重庆"
        message.ack()
    assert [p.name for p in (tmp_path / "broker" / ".corrupt").iterdir()] == [
        "00000000000000000001_torn.sichuan.torn.msg"
    ]
    assert "unreadable message set aside" in caplog.text
