"""bench/sync.py --backlog N: catch-up after a long outage (issue 18).

Two live regions as in bench/sync.py, with Wagtail's background jobs on the Celery workers as deployed
(bench/sync_settings.py), not inside every save. Chongqing goes offline (web, worker and beat stopped);
Sichuan's worker and beat stop too, so the backlog's creation runs in a quiet process of its own:
N changes through the editors' services (bench/backlog_create.py), whose rate is the floor. The
nudges queued meanwhile are purged (sent to an offline partner, they would have failed), and so are
Sichuan's own search indexing and text extraction of the backlog (done long before the partner
returns). Then Sichuan's processes and Chongqing's come back (Chongqing as deployed: text extraction
in a worker of its own), and the clock runs until Chongqing's cursor reaches Sichuan's head, while
the puller's memory is sampled (Chongqing's worker, a process per core as deployed: the largest peak
of its processes, and the whole worker's PSS and summed RSS). At the end both
regions' copies of the backlog are compared record by record. It also prints how long after the last
change every record was in Chongqing's admin search index, and how busy the whole machine was.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import redis

from tests.support.live import ROOT, LiveRegions
from tests.support.waiting import wait_until

CREATE = "from bench.backlog_create import main; main(changes={changes}, prefix={prefix!r})"
RESULTS = ROOT / "bench" / "results"


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(child) for child in handle.read().split()]
    except OSError:
        return []
    return found + [grandchild for child in found for grandchild in _children(child)]


def _status_kb(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            return next((int(line.split()[1]) for line in handle if line.startswith(field + ":")), 0)
    except OSError:
        return 0


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants."""
    return sum(_status_kb(p, "VmRSS") for p in [pid, *_children(pid)])


def tree_peak_kb(pid: int) -> int:
    """The largest peak (VmHWM) of a process and its descendants: a prefork child's, the puller's own."""
    return max(_status_kb(p, "VmHWM") for p in [pid, *_children(pid)])


def tree_pss_kb(pid: int) -> int:
    """Memory of a process and its descendants, the pages forked children share counted once (PSS)."""
    total = 0
    for p in [pid, *_children(pid)]:
        try:
            with open(f"/proc/{p}/smaps_rollup") as handle:
                total += next((int(line.split()[1]) for line in handle if line.startswith("Pss:")), 0)
        except OSError:
            pass
    return total


def cpu_seconds(pid: int) -> float:
    total = 0.0
    for p in [pid, *_children(pid)]:
        try:
            with open(f"/proc/{p}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            pass
    return total


def _machine_jiffies() -> tuple[int, int]:
    """(busy, total) CPU time of the whole machine so far, from /proc/stat."""
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    idle = values[3] + values[4]  # idle and iowait
    return sum(values) - idle, sum(values)


def _busy_share(before: tuple[int, int], after: tuple[int, int]) -> float:
    return (after[0] - before[0]) / max(1, after[1] - before[1])


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def _cursor(chongqing) -> int:
    rows = chongqing.query("SELECT after_seq FROM sync_partnercursor WHERE region = 'sichuan'")
    return rows[0][0] if rows else 0


def _head(sichuan) -> int:
    return sichuan.query("SELECT coalesce(max(seq), 0) FROM sync_changelog")[0][0]


def _state(region, prefix: str) -> dict:
    rows = region.query(
        "SELECT global_id::text, version, title, description FROM materials_material WHERE title LIKE %s "
        "AND access_level <> 'internal'",
        (prefix + "%",),
    )
    return {row[0]: row[1:] for row in rows}


def _admin_unindexed(region, prefix: str) -> int:
    """The backlog's records at ``region`` not yet in Wagtail's admin search index."""
    return region.query(
        "SELECT count(*) FROM materials_material m WHERE m.title LIKE %s AND NOT EXISTS ("
        " SELECT 1 FROM wagtailsearch_indexentry e JOIN django_content_type t ON t.id = e.content_type_id"
        " WHERE t.app_label = 'materials' AND t.model = 'material' AND e.object_id = m.id::text)",
        (prefix + "%",),
    )[0][0]


def _extract_worker(region, folder: Path) -> subprocess.Popen:
    log = open(folder / f"{region.name}-extract.log", "ab")  # noqa: SIM115 - kept open for the process
    region.logs.append(log)
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=threads", "-c", "1",
         "-Q", f"{region.name}.extract", "-n", f"extract-{region.name}-{uuid.uuid4().hex[:6]}@%h"],
        cwd=ROOT, env=region.env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip


