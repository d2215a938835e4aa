"""Page benchmark at the volume two provinces produce, against the same pages on the demo data.

    eval "$(bash scripts/services.sh env)"; ELASTICSEARCH_URL=http://127.0.0.1:59200 \
        DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/pages.py [--rounds 3] [--label after]

1. creates the demo database (`<db>_bench_pages_demo`, dropped first) next to DATABASE_URL's, migrates it
   and seeds the demo content;
2. copies it (`<db>_bench_pages`) and bulk-inserts the volume there (10,000 materials with 13,275 file
   versions, 2,000 stories, 300 events of which 209 recurring with 268 exceptions, 200 projects, 100
   training sessions). Bulk inserts send no signals, so the cache starts empty;
3. serves each database with production behaviour (DEBUG off, Redis cache; bench/pages_settings.py)
   behind its own gunicorn with 2 workers, beside a minimal view (the floor), and loads every public
   page, the APIs and the feeds with wrk (8 connections), for an anonymous and a signed-in reader.
   Each page is measured in ``--rounds`` rounds of ``--seconds``, the demo data and the volume one
   after the other in each round, so both meet the same moment of a busy machine; the best round of
   each counts (what the machine did meanwhile only ever slows a page down);
4. prints req/s, p50, p95 (after one request timed on its own: the first, which builds what the
   cache then serves), the ratio to the minimal view, the ratio to the same page on the demo data
   and the query count of one request (anonymous / signed in), with os.getloadavg(); writes the table
   to bench/results/pages-<label>.txt. It is not part of the test suite.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages_volume import volume_build  # noqa: E402

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95),
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""


def bench_database_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path="/" + name))


def bench_database_recreate(base_url: str, name: str, *, template: str | None = None) -> None:
    import psycopg

    with psycopg.connect(base_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=2, help="wrk duration of a round, per page and reader")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per page and reader, demo and volume")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--label", default="run")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8851")))
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: bash scripts/services.sh install")
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must point at the test bed's PostgreSQL")
    name = urlsplit(base_url).path.strip("/") + "_bench_pages"
    demo_name = name + "_demo"
    bench_database_recreate(base_url, demo_name)
    os.environ["DATABASE_URL"] = bench_database_url(base_url, demo_name)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.pages_settings"
    os.environ.setdefault("PORTAL_REGION", "sichuan")
    media = tempfile.mkdtemp(prefix="bench-pages-media-")
    os.environ["MEDIA_ROOT"] = media
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", verbosity=0, stdout=quiet)
    print(f"demo database {demo_name}: migrated and seeded in {time.monotonic() - started:.0f}s", flush=True)
    reader_cookie = _signed_in_cookie()
    pages = _pages()
    demo_queries = _query_counts(pages)
    connection.close()
    bench_database_recreate(base_url, name, template=demo_name)
    connection.settings_dict["NAME"] = name
    started = time.monotonic()
    counts = volume_build()
    cache.clear()
    print(f"volume built in {time.monotonic() - started:.0f}s: {counts}", flush=True)
    volume_queries = _query_counts(pages)
    connection.close()
    cache.clear()

    servers = {
        "demo": _serve(args, port=args.port, database=demo_name, base_url=base_url),
        "volume": _serve(args, port=args.port + 1, database=name, base_url=base_url),
    }
    lines = []
    try:
        demo, volume = _measure(args, pages, reader_cookie)
        for phase, found in (("demo", demo_queries), ("volume", volume_queries)):
            for key, (queries, status) in found.items():
                (demo if phase == "demo" else volume)[key] += (queries, status)
        lines = _report(args, pages, demo, volume, counts)
    finally:
        for server in servers.values():
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(media, ignore_errors=True)
    out = ROOT / "bench" / "results" / f"pages-{args.label}.txt"
    out.parent.mkdir(exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    print(f"written to {out.relative_to(ROOT)}")


def _serve(args, *, port: int, database: str, base_url: str):
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": bench_database_url(base_url, database),
        "BENCH_CACHE_PREFIX": f"bench-pages-{database}",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(args.workers),
            "--log-level",
            "warning",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
    )
    import requests

    deadline = time.monotonic() + 60
    while True:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited")
        try:
            requests.get(f"http://127.0.0.1:{port}/bench/minimal", timeout=10)
            return server
        except requests.RequestException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)


def _signed_in_cookie() -> str:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="cd_editor"))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _pages() -> list[tuple[str, str, bool]]:
    """(name, path, html) of every public page, API and feed measured; details of demo records."""
    from django.utils import timezone

    from events.models import Event
    from materials.models import Material
    from publicity.models import Story, StoryIndexPage
    from research.models import Project

    now = timezone.localtime()
    story = Story.objects.live().filter(access_level="public").order_by("pk").first()
    material = Material.objects.filter(access_level="public").order_by("pk").first()
    event = Event.objects.filter(access_level="public").order_by("pk").first()
    project = Project.objects.filter(access_level="public").order_by("pk").first()
    return [
        ("minimal view", "/bench/minimal", False),
        ("home", "/", True),
        ("/materials/", "/materials/", True),
        ("material detail", f"/materials/{material.global_id}/", True),
        ("/stories/", StoryIndexPage.objects.first().url, True),
        ("story detail", story.url, True),
        ("/events/", "/events/", True),
        ("month view", f"/events/month/{now.year}/{now.month:02d}/", True),
        ("event detail", f"/events/{event.global_id}/", True),
        ("/research/", "/research/", True),
        ("project detail", f"/research/{project.global_id}/", True),
        ("/research/experts/", "/research/experts/", True),
        ("/training/", "/training/", True),
        ("/events/calendar.ics", "/events/calendar.ics", False),
        ("/feeds/stories.rss", "/feeds/stories.rss", False),
        ("/feeds/stories.atom", "/feeds/stories.atom", False),
        ("/materials/feed/", "/materials/feed/", False),
        ("API materials", "/api/materials/", False),
        ("API projects", "/api/research/projects/", False),
        ("API pages", "/api/pages/", False),
        ("/healthz", "/healthz", False),
        ("/readyz", "/readyz", False),
    ]


def _query_counts(pages) -> dict:
    """{(name, reader): (queries, HTTP status)} of one request, in this process's database."""
    return {
        (name, reader): _queries(path, signed_in=reader == "signed in")
        for name, path, html in pages
        for reader in (["anonymous", "signed in"] if html else ["anonymous"])
    }


