"""`make run`: both regions on this machine, supervised. Standard library only.

Prepares each region (migrate, seed_demo), then starts per region a web server, a Celery
worker (beat embedded) and a worker for text extraction, and keeps them running:

- each process runs in its own process group, so stopping it stops what it started (beat);
- a process that exits is logged with its status, on the console and in its log, and started
  again after 1, 2, 4, 8 s; after 5 exits in a row each within 30 s of starting it is left
  stopped, with one line naming its log. The other processes keep running;
- SIGINT (Ctrl-C), SIGTERM or SIGHUP stops every group (SIGTERM, then SIGKILL after 10 s).

Environment: RUN_SICHUAN_PORT, RUN_CHONGQING_PORT (8001, 8002) and PORTAL_VAR_DIR (var/).
"""

import contextlib
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
REGIONS = {"sichuan": "RUN_SICHUAN_PORT", "chongqing": "RUN_CHONGQING_PORT"}
DEFAULT_PORTS = {"sichuan": 8001, "chongqing": 8002}
DEV_KEY_ID = "dev-sichuan-chongqing"
DEV_SECRET = "dev-shared-secret-for-the-embedded-default"

QUICK = 30.0  # an exit within this many seconds of starting is a quick failure
GIVE_UP_AFTER = 5  # quick failures in a row
BACKOFF = (1, 2, 4, 8)  # seconds before the 1st, 2nd, … restart in a row
STOP_GRACE = 10.0


def say(message: str) -> None:
    print(f"run: {message}", file=sys.stderr, flush=True)


@dataclass
class Service:
    name: str  # e.g. "sichuan worker"
    command: list[str]
    env: dict
    log: Path
    pid: int | None = None
    started_at: float = 0.0
    quick_failures: int = 0
    restart_at: float | None = None
    stopping_until: float | None = None  # its group is being stopped
    given_up: bool = False
    runs: int = 0

    def start(self) -> None:
        mode = "ab" if self.runs else "wb"
        with open(self.log, mode) as log:
            process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        # Supervisor.reap collects it with waitpid(-1); marked done so that Popen never reaps
        # it (and takes its status) behind our back.
        process.returncode = 0
        self.pid, self.started_at, self.restart_at = process.pid, time.monotonic(), None
        self.runs += 1

    def note(self, message: str) -> None:
        with open(self.log, "a") as log:
            log.write(f"\nrun: {time.strftime('%Y-%m-%d %H:%M:%S')} {message}\n")

    def signal_group(self, signum: int) -> bool:
        """Send `signum` to the service's process group; False when the group is gone."""
        if self.pid is None:
            return False
        try:
            os.killpg(self.pid, signum)
        except ProcessLookupError:
            return False
        return True


def describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        signum = os.WTERMSIG(status)
        return f"was killed by signal {signum} ({signal.Signals(signum).name})"
    return f"exited with status {os.WEXITSTATUS(status)}"


class Supervisor:
    def __init__(self, services: list[Service]):
        self.services = services
        self.stop_requested = 0

    def request_stop(self, signum, frame) -> None:
        self.stop_requested += 1

    def reap(self) -> None:
        """Collect every exited child: the services, and orphans handed to us (beat)."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            for service in self.services:
                if service.pid == pid and service.stopping_until is None and not self.stop_requested:
                    self.exited(service, status)

    def exited(self, service: Service, status: int) -> None:
        now = time.monotonic()
        service.quick_failures = service.quick_failures + 1 if now - service.started_at < QUICK else 1
        what = describe(status)
        service.note(what)
        if service.quick_failures >= GIVE_UP_AFTER:
            service.given_up = True
            say(
                f"the {service.name} {what} and failed {service.quick_failures} times in a row "
                f"within {QUICK:.0f} s of starting; not restarting it: see {service.log}"
            )
        else:
            say(f"the {service.name} {what}; restarting it (see {service.log})")
        # Whatever it started (the beat a worker embeds) goes with it.
        service.signal_group(signal.SIGTERM)
        service.stopping_until = now + STOP_GRACE

    def tick(self) -> None:
        now = time.monotonic()
        for service in self.services:
            if service.stopping_until is not None:
                if service.signal_group(0):
                    if now > service.stopping_until:
                        service.signal_group(signal.SIGKILL)
                    continue
                service.stopping_until = None
                if not service.given_up:
                    delay = BACKOFF[min(service.quick_failures, len(BACKOFF)) - 1]
                    service.restart_at = now + delay
            if service.restart_at is not None and now >= service.restart_at:
                service.note(f"starting again (run {service.runs + 1})")
                service.start()

    def run(self) -> int:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, self.request_stop)
        try:
            for service in self.services:
                service.start()
            while not self.stop_requested:
                self.reap()
                self.tick()
                if all(service.given_up for service in self.services):
                    say("every process has stopped; see the logs above")
                    return 1
                time.sleep(0.2)
            return 0
        finally:
            # Also when the supervisor itself fails: nothing it started outlives it.
            self.stop()

    def stop(self) -> None:
        say("stopping")
        groups = [service for service in self.services if service.signal_group(signal.SIGTERM)]
        deadline = time.monotonic() + STOP_GRACE
        while groups:
            self.reap()
            groups = [service for service in groups if service.signal_group(0)]
            if groups and (time.monotonic() > deadline or self.stop_requested > 1):
                for service in groups:
                    service.signal_group(signal.SIGKILL)
            time.sleep(0.1)
        self.reap()


def become_subreaper() -> None:
    """Orphans of our children (a worker's beat when the worker is killed) become ours to reap."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        # As the server will: a socket of a previous run left in TIME-WAIT does not count.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def region_env(region: str, ports: dict[str, int]) -> dict:
    (partner,) = (other for other in ports if other != region)
    partners = [
        {
            "region": partner,
            "base_url": f"http://127.0.0.1:{ports[partner]}",
            "key_id": DEV_KEY_ID,
            "secret": DEV_SECRET,
        }
    ]
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "PORTAL_REGION": region,
        "PORTAL_BASE_URL": f"http://127.0.0.1:{ports[region]}",
        "PORTAL_PARTNERS": json.dumps(partners),
    }