def run_backlog(*, changes: int, label: str, database_url: str, redis_url: str) -> str:
    prefix = f"积压-{uuid.uuid4().hex[:6]}-"
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="sync-backlog-") as folder:
        print("setting up two regions (migrate, seed, gunicorn, workers, beat)...", flush=True)
        with LiveRegions(
            database_url=database_url,
            redis_url=redis_url,
            var_dir=Path(folder),
            db_prefix="portal_sync_bench_",
            settings="bench.sync_settings",
        ) as regions:
            sichuan, chongqing = regions["sichuan"], regions["chongqing"]
            wait_until(
                lambda: _cursor(chongqing) >= _head(sichuan) > 0,
                timeout=120,
                what="the seeded records' first pull at chongqing",
            )
            for kind in ("beat", "worker", "web"):
                chongqing.stop(kind)
            for kind in ("beat", "worker"):
                sichuan.stop(kind)
            start_seq = _cursor(chongqing)
            load_before_creation = _uptime()
            print(f"chongqing offline; creating {changes} changes at sichuan...", flush=True)
            made = sichuan.manage("shell", "-c", CREATE.format(changes=changes, prefix=prefix)).stdout
            created = json.loads(next(x[8:] for x in made.splitlines() if x.startswith("BACKLOG ")))
            head = _head(sichuan)
            backlog = head - start_seq
            # Nudges to a partner that was offline would have failed and been dropped; Sichuan's own
            # indexing and text extraction of the backlog would have been done during the outage.
            subprocess.run(
                [sys.executable, "-m", "celery", "-A", "portal", "purge", "-f",
                 "-Q", "sichuan.sync,sichuan.search,sichuan.extract"],
                cwd=ROOT, env=sichuan.env, capture_output=True, check=True, timeout=120,
            )  # fmt: skip
            sichuan.start_worker(queues=("sync", "default", "search"))
            sichuan.start_beat()
            # Wagtail's jobs for the backlog (admin search, references) ran at Sichuan during the outage.
            queue = redis.Redis.from_url(redis_url)
            wait_until(
                lambda: not _admin_unindexed(sichuan, prefix) and not queue.llen("sichuan.default"),
                timeout=600,
                what="sichuan's own jobs for the backlog",
            )

            load_before_catch_up = _uptime()
            print(f"backlog of {backlog} changes; chongqing back online...", flush=True)
            started, machine_before = time.time(), _machine_jiffies()
            chongqing.start_web()
            # As deployed (docker-compose.yml): the puller's worker on sync, default and search, Celery's
            # prefork pool with a process per core, text extraction in a worker of its own.
            chongqing.start_worker(
                queues=("sync", "default", "search"), pool="prefork", concurrency=os.cpu_count() or 2
            )
            extractor = _extract_worker(chongqing, Path(folder))
            chongqing.start_beat()
            worker, web = chongqing.worker.pid, sichuan.web.pid
            web_cpu_before = cpu_seconds(web)
            peak_kb, pss_kb, hwm_kb, first_at, samples, position = 0, 0, 0, None, [], start_seq
            while position < head:
                if chongqing.worker.poll() is not None:
                    raise RuntimeError("chongqing's worker exited during the catch-up")
                if time.time() - started > 3600:
                    raise RuntimeError(f"no catch-up within an hour: {position - start_seq} of {backlog}")
                rss = tree_rss_kb(worker)
                peak_kb, pss_kb = max(peak_kb, rss), max(pss_kb, tree_pss_kb(worker))
                hwm_kb = max(hwm_kb, tree_peak_kb(worker))
                position = _cursor(chongqing)
                if first_at is None and position > start_seq:
                    first_at = time.time()
                samples.append((round(time.time() - started, 1), position - start_seq, rss // 1024))
                time.sleep(0.25)
            done_at, machine_after = time.time(), _machine_jiffies()
            # Wagtail's admin search index is written by jobs the applying transactions queued.
            while _admin_unindexed(chongqing, prefix) and time.time() - done_at < 600:
                peak_kb, pss_kb = max(peak_kb, tree_rss_kb(worker)), max(pss_kb, tree_pss_kb(worker))
                time.sleep(0.25)
            indexed_at = time.time()
            worker_cpu, web_cpu = cpu_seconds(worker), cpu_seconds(web) - web_cpu_before
            extract_cpu, extracted = (
                cpu_seconds(extractor.pid),
                chongqing.query("SELECT count(*) FROM materials_textextraction WHERE status <> 'queued'")[0][
                    0
                ],
            )
            extractor.terminate()
            extractor.wait(timeout=30)
            hwm_kb = max(hwm_kb, tree_peak_kb(worker))
            load_after = _uptime()
            at_sichuan, at_chongqing = _state(sichuan, prefix), _state(chongqing, prefix)
            refused = chongqing.query(
                "SELECT count(*) FROM sync_quarantinedchange WHERE resolved_at IS NULL"
            )[0][0]
            conflicts = chongqing.query("SELECT count(*) FROM sync_conflict WHERE resolved_at IS NULL")[0][0]

    total = done_at - started
    draining = done_at - (first_at or started)
    floor = created["logged"] / created["seconds"]
    same = at_sichuan == at_chongqing
    lines += [
        f"sync catch-up after an outage ({label}): {backlog} changes in the backlog",
        f"  made of {created['create']} new materials with a file, {created['edit']} edits, "
        f"{created['withdraw']} withdrawals ({created['logged']} logged)",
        f"  load before creation: {load_before_creation}",
        f"creation floor (a quiet process, no worker of either region running): "
        f"{floor:8.1f} changes/s  ({created['seconds']:.1f}s)",
        f"  load before catch-up: {load_before_catch_up}",
        f"catch-up: {backlog / total:8.1f} records/s from chongqing's start "
        f"({total:.1f}s; first change applied after {(first_at or done_at) - started:.1f}s)",
        f"          {backlog / draining:8.1f} records/s from the first change applied ({draining:.1f}s)",
        f"  every record in the admin's search index {indexed_at - done_at:.1f}s after the last was applied",
        f"  puller (chongqing worker) peak RSS: {hwm_kb / 1024:.0f} MB (VmHWM, the largest of its "
        "processes); "
        f"the whole worker at most {pss_kb / 1024:.0f} MB (PSS), {peak_kb / 1024:.0f} MB (RSS summed), "
        "sampled every 0.25s",
        f"  CPU: chongqing worker {worker_cpu:.0f}s, sichuan web (feed, files) {web_cpu:.0f}s, "
        f"chongqing's text extraction worker {extract_cpu:.0f}s ({extracted} files read meanwhile)",
        f"  load after catch-up: {load_after}; the machine's {os.cpu_count()} cores were "
        f"{_busy_share(machine_before, machine_after):.0%} busy during the catch-up",
        f"check: {len(at_chongqing)} shared records at chongqing, {len(at_sichuan)} at sichuan, "
        f"{'identical (id, version, title, description)' if same else 'DIFFERENT'}; "
        f"{refused} quarantined, {conflicts} conflicts",
        "progress (s, changes applied, RSS MB): "
        + ", ".join(str(s) for s in samples[:: max(1, len(samples) // 20)]),
    ]
    report = "\n".join(lines) + "\n"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"sync-{label}.txt").write_text(report)
    if not same:
        report += "the regions' copies differ: the catch-up lost or mangled changes\n"
    return report


if __name__ == "__main__":
    sys.exit("run bench/sync.py --backlog N")
