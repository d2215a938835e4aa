"""Sync benchmark: two live regions, publish at Sichuan, time until visible at Chongqing.

    DATABASE_URL=postgres://portal@127.0.0.1:55432/portal REDIS_URL=redis://127.0.0.1:56379/3 \
        .venv/bin/python bench/sync.py [--records 200] [--samples 20]
        .venv/bin/python bench/sync.py --backlog 10000 [--label before]

With --backlog, only the catch-up after a long outage is measured (bench/sync_backlog.py): the
figures are printed and written to bench/results/sync-<label>.txt.

Sets up the same two regions as tests/sync/test_two_regions.py (databases portal_sync_bench_sichuan
and portal_sync_bench_chongqing, gunicorn, a Celery worker and beat per region on Redis), then

(a) bulk: a script at Sichuan creates N public materials, each with a small file, as fast as it
    can (the local creation rate, the floor); the clock runs until all N are in Chongqing's
    database (records/s of sync);
(b) single changes on an idle system: one material at a time, lag from commit at Sichuan to
    the row being committed at Chongqing (p50/p95);
(c) requests the other region owns: a Chongqing staff member answers a Sichuan meeting's RSVP,
    lag from commit at Chongqing to the answer recorded at Sichuan and to the reply settling
    it at Chongqing (p50/p95).

Prints the figures; it is not part of the test suite.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.live import LiveRegions  # noqa: E402
from tests.support.waiting import wait_until  # noqa: E402

BULK = """
import time
from django.core.files.base import ContentFile
from portal.models import Organisation
from materials.services import material_create
org = Organisation.objects.get(code="sc-chengdu")
print("T0", time.time(), flush=True)
for n in range({count}):
    material_create(organisation=org, title=f"bench-bulk-{{n}}", material_type="archive",
        description="川渝党史资料同步基准",
        uploaded_file=ContentFile(f"基准文件 {{n}}".encode(), name=f"b{{n}}.txt"))
print("T1", time.time(), flush=True)
"""

SINGLE = """
import json, os, time
import psycopg
from django.core.files.base import ContentFile
from portal.models import Organisation
from materials.services import material_create
org = Organisation.objects.get(code="sc-chengdu")
partner = psycopg.connect(os.environ["BENCH_PARTNER_DB"], autocommit=True)
lags = []
for n in range({samples}):
    time.sleep(0.5)
    m = material_create(organisation=org, title=f"bench-single-{{n}}", material_type="archive",
        uploaded_file=ContentFile(f"单条 {{n}}".encode(), name=f"s{{n}}.txt"))
    committed = time.time()
    seen = "SELECT 1 FROM materials_material WHERE global_id=%s"
    while not partner.execute(seen, (m.global_id,)).fetchone():
        if time.time() - committed > 30:
            break
        time.sleep(0.005)
    lags.append(time.time() - committed)
print("LAGS", json.dumps(lags), flush=True)
"""

REQUESTS = """
import datetime, json, os, time
import psycopg
from django.utils import timezone
from events.models import RSVP, Event
from events.services import rsvp_set
from portal.models import Organisation
from portal.services import staff_user_create_or_update
host_db = psycopg.connect(os.environ["BENCH_PARTNER_DB"], autocommit=True)
event = Event.objects.get(global_id={event!r})
org = Organisation.objects.get(code="cq-qijiang")
recorded, settled = [], []
for n in range({samples}):
    time.sleep(0.5)
    user = staff_user_create_or_update(username=f"bench_rsvp_{{n}}", organisation=org, roles=[],
        full_name="基准", email="", password=None)
    rsvp = rsvp_set(event=event, user=user, attending=True)
    committed = time.time()
    seen = "SELECT 1 FROM events_rsvp WHERE global_id=%s"
    while not host_db.execute(seen, (rsvp.global_id,)).fetchone() and time.time() - committed < 30:
        time.sleep(0.005)
    recorded.append(time.time() - committed)
    while RSVP.objects.filter(pk=rsvp.pk, state="pending").exists() and time.time() - committed < 30:
        time.sleep(0.005)
    settled.append(time.time() - committed)
print("REQUESTS", json.dumps([recorded, settled]), flush=True)
"""

MEETING = """
import datetime
from django.utils import timezone
from events.models import Event
from portal.models import Organisation
start = timezone.now() + datetime.timedelta(days=20)
print(Event.objects.create(title="基准联席会议", event_type="joint_meeting", starts_at=start,
    ends_at=start + datetime.timedelta(hours=2), access_level="partners",
    origin_organisation=Organisation.objects.get(code="sc-chengdu")).global_id)