def prepare(region: str, port: int, env: dict) -> None:
    # Both regions prepare at once: every line, errors too, carries its region.
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo", "--port", str(port)]):
        step = subprocess.Popen(
            [PYTHON, "manage.py", *command],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for line in step.stdout:
            print(f"[{region}] {line}", end="", flush=True)
        if step.wait():
            raise subprocess.CalledProcessError(step.returncode, step.args)


def wait_for_sites(ports: dict[str, int], log_dir: Path) -> None:
    for region, port in ports.items():
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            say(f"the {region} site did not answer /healthz yet; see {log_dir}")
    sichuan, chongqing = ports["sichuan"], ports["chongqing"]
    print(
        f"""
  四川站 Sichuan:   http://127.0.0.1:{sichuan}/   (English: http://127.0.0.1:{sichuan}/en/)
  重庆站 Chongqing: http://127.0.0.1:{chongqing}/   (English: http://127.0.0.1:{chongqing}/en/)
  Admin:            http://127.0.0.1:{sichuan}/admin/ and http://127.0.0.1:{chongqing}/admin/
  Login:            admin / chuanyu-demo-2020 (staff users are listed above, same password)
  Logs:             {log_dir}/  (a process that stops is restarted; see run: lines)
  Press Ctrl-C to stop.
""",
        flush=True,
    )


def main() -> int:
    ports = {region: int(os.environ.get(var) or DEFAULT_PORTS[region]) for region, var in REGIONS.items()}
    var_dir = Path(os.environ.get("PORTAL_VAR_DIR") or ROOT / "var")
    if var_dir.resolve().is_relative_to(ROOT):
        var_dir = var_dir.resolve().relative_to(ROOT)  # shorter in messages; the cwd is ROOT
    log_dir = var_dir / "log"
    for region, port in ports.items():
        if not port_free(port):
            say(f"port {port} (the {region} site) is in use by another process; stop it and try again")
            return 1
    log_dir.mkdir(parents=True, exist_ok=True)
    envs = {region: region_env(region, ports) for region in ports}
    # Both regions at once: separate databases, half the wait on two cores.
    failures: list[int] = []

    def prepare_or_note(region: str) -> None:
        try:
            prepare(region, ports[region], envs[region])
        except subprocess.CalledProcessError as error:
            failures.append(error.returncode or 1)

    threads = [threading.Thread(target=prepare_or_note, args=(region,)) for region in ports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        return failures[0]
    services = []
    for region, port in ports.items():
        env = envs[region]
        worker = [
            PYTHON, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "-l", "warning",
            "-B", "-s", str(var_dir / region / "celerybeat-schedule"),  # beat: the partner pull schedule
            "-Q", f"{region}.default,{region}.search,{region}.sync", "-n", f"{region}@%h",
        ]  # fmt: skip
        # Reading a scanned file can take minutes: it has its own worker, so sync never waits for it.
        extract = [
            PYTHON, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "-l", "warning",
            "-Q", f"{region}.extract", "-n", f"{region}-extract@%h",
        ]  # fmt: skip
        web = [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
        services.append(Service(f"{region} worker", worker, env, log_dir / f"{region}-worker.log"))
        services.append(Service(f"{region} extract worker", extract, env, log_dir / f"{region}-extract.log"))
        services.append(Service(f"{region} web server", web, env, log_dir / f"{region}-web.log"))
    become_subreaper()
    threading.Thread(target=wait_for_sites, args=(ports, log_dir), daemon=True).start()
    return Supervisor(services).run()


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
