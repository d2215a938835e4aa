"""`make run` (scripts/run.sh) for real, on its own ports and var folder: supervision, stop, start.

Processes are found through /proc: the supervisor's children, and every process whose
environment names this run's var folder (whatever became of its parent).
"""

import contextlib
import importlib.util
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.conftest import ROOT, free_port
from tests.support.scripts.supervise_give_up import IDLE
from tests.support.waiting import wait_until

pytestmark = pytest.mark.slow


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def processes_using(var_dir: Path) -> list[int]:
    marker = f"PORTAL_VAR_DIR={var_dir}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if marker in (entry / "environ").read_bytes().split(b"\0") and alive(int(entry.name)):
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


class EmbeddedRun:
    def __init__(self, tmp: Path):
        self.var_dir = tmp / "var"
        self.output = tmp / "run-output.log"
        self.ports = {"sichuan": free_port(), "chongqing": free_port()}
        self.process: subprocess.Popen | None = None

    def url(self, region: str, path: str = "/healthz") -> str:
        return f"http://127.0.0.1:{self.ports[region]}{path}"

    def tail(self) -> str:
        return "\n".join(self.output.read_text(errors="replace").splitlines()[-30:])

    def start(self, timeout: float = 300) -> None:
        env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
        env.update(
            RUN_SICHUAN_PORT=str(self.ports["sichuan"]),
            RUN_CHONGQING_PORT=str(self.ports["chongqing"]),
            PORTAL_VAR_DIR=str(self.var_dir),
        )
        with open(self.output, "a") as output:
            output.write("\n=== test: bash scripts/run.sh\n")
            output.flush()
            self.process = subprocess.Popen(
                ["bash", "scripts/run.sh"],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a terminal of its own: Ctrl-C reaches run.sh alone
            )
        for region in self.ports:
            wait_until(
                lambda region=region: self._answers(region),
                timeout=timeout,
                interval=0.5,
                what=lambda region=region: f"the {region} site answering /healthz:\n{self.tail()}",
            )

    def _answers(self, region: str) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"run.sh exited with {self.process.returncode}:\n{self.tail()}")
        try:
            return requests.get(self.url(region), timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def stop(self) -> int:
        """Ctrl-C, as a terminal sends it to its foreground group; then nothing of this run is left."""
        os.killpg(self.process.pid, signal.SIGINT)
        returncode = self.process.wait(timeout=60)
        wait_until(
            lambda: not processes_using(self.var_dir),
            timeout=15,
            what=lambda: "left running: " + "; ".join(cmdline(p) for p in processes_using(self.var_dir)),
        )
        return returncode

    def worker(self, region: str) -> int | None:
        for pid in children(self.process.pid):
            if f"-Q {region}.default" in cmdline(pid):
                return pid
        return None


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    run = EmbeddedRun(tmp_path_factory.mktemp("embedded"))
    try:
        run.start(timeout=600)  # migrates two fresh databases
        yield run
    finally:
        if run.process is not None and run.process.poll() is None:
            run.stop()


def test_text_extraction_has_its_own_worker_so_sync_never_waits_for_an_ocr(embedded):
    commands = [cmdline(pid) for pid in children(embedded.process.pid)]
    for region in ("sichuan", "chongqing"):
        extract = [command for command in commands if f"-Q {region}.extract" in command]
        syncing = [command for command in commands if f"{region}.sync" in command]
        assert len(extract) == 1 and len(syncing) == 1, commands
        assert f"{region}.extract" not in syncing[0]


def test_the_seeded_files_are_read_and_indexed_with_no_task_failing(embedded):
    """The extraction worker and the default worker index the same new records at start-up, on SQLite."""

    def finished(region: str) -> bool:
        database = f"file:{embedded.var_dir / region / 'db.sqlite3'}?mode=ro"
        with contextlib.closing(sqlite3.connect(database, uri=True, timeout=20)) as db:
            read, left = db.execute(
                "SELECT count(*) FILTER (WHERE status = 'done'),"
                " count(*) FILTER (WHERE status IN ('queued', 'running')) FROM materials_textextraction"
            ).fetchone()
        log = (embedded.var_dir / "log" / f"{region}-extract.log").read_text()
        # A task's end is logged after its status is stored: every reading ended, indexing included.
        ended = len(re.findall(r"Task materials\.extract_file_text\[\S+\] (?:succeeded|raised)", log))
        return read > 0 and left == 0 and ended >= read

    for region in ("sichuan", "chongqing"):
        wait_until(lambda region=region: finished(region), timeout=120, what=f"{region}'s seeded files read")
    for log in sorted((embedded.var_dir / "log").glob("*.log")):
        assert "raised unexpected" not in log.read_text(), log


def test_a_killed_worker_and_its_beat_are_replaced_while_the_other_region_serves(embedded):
    worker = embedded.worker("sichuan")
    beat = wait_until(lambda: children(worker), timeout=60, what="the worker started no beat")[0]

    os.kill(worker, signal.SIGKILL)
    replacement = wait_until(
        lambda: (pid := embedded.worker("sichuan")) not in (None, worker) and pid,
        timeout=30,
        what=lambda: f"no new sichuan worker:\n{embedded.tail()}",
    )
    assert requests.get(embedded.url("chongqing"), timeout=10).status_code == 200
    assert alive(replacement)
    wait_until(lambda: not alive(beat), timeout=15, what="the killed worker's beat is still running")
    output = embedded.output.read_text()
    assert "run: the sichuan worker was killed by signal 9 (SIGKILL); restarting it" in output
    assert "was killed by signal 9 (SIGKILL)" in (embedded.var_dir / "log" / "sichuan-worker.log").read_text()
    for region in embedded.ports:
        assert requests.get(embedded.url(region), timeout=10).status_code == 200


def replicated_events(var_dir: Path, region: str) -> int:
    database = sqlite3.connect(f"file:{var_dir / region / 'db.sqlite3'}?mode=ro", uri=True, timeout=20)
    try:
        query = "SELECT count(*) FROM sync_syncedcopy WHERE model_label = 'events.event'"
        return database.execute(query).fetchone()[0]
    finally:
        database.close()


def test_stopped_and_started_again_at_once_both_sites_answer(embedded):
    # As a user would: each region holds copies of the other's demo content by now, which the
    # second seed_demo must leave alone.
    for region in embedded.ports:
        wait_until(
            lambda region=region: replicated_events(embedded.var_dir, region),
            timeout=120,
            what=f"{region} received no event from its partner",
        )
    # stop() checks that nothing is left: web servers, workers and the beats they embed.
    assert embedded.stop() == 0
    embedded.start()  # at once, on the var folder (and the ports) the first run left
    for region in embedded.ports:
        assert requests.get(embedded.url(region, "/"), timeout=30).status_code == 200




def test_a_process_that_keeps_failing_is_given_up_with_one_line_and_the_rest_keep_running(tmp_path):
    supervisor = subprocess.Popen(
        [sys.executable, "-m", "tests.support.scripts.supervise_give_up", str(tmp_path)],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    lines = []
    try:
        for line in supervisor.stderr:
            lines.append(line)
            if "not restarting it" in line:
                break
        steady = [pid for pid in children(supervisor.pid) if IDLE in cmdline(pid)]
        grandchildren = [pid for pid in steady for pid in children(pid)]
        assert len(steady) == 1 and alive(steady[0]) and len(grandchildren) == 1
    finally:
        os.killpg(supervisor.pid, signal.SIGTERM)
        returncode = supervisor.wait(timeout=30)

    restarts = [line for line in lines if "; restarting it" in line]
    assert len(restarts) == 4
    assert restarts[0] == (
        f"run: the failing worker exited with status 3; restarting it (see {tmp_path / 'failing.log'})\n"
    )
    assert lines[-1] == (
        "run: the failing worker exited with status 3 and failed 5 times in a row within 30 s of "
        f"starting; not restarting it: see {tmp_path / 'failing.log'}\n"
    )
    assert (tmp_path / "failing.log").read_text().count("exited with status 3") == 5
    assert returncode == 0
    assert not any(alive(pid) for pid in steady + grandchildren)


def _supervise_module():
    spec = importlib.util.spec_from_file_location("supervise", ROOT / "scripts" / "supervise.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_port_check_ignores_a_previous_runs_time_wait_sockets_but_not_a_listener():
    supervise = _supervise_module()
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert not supervise.port_free(port)
        client = socket.create_connection(("127.0.0.1", port))
        accepted, _ = server.accept()
        accepted.close()  # the server closes first, as runserver does: TIME-WAIT on its port
        client.recv(1)
        client.close()
    with socket.socket() as naive, pytest.raises(OSError):
        naive.bind(("127.0.0.1", port))  # what run.sh's check did
    assert supervise.port_free(port)
