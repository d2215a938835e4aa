"""Search benchmark: index generated Chinese records, then time the JSON endpoint against raw Elasticsearch.

    DATABASE_URL=... ELASTICSEARCH_URL=http://127.0.0.1:59200 \
        .venv/bin/python bench/search.py [--records 100000]

1. bulk-creates N materials (generated Chinese titles and summaries) in the database,
2. runs the same rebuild as `manage.py search_rebuild` into a private index (the indexing rate),
3. serves the site with gunicorn and times GET /search/?q=…&format=json for a fixed query set,
   beside the identical Elasticsearch request sent straight to the node (the floor),
4. deletes its records and indexes. Prints the figures; it is not part of the test suite.
"""

import argparse
import os
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = [
    "长征", "红岩精神", "南方局", "綦江", "川渝", "抗战", "周恩来", "重庆谈判", "三线建设", "改革开放",
    "党史资料", "红军", "学术研讨会", "干部培训", "邓小平", "成渝", "红色资源", "口述史", "渣滓洞", "解放",
]  # fmt: skip

PEOPLE = ["周恩来", "邓小平", "刘伯承", "朱德", "陈毅", "聂荣臻", "赵世炎", "杨闇公", "江竹筠", "张自忠"]
PLACES = [
    "綦江",
    "红岩村",
    "曾家岩",
    "渣滓洞",
    "白公馆",
    "广安",
    "仪陇",
    "南充",
    "达州",
    "通江",
    "万州",
    "涪陵",
]
EVENTS = ["中央红军长征", "重庆谈判", "三线建设", "抗战大后方", "川陕革命根据地", "改革开放", "成渝铁路修建",
          "西南服务团", "解放大西南", "南方局工作"]  # fmt: skip
PERIODS = ["new_democratic", "socialist_construction", "reform_and_opening", "new_era"]
KINDS = ["档案", "回忆录", "口述史", "照片", "调查报告", "资料汇编", "研究论文", "会议纪要"]
PHRASES = [
    "弘扬红岩精神", "传承红色基因", "党史资料征编", "川渝两地党史部门协作", "红色资源保护利用",
    "成渝地区双城经济圈建设", "学术研讨会", "干部培训", "党史宣传教育", "革命遗址调查",
]  # fmt: skip


def generated_text(rng: random.Random) -> tuple[str, str]:
    person, place, event = rng.choice(PEOPLE), rng.choice(PLACES), rng.choice(EVENTS)
    title = f"{event}在{place}的{rng.choice(KINDS)}（{rng.randint(1921, 2024)}）"
    summary = (
        f"本资料记录了{event}期间{person}在{place}的活动情况，"
        f"{rng.choice(PHRASES)}，{rng.choice(PHRASES)}。"
        f"资料来源于{rng.choice(PLACES)}区县党史研究室，经{rng.choice(PHRASES)}整理，"
        f"可用于{rng.choice(PHRASES)}和{rng.choice(PHRASES)}。"
    )
    return title, summary


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lower, upper = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (k - lower)


def ms(values):
    return f"p50 {percentile(values, 0.5) * 1000:6.1f} ms   p95 {percentile(values, 0.95) * 1000:6.1f} ms"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=10, help="timed passes over the query set")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    os.environ["BENCH_SEARCH_INDEX_PREFIX"] = prefix
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.search_settings"
    import django

    django.setup()
    import requests

    from django.conf import settings
    from django.core.management import call_command

    from materials.models import Material
    from portal.models import Organisation
    from search import services
    from search.documents import alias_name, connect
    from search.es_selectors import es_query_body

    if not settings.ELASTICSEARCH_URL:
        sys.exit("ELASTICSEARCH_URL is not set")
    call_command("migrate", verbosity=0)
    client = connect()
    organisation, _ = Organisation.objects.get_or_create(
        code="bench-org",
        defaults={
            "name": "基准测试党史研究室",
            "short_name": "基准测试",
            "region": "chongqing",
            "level": "district",
        },
    )
    existing = sum(source.records().count() for source in services.installed_sources())
    server = None
    try:
        rng = random.Random(7)
        started = time.monotonic()
        batch = []
        for n in range(args.records):
            title, summary = generated_text(rng)
            batch.append(
                Material(
                    title=title,
                    description=summary,
                    material_type=rng.choice(["archive", "literature", "photo", "paper", "report"]),
                    period=rng.choice(
                        ["new_democratic", "socialist_construction", "reform_and_opening", "new_era"]
                    ),
                    origin_organisation=organisation,
                    origin_region=rng.choice(["sichuan", "chongqing"]),
                    access_level=rng.choices(["public", "partners", "internal"], [8, 1, 1])[0],
                )
            )
            if len(batch) == 5000 or n == args.records - 1:
                Material.objects.bulk_create(batch)
                batch = []
        print(f"created {args.records:,} materials in {time.monotonic() - started:.1f}s")

        total = services.records_count()
        started = time.monotonic()
        last = [0.0]

        def progress(done):
            if time.monotonic() - last[0] > 5 or done == total:
                last[0] = time.monotonic()
                print(f"  indexed {done:,}/{total:,}", flush=True)

        _, written = services.index_rebuild(progress=progress)
        elapsed = time.monotonic() - started
        print(f"indexing: {written:,} documents in {elapsed:.1f}s = {written / elapsed:,.0f} docs/s "
              f"(database read + document build + bulk, incl. {existing} pre-existing records)")  # fmt: skip

        port = _free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
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
        base = f"http://127.0.0.1:{port}"
        _wait(base + "/search/?q=x&format=json", server)
        session = requests.Session()
        endpoint, raw, hits = [], [], {}
        for round_ in range(args.rounds + 1):  # the first pass warms caches and is not timed
            for query in QUERIES:
                t0 = time.perf_counter()
                response = session.get(base + "/search/", params={"q": query, "format": "json"}, timeout=30)
                t1 = time.perf_counter()
                response.raise_for_status()
                body = es_query_body(query=query, filters={}, user=None, page=1)
                t2 = time.perf_counter()
                result = client.search(index=alias_name(), body=body)
                t3 = time.perf_counter()
                if round_:
                    endpoint.append(t1 - t0)
                    raw.append(t3 - t2)
                hits[query] = (response.json()["count"], result["hits"]["total"]["value"])
        print(
            f"queries: {len(QUERIES)} × {args.rounds} rounds, anonymous reader, page 1, 6 facets + highlights"
        )
        print(f"  JSON endpoint (gunicorn, {args.workers} workers, HTTP): {ms(endpoint)}")
        print(f"  raw Elasticsearch (same request body):          {ms(raw)}")
        ratio = percentile(endpoint, 0.95) / percentile(raw, 0.95)
        print(f"  endpoint p95 / raw p95 = {ratio:.2f}x")
        mismatched = {q: h for q, h in hits.items() if h[0] != h[1]}
        print(f"  result counts equal for all queries: {not mismatched} {mismatched or ''}")
        print("  hits per query: " + ", ".join(f"{q}={h[0]}" for q, h in hits.items()))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        services.indexes_drop()
        # A raw delete: no per-record signals, so no 100,000 removal tasks queued for a worker.
        generated = Material.objects.filter(origin_organisation=organisation)
        generated._raw_delete(generated.db)
        organisation.delete()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, process, timeout: float = 60):
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited")
        try:
            requests.get(url, timeout=10)
            return
        except requests.RequestException:
            time.sleep(0.25)
    raise TimeoutError(url)


if __name__ == "__main__":
    main()
