"""Broker benchmark: the embedded default's broker under load, every delivery counted.

    .venv/bin/python bench/broker.py [--tasks 5000] [--producers 4] [--padding 0]

Starts both regions' Celery workers as `make run` does (solo pool, beat embedded, the region's
three queues) on a fresh var folder, then N producer processes, half per region, queue the
tasks at once through the filesystem broker. Each task appends its id to a per-region file,
one line per delivery, so deliveries are counted exactly: lost = queued - distinct ids seen,
duplicates = lines beyond the first per id. A worker that exits, or logs an unrecoverable
error, counts as a crash. BENCH_BROKER_TRANSPORT=kombu.transport.filesystem:Transport runs
the same load on kombu's own transport. Needs no services.
"""

import argparse
import collections
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGIONS = ("sichuan", "chongqing")

PRODUCER = """
import sys
import django
django.setup()
from portal.celery import app

region, warm_up = sys.argv[1], sys.argv[5]
first, count, padding = (int(arg) for arg in sys.argv[2:5])
pad = "x" * padding
queue = f"{region}.default"
if warm_up == "1":
    app.send_task("bench.broker_record", args=[f"warm-up-{region}"], queue=queue)
print("ready", flush=True)
sys.stdin.readline()
sent = 0
with app.producer_or_acquire() as producer:
    for n in range(first, first + count):
        app.send_task("bench.broker_record", args=[f"{region}-{n}", pad], queue=queue, producer=producer)
        sent += 1
print("sent", sent, flush=True)
"""


def region_env(region: str, var_dir: Path, transport: str | None) -> dict:
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.broker_settings",
        PORTAL_REGION=region,
        PORTAL_VAR_DIR=str(var_dir),
        PYTHONPATH=str(ROOT),
    )
    if transport:
        env["BENCH_BROKER_TRANSPORT"] = transport
    return env


def start_worker(region: str, var_dir: Path, transport: str | None) -> subprocess.Popen:
    (var_dir / "log").mkdir(parents=True, exist_ok=True)
    (var_dir / region).mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "-l", "warning", "-B",
        "-s", str(var_dir / region / "celerybeat-schedule"),
        "-Q", f"{region}.default,{region}.search,{region}.sync", "-n", f"{region}@%h",
        "-I", "bench.broker_tasks",
    ]  # fmt: skip
    with open(var_dir / "log" / f"{region}-worker.log", "ab") as log:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=region_env(region, var_dir, transport),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: stopping it stops the beat it embeds
        )


def stop_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=20)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def deliveries(var_dir: Path) -> collections.Counter:
    seen: collections.Counter = collections.Counter()
    for region in REGIONS:
        path = var_dir / f"deliveries-{region}.log"
        if path.exists():
            seen.update(line for line in path.read_text().splitlines() if line)
    return seen


def stress(
    *,
    tasks: int,
    producers: int,
    var_dir: Path,
    padding: int = 0,
    transport: str | None = None,
    stall_timeout: float = 60,
) -> dict:
    """Queue `tasks` tasks from `producers` processes at once; return the figures."""
    workers = {region: start_worker(region, var_dir, transport) for region in REGIONS}
    started = []
    try:
        share, extra = divmod(tasks, producers)
        first = 0
        for index in range(producers):
            count = share + (index < extra)
            region = REGIONS[index % len(REGIONS)]
            process = subprocess.Popen(
                [sys.executable, "-c", PRODUCER, region, str(first), str(count), str(padding),
                 "1" if index < len(REGIONS) else "0"],
                cwd=ROOT,
                env=region_env(region, var_dir, transport),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )  # fmt: skip
            started.append(process)
            first += count
        for process in started:
            if process.stdout.readline().strip() != "ready":
                raise RuntimeError(f"a producer failed to start (exit {process.wait()})")
        warm_ups = {f"warm-up-{region}" for region in REGIONS}
        deadline = time.monotonic() + 120
        while not warm_ups <= set(deliveries(var_dir)):
            if time.monotonic() > deadline or any(w.poll() is not None for w in workers.values()):
                raise RuntimeError(f"the workers did not start; see {var_dir / 'log'}")
            time.sleep(0.2)

        began = time.monotonic()
        for process in started:  # at once
            process.stdin.write("go\n")
            process.stdin.flush()
        queued = 0
        for process in started:
            line = process.stdout.readline().split()
            queued += int(line[1]) if line[:1] == ["sent"] else 0
            process.wait()
        queued_after = time.monotonic() - began

        last_count, last_progress = -1, time.monotonic()
        while True:
            seen = deliveries(var_dir)
            delivered = len(set(seen) - warm_ups)
            now = time.monotonic()
            if delivered != last_count:
                last_count, last_progress = delivered, now
            stalled = now - last_progress
            died = any(worker.poll() is not None for worker in workers.values())
            if delivered >= queued or stalled > stall_timeout or (died and stalled > 5):
                break
            time.sleep(0.1)
        elapsed = last_progress - began
        time.sleep(1)  # a late second delivery would show up here
        seen = deliveries(var_dir)
        crashed = [region for region, worker in workers.items() if worker.poll() is not None]
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()
        for worker in workers.values():
            stop_group(worker)

    unrecoverable = sum(
        (var_dir / "log" / f"{region}-worker.log").read_text(errors="replace").count("Unrecoverable error")
        for region in REGIONS
    )
    ids = set(seen) - warm_ups
    corrupt = [p for region in REGIONS for p in (var_dir / region / "broker" / ".corrupt").glob("*")]
    return {
        "queued": queued,
        "delivered": len(ids),
        "duplicates": sum(n - 1 for n in seen.values()),
        "lost": queued - len(ids),
        "worker crashes": max(len(crashed), unrecoverable),
        "set aside as unreadable": len(corrupt),
        "queueing took (s)": round(queued_after, 2),
        "elapsed (s)": round(elapsed, 2),
        "tasks/s": round(len(ids) / elapsed, 1) if elapsed > 0 else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--producers", type=int, default=4)
    parser.add_argument("--padding", type=int, default=0, help="bytes of padding in each message")
    parser.add_argument("--keep", action="store_true", help="keep the var folder (logs, broker)")
    args = parser.parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="bench-broker-"))
    transport = os.environ.get("BENCH_BROKER_TRANSPORT")
    print(f"broker: {transport or 'portal.broker:Transport'}; both regions' workers; var {var_dir}")
    figures = stress(tasks=args.tasks, producers=args.producers, var_dir=var_dir, padding=args.padding,
                     transport=transport)  # fmt: skip
    for name, value in figures.items():
        print(f"  {name:<26} {value}")
    if not args.keep:
        import shutil

        shutil.rmtree(var_dir, ignore_errors=True)
    bad = figures["lost"] or figures["duplicates"] or figures["worker crashes"]
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
