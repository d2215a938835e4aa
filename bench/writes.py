"""Write benchmark in a quiet process: material_create records/s as the search index grows.

    DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/writes.py [--creates 300] [--stock]

In its own database (`<db>_bench_writes`, dropped first): times `material_create`, without a file
and with a small first file (stored in a temporary directory), at several sizes of Wagtail's search
index (wagtailsearch_indexentry), and counts the ChangeLog rows and advisory locks one create
writes; then the search-index update the worker runs for each.
`--stock` runs Wagtail's own PostgreSQL backend instead of search.wagtail_backend (the title-norm
scans on every save). No worker, no partner: the floor.
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import bench_database_recreate, bench_database_url  # noqa: E402
from bench.search import generated_text  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--creates", type=int, default=300)
    parser.add_argument("--sizes", default="0,5000,20000", help="index entries before each timing")
    parser.add_argument("--stock", action="store_true", help="Wagtail's own PostgreSQL search backend")
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", "")
    name = urlsplit(base_url).path.strip("/") + "_bench_writes"
    bench_database_recreate(base_url, name)
    os.environ["DATABASE_URL"] = bench_database_url(base_url, name)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.pages_settings"
    # Its own cache keys: its creates must not invalidate a pages benchmark running beside it.
    os.environ["BENCH_CACHE_PREFIX"] = "bench-writes"
    os.environ.setdefault("PORTAL_REGION", "sichuan")
    files_dir = tempfile.mkdtemp(prefix="bench-writes-")
    os.environ["MATERIALS_PRIVATE_ROOT"] = files_dir
    try:
        run(args)
    finally:
        shutil.rmtree(files_dir, ignore_errors=True)


def run(args):
    import django
    from django.conf import settings

    django.setup()
    if args.stock:
        settings.WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
    from django.core.cache import cache
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from wagtail.search.backends import get_search_backend

    from materials.models import Material
    from materials.services import material_create
    from portal.models import Organisation
    from sync.models import ChangeLog

    call_command("migrate", verbosity=0)
    cache.clear()
    organisation = Organisation.objects.create(
        code="bench-writes",
        name="基准测试党史研究室",
        short_name="基准",
        region=settings.PORTAL_REGION,
        level="district",
    )
    backend = get_search_backend()
    print(f"backend: {type(backend).__module__}.{type(backend).__name__}")
    rng = random.Random(6)

    def create_one(with_file):
        title, summary = generated_text(rng)
        upload = ContentFile(summary.encode(), name="summary.txt") if with_file else None
        material_create(
            organisation=organisation, title=title, material_type="archive", description=summary,
            uploaded_file=upload,
        )  # fmt: skip

    entries = 0
    for size in (int(s) for s in args.sizes.split(",")):
        if size > entries:
            filler = []
            for _ in range(size - entries):
                title, summary = generated_text(rng)
                filler.append(
                    Material(
                        title=title, description=summary, material_type="archive", access_level="public",
                        origin_organisation=organisation, origin_region=organisation.region,
                    )
                )  # fmt: skip
            Material.objects.bulk_create(filler, batch_size=2000)
            for start in range(0, len(filler), 1000):
                backend.add_bulk(Material, filler[start : start + 1000])
            entries = size
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM wagtailsearch_indexentry")
            indexed = cursor.fetchone()[0]
        for with_file in (False, True):
            logged_before = ChangeLog.objects.count()
            with CaptureQueriesContext(connection) as captured:
                create_one(with_file)
            locks = sum("advisory" in q["sql"] for q in captured.captured_queries)
            rows_one = ChangeLog.objects.count() - logged_before
            if os.environ.get("BENCH_SHOW_QUERIES"):
                print("\n".join(q["sql"][:160] for q in captured.captured_queries))
            each = []
            cpu_started = time.process_time()
            for _ in range(args.creates):
                started = time.perf_counter()
                create_one(with_file)
                each.append(time.perf_counter() - started)
            elapsed, cpu = sum(each), time.process_time() - cpu_started
            what = "material_create with a file" if with_file else "material_create, no file   "
            # The median create too: on a shared machine a few creates stall behind other processes.
            median = statistics.median(each)
            print(
                f"index entries {indexed:>6}: {what} {args.creates / elapsed:6.1f} records/s "
                f"({elapsed / args.creates * 1000:5.1f} ms each, median {median * 1000:5.1f} ms "
                f"= {1 / median:6.1f}/s; {cpu / args.creates * 1000:4.1f} ms CPU here), "
                f"one create: {rows_one} ChangeLog row(s), {locks} advisory lock(s), {len(captured)} queries",
                flush=True,
            )
            entries += args.creates + 1
        # The worker's share: material_create queues the search-index update for a Celery worker.
        fresh = list(Material.objects.order_by("-pk")[: args.creates])
        started = time.perf_counter()
        for material in fresh:
            backend.add(material)
        index_elapsed = time.perf_counter() - started
        print(
            f"index entries {indexed:>6}: search index add (worker) "
            f"{len(fresh) / index_elapsed:6.1f} records/s "
            f"({index_elapsed / len(fresh) * 1000:5.1f} ms each)",
            flush=True,
        )
    print(f"os.getloadavg(): {tuple(round(v, 2) for v in os.getloadavg())}, {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
