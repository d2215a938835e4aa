"""Deep pages of the public lists at volume: the first page against the 400th (issue 18).

    eval "$(bash scripts/services.sh env)"; DATABASE_URL=... REDIS_URL=... \
        .venv/bin/python bench/deep_pages.py [--seconds 5] [--label after]

Creates its own database (`<db>_bench_deep`, dropped first), migrates, seeds the demo content and
bulk-inserts bench/pages.py's volume (10,000 materials, 2,000 stories, 200 projects), serves it
behind gunicorn (2 workers, DEBUG off, Redis cache) and loads with wrk, as the signed-in editor
(so the anonymous page cache answers none of it):

- /materials/ and /stories/: the first page, the deep page by number (?page=400 and ?page=100,
  the links of the offset paginator) and, where the list pages by cursor, the same deep page
  reached by following its "next" links from the first page.

Prints req/s, p50 and p95 with os.getloadavg(); writes bench/results/deep-pages-<label>.txt.
"""

import argparse
import html
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import _serve, _wrk, bench_database_recreate, bench_database_url  # noqa: E402
from bench.pages_volume import volume_build  # noqa: E402

READER = "cd_editor"
NEXT_LINK = re.compile(r"<a\b[^>]*\brel=\"next\"[^>]*>")
HREF = re.compile(r"\bhref=\"([^\"]*)\"")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--label", default="run")
    parser.add_argument("--reuse", action="store_true", help="the database of a previous run, migrated again")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8852")))
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must point at the test bed's PostgreSQL")
    name = urlsplit(base_url).path.strip("/") + "_bench_deep"
    if not args.reuse:
        bench_database_recreate(base_url, name)
    os.environ["DATABASE_URL"] = bench_database_url(base_url, name)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.pages_settings"
    os.environ.setdefault("PORTAL_REGION", "sichuan")
    os.environ.setdefault("BENCH_CACHE_PREFIX", "bench-deep")
    media = tempfile.mkdtemp(prefix="bench-deep-media-")
    os.environ["MEDIA_ROOT"] = media
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    if args.reuse:
        counts = "as a previous run built it"
    else:
        with open(os.devnull, "w") as quiet:
            call_command("seed_demo", verbosity=0, stdout=quiet)
        counts = volume_build()
    cache.clear()
    print(f"{name}: migrated, seeded and volume built in {time.monotonic() - started:.0f}s", flush=True)

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from publicity.models import StoryIndexPage

    client = Client(REMOTE_ADDR="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=READER))
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    stories = StoryIndexPage.objects.first().url
    pages = [("/materials/ page 1", "/materials/"), ("/materials/?page=400", "/materials/?page=400")]
    pages += _by_cursor(client, "/materials/", 400)
    pages += [("/stories/ page 1", stories), ("/stories/?page=100", f"{stories}?page=100")]
    pages += _by_cursor(client, stories, 100)

    plans = [(label, *_plan(client, path)) for label, path in pages]
    server = _serve(args)
    results = []
    try:
        # The workers load templates and fill their caches on their first requests: not measured.
        _wrk(argparse.Namespace(**{**vars(args), "seconds": 2}), pages[0][1], cookie)
        for label, path in pages:
            status = client.get(path).status_code
            rps, p50, p95, errors = _wrk(args, path, cookie)
            results.append((label, path, rps, p50, p95, errors, status))
            print(f"  {label:34} {rps:8.1f} req/s  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  HTTP {status}  "
                  f"errors {errors}", flush=True)  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(media, ignore_errors=True)
    lines = [
        f"bench/deep_pages.py --label {args.label}: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"wrk {args.connections} connections × {args.seconds} s per page, gunicorn {args.workers} workers, "
        f"DEBUG off, Redis cache, signed in as {READER}",
        f"volume: {counts}",
        f"os.getloadavg() at the end: {tuple(round(v, 2) for v in os.getloadavg())}, {os.cpu_count()} cores",
        "",
        "| page | req/s | p50 ms | p95 ms | errors |",
        "|---|---|---|---|---|",
    ]
    for label, _path, rps, p50, p95, errors, status in results:
        http = "" if status == 200 else f" (HTTP {status})"
        lines.append(f"| {label} | {rps:.1f} | {p50:.1f} | {p95:.1f} | {errors}{http} |")
    lines += ["", "The list's query of each page, EXPLAIN ANALYZE (warm):", ""]
    lines += ["| page | execution ms | plan |", "|---|---|---|"]
    lines += [f"| {label} | {ms:.2f} | {plan} |" for label, ms, plan in plans]
    print("\n".join(lines))
    out = ROOT / "bench" / "results" / f"deep-pages-{args.label}.txt"
    out.parent.mkdir(exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    print(f"written to {out.relative_to(ROOT)}")


def _plan(client, path: str) -> tuple[float, str]:
    """The execution time and the nodes of the page's list query, as PostgreSQL runs it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    tables = ('FROM "materials_material"', 'FROM "publicity_story"')
    sql = next(
        q["sql"]
        for q in captured.captured_queries
        if "LIMIT" in q["sql"] and q["sql"].count(tables[0]) + q["sql"].count(tables[1])
    )
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        [[[result]]] = cursor.fetchall()

    def nodes(node):
        name = node["Node Type"] + (f" on {node['Index Name']}" if "Index Name" in node else "")
        if "Index Cond" in node:
            name += f" [{node['Index Cond']}]"
        return [name, *(n for child in node.get("Plans", []) for n in nodes(child))]

    return result["Execution Time"], " → ".join(nodes(result["Plan"]))


def _by_cursor(client, path: str, number: int) -> list[tuple[str, str]]:
    """The page ``number`` of a list reached by its "next" links, when they carry a cursor."""
    url = path
    for _ in range(number - 1):
        found = NEXT_LINK.search(client.get(url).content.decode())
        if found is None:
            return []
        href = html.unescape(HREF.search(found.group(0)).group(1))
        if "after=" not in href:
            return []  # an offset paginator: ?page=N is the deep page
        url = path + href if href.startswith("?") else href
    return [(f"{path} page {number} by cursor", url)]


if __name__ == "__main__":
    main()
