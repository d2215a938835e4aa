"""Two live regions: two gunicorn processes, two PostgreSQL databases, real Redis, real Celery workers."""

import hashlib
import json
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

from sync.live import LiveRegions, wait_until

pytestmark = pytest.mark.services

PUBLISH = """
import uuid
from django.core.files.base import ContentFile
from portal.models import Organisation
from materials.services import material_create
org = Organisation.objects.get(code={org!r})
for n in range({count}):
    m = material_create(organisation=org, title=f"{prefix}{{n}}", material_type="archive",
        access_level={access!r}, description="两地同步测试",
        uploaded_file=ContentFile({content!r}.encode() + str(n).encode(), name=f"{prefix}{{n}}.txt"))
    print(m.global_id)
"""


def isolated_redis(redis_url: str) -> str:
    # A DB of its own, so other suites' queues never mix with these.
    parts = urlsplit(redis_url)
    return urlunsplit(parts._replace(path="/3"))


@pytest.fixture(scope="module")
def live(database_url, redis_url, tmp_path_factory):
    regions = LiveRegions(
        database_url=database_url,
        redis_url=isolated_redis(redis_url),
        var_dir=tmp_path_factory.mktemp("sync"),
    )
    try:
        regions.prepare()
        regions.start()
        yield regions
    finally:
        regions.stop()


def publish(region, *, prefix, count=1, access="public", org=None, content="川渝党史资料"):
    org = org or {"sichuan": "sc-chengdu", "chongqing": "cq-qijiang"}[region.name]
    output = region.shell(PUBLISH.format(org=org, count=count, prefix=prefix, access=access, content=content))
    return [line.strip() for line in output.splitlines() if _is_uuid(line.strip())]


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def copies(region, prefix):
    return region.query("SELECT title FROM materials_material WHERE title LIKE %s", (prefix + "%",))


def test_a_public_material_published_at_sichuan_is_visible_at_chongqing_with_its_file(live):
    [global_id] = publish(
        live["sichuan"], prefix=f"同步-{uuid.uuid4().hex[:6]}-", content="遵义会议的重要屏障"
    )
    url = f"{live['chongqing'].url}/materials/{global_id}/"
    assert wait_until(lambda: requests.get(url, timeout=5).status_code == 200, timeout=20)
    page = requests.get(url, timeout=5).text
    assert "两地同步测试" in page
    download = requests.get(f"{url}download/", timeout=5)
    assert download.status_code == 200
    assert download.content == "遵义会议的重要屏障0".encode()
    [(origin, sha)] = live["sichuan"].query(
        "SELECT m.origin_region, f.sha256 FROM materials_material m JOIN materials_materialfile f "
        "ON f.material_id = m.id WHERE m.global_id = %s",
        (global_id,),
    )
    assert origin == "sichuan" and hashlib.sha256(download.content).hexdigest() == sha


def test_and_back_from_chongqing_to_sichuan(live):
    [global_id] = publish(live["chongqing"], prefix=f"回传-{uuid.uuid4().hex[:6]}-")
    url = f"{live['sichuan'].url}/materials/{global_id}/"
    assert wait_until(lambda: requests.get(url, timeout=5).status_code == 200, timeout=20)
    [(origin,)] = live["sichuan"].query(
        "SELECT origin_region FROM materials_material WHERE global_id=%s", (global_id,)
    )
    assert origin == "chongqing"