"""


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=200)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--backlog", type=int, default=0, help="changes made while chongqing is offline")
    parser.add_argument("--label", default=time.strftime("%Y-%m-%d"), help="names the results file")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL")
    redis_url = os.environ.get("REDIS_URL")
    if not database_url or not redis_url:
        sys.exit("bench/sync.py: set DATABASE_URL and REDIS_URL (see the docstring)")
    if args.backlog:
        from bench.sync_backlog import run_backlog

        print(run_backlog(changes=args.backlog, label=args.label, database_url=database_url,
                          redis_url=redis_url), end="")  # fmt: skip
        return

    with tempfile.TemporaryDirectory(prefix="sync-bench-") as folder:
        print("setting up two regions (migrate, seed, gunicorn, workers, beat)...", flush=True)
        with LiveRegions(
            database_url=database_url,
            redis_url=redis_url,
            var_dir=Path(folder),
            db_prefix="portal_sync_bench_",
        ) as regions:
            sichuan, chongqing = regions["sichuan"], regions["chongqing"]
            # Let the seeded copies' first pull settle.
            time.sleep(8)

            def arrived(prefix):
                return chongqing.query(
                    "SELECT count(*) FROM materials_material WHERE title LIKE %s", (prefix + "%",)
                )[0][0]

            script = subprocess.Popen(
                [sys.executable, "manage.py", "shell", "-c", BULK.format(count=args.records)],
                cwd=ROOT,
                env=sichuan.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            wait_until(
                lambda: arrived("bench-bulk-") >= args.records,
                timeout=600,
                interval=0.05,
                what="the bulk at chongqing",
            )
            all_visible = time.time()
            output, _ = script.communicate(timeout=600)
            stamps = dict(line.split()[:2] for line in output.splitlines() if line[:2] in ("T0", "T1"))
            t0, t1 = float(stamps["T0"]), float(stamps["T1"])
            count = arrived("bench-bulk-")
            local_rate = args.records / (t1 - t0)
            sync_rate = count / (all_visible - t0)

            single = subprocess.run(
                [sys.executable, "manage.py", "shell", "-c", SINGLE.format(samples=args.samples)],
                cwd=ROOT,
                env={**sichuan.env, "BENCH_PARTNER_DB": chongqing.database_url},
                capture_output=True,
                text=True,
                timeout=600,
            )  # fmt: skip
            lags = json.loads(
                next(line[5:] for line in single.stdout.splitlines() if line.startswith("LAGS"))
            )

            event = sichuan.shell(MEETING).split()[-1]
            wait_until(
                lambda: chongqing.query("SELECT 1 FROM events_event WHERE global_id=%s", (event,)),
                timeout=30,
                what="the meeting at chongqing",
            )
            code = REQUESTS.format(event=event, samples=args.samples)
            requests_run = subprocess.run(
                [sys.executable, "manage.py", "shell", "-c", code],
                cwd=ROOT,
                env={**chongqing.env, "BENCH_PARTNER_DB": sichuan.database_url},
                capture_output=True,
                text=True,
                timeout=600,
            )  # fmt: skip
            recorded, settled = json.loads(
                next(line[9:] for line in requests_run.stdout.splitlines() if line.startswith("REQUESTS"))
            )

            print()
            print(f"bulk: {args.records} materials with files created at sichuan in {t1 - t0:.2f}s")
            print(f"  local creation rate (floor): {local_rate:8.1f} records/s")
            print(
                f"  visible at chongqing:        {sync_rate:8.1f} records/s  ({count} arrived, "
                f"{all_visible - t0:.2f}s after the first was created; "
                f"{sync_rate / local_rate:.0%} of the floor)"
            )
            print(
                f"single changes on an idle system ({len(lags)} samples), "
                "commit at sichuan -> committed at chongqing:"
            )
            print(f"  p50 {percentile(lags, 0.5) * 1000:7.0f} ms")
            print(f"  p95 {percentile(lags, 0.95) * 1000:7.0f} ms")
            print(f"  max {max(lags) * 1000:7.0f} ms   mean {statistics.mean(lags) * 1000:.0f} ms")
            print(f"requests to the owner ({len(recorded)} RSVPs at chongqing to a sichuan meeting):")
            print(
                f"  recorded at sichuan: p50 {percentile(recorded, 0.5) * 1000:5.0f} ms, "
                f"p95 {percentile(recorded, 0.95) * 1000:5.0f} ms"
            )
            print(
                f"  settled at chongqing: p50 {percentile(settled, 0.5) * 1000:5.0f} ms, "
                f"p95 {percentile(settled, 0.95) * 1000:5.0f} ms"
            )


if __name__ == "__main__":
    main()