def _measure(args, pages, cookie) -> tuple[dict, dict]:
    """({(name, reader): [req/s, p50 ms, p95 ms, first ms, errors]} of the demo data, and of the volume)"""
    ports = {"demo": args.port, "volume": args.port + 1}
    results = {"demo": {}, "volume": {}}
    for name, path, html in pages:
        for reader in ["anonymous", "signed in"] if html else ["anonymous"]:
            reader_cookie = cookie if reader == "signed in" else None
            # One request first, timed on its own: it builds what the cache then serves, so wrk
            # measures the steady state, and the first column shows what building costs.
            first = {phase: _first_request(port, path, reader_cookie) for phase, port in ports.items()}
            rounds = {"demo": [], "volume": []}
            for _round in range(args.rounds):
                for phase, port in ports.items():
                    rounds[phase].append(_wrk(args, port, path, reader_cookie))
            for phase in ports:
                rps, p50, p95, _errors = max(rounds[phase])
                errors = sum(found[3] for found in rounds[phase])
                results[phase][(name, reader)] = [rps, p50, p95, first[phase], errors]
            print(f"  {name:22} {reader:9} " + "  ".join(
                f"{phase} {results[phase][(name, reader)][0]:7.1f} req/s (rounds "
                f"{', '.join(f'{found[0]:.0f}' for found in rounds[phase])})" for phase in ports),
                flush=True)  # fmt: skip
    return results["demo"], results["volume"]


def _queries(path: str, *, signed_in: bool) -> tuple[int, int]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(REMOTE_ADDR="127.0.0.1")
    if signed_in:
        client.force_login(get_user_model().objects.get(username="cd_editor"))
    client.get(path)  # warm: the second request is the one a busy site serves
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return len(captured), response.status_code


def _first_request(port: int, path: str, cookie: str | None) -> float:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie or ""})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
    except urllib.error.HTTPError:
        pass  # the status is the one _queries reports
    return (time.perf_counter() - started) * 1000


def _wrk(args, port: int, path: str, cookie: str | None) -> tuple[float, float, float, int]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    command = ["wrk", "-t", "2", "-c", str(args.connections), "-d", f"{args.seconds}s", "--timeout", "30s",
               "-s", script.name]  # fmt: skip
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    requests_, duration, p50, p95, errors = (int(v) for v in line.split()[1:])
    return requests_ / (duration / 1e6), p50 / 1000, p95 / 1000, errors


def _report(args, pages, demo, volume, counts) -> list[str]:
    floor = volume[("minimal view", "anonymous")][0]
    floor_demo = demo[("minimal view", "anonymous")][0]
    lines = [
        f"bench/pages.py --label {args.label}: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"wrk {args.connections} connections, the best of {args.rounds} rounds × {args.seconds} s per page "
        f"and reader (demo data and volume in turn), gunicorn {args.workers} workers each, DEBUG off, "
        "Redis cache",
        f"volume: {counts}",
        f"os.getloadavg() at the end: {tuple(round(v, 2) for v in os.getloadavg())}, {os.cpu_count()} cores",
        f"minimal view: {floor:.0f} req/s at volume, {floor_demo:.0f} req/s on the demo data",
        "",
        "| page | reader | req/s at volume | p50 ms | p95 ms | first ms | /minimal | req/s demo | vs demo "
        "| queries demo→volume | errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]  # fmt: skip
    for name, _path, html in pages:
        for reader in ["anonymous", "signed in"] if html else ["anonymous"]:
            rps, p50, p95, first, errors, queries, status = volume[(name, reader)]
            drps, *_rest, dqueries, _dstatus = demo[(name, reader)]
            http = "" if status == 200 else f" (HTTP {status})"
            lines.append(
                f"| {name} | {reader} | {rps:.1f} | {p50:.1f} | {p95:.1f} | {first:.0f} | "
                f"{rps / floor:.3f} | {drps:.1f} | {rps / drps:.2f} | {dqueries}→{queries} | {errors}{http} |"
            )
    print("\n".join(lines))
    return lines


if __name__ == "__main__":
    main()