def test_the_receiving_worker_killed_mid_backlog_and_restarted_gets_everything_once(live):
    chongqing = live["chongqing"]
    prefix = f"积压-{uuid.uuid4().hex[:6]}-"
    chongqing.stop("worker")
    try:
        ids = publish(live["sichuan"], prefix=prefix, count=25)
        assert not copies(chongqing, prefix)
        chongqing.start_worker()
        # Kill it while it drains the backlog: no goodbye, no acknowledgement.
        wait_until(lambda: copies(chongqing, prefix), timeout=30, interval=0.02)
        chongqing.stop("worker", kill=True)
        arrived_before_kill = len(copies(chongqing, prefix))
    finally:
        chongqing.start_worker()
    assert wait_until(lambda: len(copies(chongqing, prefix)) == 25, timeout=60), len(
        copies(chongqing, prefix)
    )
    rows = chongqing.query(
        "SELECT global_id::text FROM materials_material WHERE title LIKE %s", (prefix + "%",)
    )
    assert sorted(r[0] for r in rows) == sorted(ids)  # each exactly once
    assert 0 < arrived_before_kill <= 25


def test_a_change_made_while_the_partner_web_process_is_down_arrives_once_it_is_back(live):
    sichuan, chongqing = live["sichuan"], live["chongqing"]
    prefix = f"停机-{uuid.uuid4().hex[:6]}-"

    def last_error_at():
        return json.loads(chongqing.manage("sync_status", "--json").stdout)[0]["last_error_at"]

    before = last_error_at()
    sichuan.stop("web")
    try:
        publish(sichuan, prefix=prefix)
        # Chongqing's beat keeps trying; each failure is recorded for staff.
        assert wait_until(lambda: last_error_at() != before, timeout=30)
        assert not copies(chongqing, prefix)
    finally:
        sichuan.start_web()
    assert wait_until(lambda: copies(chongqing, prefix), timeout=40)


def test_lowering_to_internal_removes_the_copy_at_the_partner(live):
    sichuan, chongqing = live["sichuan"], live["chongqing"]
    prefix = f"降级-{uuid.uuid4().hex[:6]}-"
    [global_id] = publish(sichuan, prefix=prefix)
    assert wait_until(lambda: copies(chongqing, prefix), timeout=20)
    sichuan.shell(
        "from materials.models import Material\n"
        f"m = Material.objects.get(global_id='{global_id}')\n"
        "m.access_level = 'internal'\nm.save()\n"
    )
    assert wait_until(lambda: not copies(chongqing, prefix), timeout=20)
    assert requests.get(f"{chongqing.url}/materials/{global_id}/", timeout=5).status_code == 404
    assert not chongqing.query("SELECT 1 FROM sync_changelog WHERE global_id = %s", (global_id,)), (
        "a replica is never echoed back"
    )


def test_status_reports_each_partner_after_the_backlog_drained(live):
    status = json.loads(live["chongqing"].manage("sync_status", "--json").stdout)
    [sichuan] = status
    assert sichuan["region"] == "sichuan"
    assert wait_until(
        lambda: json.loads(live["chongqing"].manage("sync_status", "--json").stdout)[0]["backlog"] == 0,
        timeout=20,
    )
    assert sichuan["last_success"] is not None


def test_an_unsigned_feed_request_to_a_live_region_is_refused(live):
    response = requests.get(f"{live['sichuan'].url}/sync/changes?after=0", timeout=5)
    assert response.status_code == 401 and response.json()["error"] == "unsigned"


def test_reconcile_repairs_a_copy_removed_behind_syncs_back(live):
    sichuan, chongqing = live["sichuan"], live["chongqing"]
    prefix = f"对账-{uuid.uuid4().hex[:6]}-"
    [global_id] = publish(sichuan, prefix=prefix)
    assert wait_until(lambda: copies(chongqing, prefix), timeout=20)
    chongqing.shell(
        "from sync.context import apply_context\nfrom materials.models import Material\n"
        f"with apply_context():\n    Material.objects.get(global_id='{global_id}').delete()\n"
        "from sync.models import SyncedCopy\n"
        f"SyncedCopy.objects.filter(global_id='{global_id}').delete()\n"
    )
    assert not copies(chongqing, prefix)
    result = chongqing.manage("sync_reconcile")
    assert "1 repaired" in result.stdout, result.stdout + result.stderr
    assert copies(chongqing, prefix)
