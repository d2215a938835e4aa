"""Two live regions: two gunicorn processes, two PostgreSQL databases, real Redis, real Celery workers."""

import hashlib
import json
import uuid

import pytest
import requests

from tests.support.live import LiveRegions, redis_database
from tests.support.scripts import script
from tests.support.waiting import wait_until

pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def live(database_url, redis_url, tmp_path_factory):
    with LiveRegions(
        database_url=database_url,
        redis_url=redis_database(redis_url, 3),
        var_dir=tmp_path_factory.mktemp("sync"),
    ) as regions:
        yield regions


def publish(region, *, prefix, count=1, access="public", org=None, content="川渝党史资料", topics=()):
    org = org or {"sichuan": "sc-chengdu", "chongqing": "cq-qijiang"}[region.name]
    output = region.shell(
        script(
            "material_publish",
            org=org,
            count=count,
            prefix=prefix,
            access=access,
            content=content,
            topics=[list(topic) for topic in topics],
        )
    )
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
    wait_until(
        lambda: requests.get(url, timeout=5).status_code == 200, timeout=20, what=f"{url} served at Chongqing"
    )
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


def test_a_deposit_with_topics_and_a_file_is_one_change_and_the_partner_receives_all_of_it(live):
    sichuan, chongqing = live["sichuan"], live["chongqing"]
    topics = [("place", "綦江"), ("event", "遵义会议")]
    [(logged_before,)] = sichuan.query("SELECT count(*) FROM sync_changelog")
    [global_id] = publish(
        sichuan, prefix=f"一次-{uuid.uuid4().hex[:6]}-", content="红军长征过綦江", topics=topics
    )
    [(logged_after,)] = sichuan.query("SELECT count(*) FROM sync_changelog")
    assert logged_after - logged_before == 1
    logged = sichuan.query("SELECT op, version FROM sync_changelog WHERE global_id = %s", (global_id,))
    assert logged == [("upsert", 1)]

    def files_at_chongqing():
        return chongqing.query(
            "SELECT f.version, f.sha256 FROM materials_material m JOIN materials_materialfile f "
            "ON f.material_id = m.id WHERE m.global_id = %s",
            (global_id,),
        )

    wait_until(files_at_chongqing, timeout=20, what="the copy and its file at Chongqing")
    assert files_at_chongqing() == [(1, hashlib.sha256("红军长征过綦江0".encode()).hexdigest())]
    tagged = chongqing.query(
        "SELECT t.kind, t.name FROM materials_material m "
        "JOIN materials_material_topics mt ON mt.material_id = m.id "
        "JOIN portal_topic t ON t.id = mt.topic_id WHERE m.global_id = %s",
        (global_id,),
    )
    assert sorted(tagged) == sorted(topics)
    download = requests.get(f"{chongqing.url}/materials/{global_id}/download/", timeout=5)
    assert download.status_code == 200 and download.content == "红军长征过綦江0".encode()


def test_and_back_from_chongqing_to_sichuan(live):
    [global_id] = publish(live["chongqing"], prefix=f"回传-{uuid.uuid4().hex[:6]}-")
    url = f"{live['sichuan'].url}/materials/{global_id}/"
    wait_until(
        lambda: requests.get(url, timeout=5).status_code == 200, timeout=20, what=f"{url} served at Sichuan"
    )
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
        wait_until(
            lambda: copies(chongqing, prefix),
            timeout=30,
            interval=0.02,
            what="the first copies of the backlog",
        )
        chongqing.stop("worker", kill=True)
        arrived_before_kill = len(copies(chongqing, prefix))
    finally:
        chongqing.start_worker()
    wait_until(
        lambda: len(copies(chongqing, prefix)) == 25,
        timeout=60,
        what=lambda: f"all 25 copies after the restart ({len(copies(chongqing, prefix))} arrived)",
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
        wait_until(lambda: last_error_at() != before, timeout=30, what="a failed pull recorded")
        assert not copies(chongqing, prefix)
    finally:
        sichuan.start_web()
    wait_until(lambda: copies(chongqing, prefix), timeout=40, what="the change at Chongqing")


def test_lowering_to_internal_removes_the_copy_at_the_partner(live):
    sichuan, chongqing = live["sichuan"], live["chongqing"]
    prefix = f"降级-{uuid.uuid4().hex[:6]}-"
    [global_id] = publish(sichuan, prefix=prefix)
    wait_until(lambda: copies(chongqing, prefix), timeout=20, what="the copy at Chongqing")
    sichuan.shell(script("material_update", global_id=global_id, access_level="internal"))
    wait_until(lambda: not copies(chongqing, prefix), timeout=20, what="the copy removed at Chongqing")
    assert requests.get(f"{chongqing.url}/materials/{global_id}/", timeout=5).status_code == 404
    assert not chongqing.query("SELECT 1 FROM sync_changelog WHERE global_id = %s", (global_id,)), (
        "a replica is never echoed back"
    )


def test_status_reports_each_partner_after_the_backlog_drained(live):
    status = json.loads(live["chongqing"].manage("sync_status", "--json").stdout)
    [sichuan] = status
    assert sichuan["region"] == "sichuan"
    wait_until(
        lambda: json.loads(live["chongqing"].manage("sync_status", "--json").stdout)[0]["backlog"] == 0,
        timeout=20,
        what="no backlog at Chongqing",
    )
    assert sichuan["last_success"] is not None


def test_an_unsigned_feed_request_to_a_live_region_is_refused(live):
    response = requests.get(f"{live['sichuan'].url}/sync/changes?after=0", timeout=5)
    assert response.status_code == 401 and response.json()["error"] == "unsigned"


def test_reconcile_repairs_a_copy_removed_behind_syncs_back(live):
    sichuan, chongqing = live["sichuan"], live["chongqing"]
    prefix = f"对账-{uuid.uuid4().hex[:6]}-"
    [global_id] = publish(sichuan, prefix=prefix)
    wait_until(lambda: copies(chongqing, prefix), timeout=20, what="the copy at Chongqing")
    chongqing.shell(script("material_copy_remove", global_id=global_id))
    assert not copies(chongqing, prefix)
    result = chongqing.manage("sync_reconcile")
    assert "1 repaired" in result.stdout, result.stdout + result.stderr
    assert copies(chongqing, prefix)


def test_a_file_tampered_at_the_origin_is_refused_fetched_again_never_served_and_retried_by_staff(live):
    sichuan, chongqing = live["sichuan"], live["chongqing"]
    prefix = f"篡改-{uuid.uuid4().hex[:6]}-"
    chongqing.stop("worker")
    try:
        [global_id] = publish(sichuan, prefix=prefix, content="红岩村十三号")
        original = bytes.fromhex(
            sichuan.shell(
                script("material_file_tamper", global_id=global_id, replacement_hex=b"forged bytes".hex())
            ).split()[-1]
        )
    finally:
        chongqing.start_worker()

    def quarantined():
        return chongqing.query(
            "SELECT id, reason FROM sync_quarantinedchange WHERE global_id=%s AND resolved_at IS NULL",
            (global_id,),
        )

    # Refused after fetching it again, quarantined with its reason; the feed goes on.
    wait_until(quarantined, timeout=40, what="the tampered file quarantined")
    [(entry, reason)] = quarantined()
    assert reason in ("sha256_mismatch", "size_mismatch")
    url = f"{chongqing.url}/materials/{global_id}/"
    assert requests.get(url, timeout=5).status_code == 404
    assert not copies(chongqing, prefix)
    assert "failed its check" in (chongqing.var_dir / "worker.log").read_text(errors="replace")
    assert f"quarantined #{entry}" in chongqing.manage("sync_status").stdout

    # The origin repairs its file; staff retry the entry.
    sichuan.shell(script("material_file_tamper", global_id=global_id, replacement_hex=original.hex()))
    chongqing.manage("sync_quarantine", "--retry", str(entry))
    assert not quarantined()
    wait_until(
        lambda: requests.get(url, timeout=5).status_code == 200, timeout=40, what=f"{url} served once retried"
    )
    download = requests.get(f"{url}download/", timeout=5)
    assert download.content == original == "红岩村十三号0".encode()


def test_a_change_delivered_twice_and_an_older_one_after_it_change_nothing_at_the_partner(live):
    sichuan, chongqing = live["sichuan"], live["chongqing"]
    prefix = f"重放-{uuid.uuid4().hex[:6]}-"
    [global_id] = publish(sichuan, prefix=prefix)
    wait_until(lambda: copies(chongqing, prefix), timeout=20, what="the copy at Chongqing")
    first = chongqing.shell(script("partner_record_fetch", global_id=global_id)).strip().splitlines()[-1]
    sichuan.shell(script("material_update", global_id=global_id, title=f"{prefix}修订"))
    wait_until(
        lambda: copies(chongqing, prefix) == [(f"{prefix}修订",)],
        timeout=20,
        what="the new title at Chongqing",
    )
    second = chongqing.shell(script("partner_record_fetch", global_id=global_id)).strip().splitlines()[-1]
    assert json.loads(second)["version"] == json.loads(first)["version"] + 1

    entries = [json.loads(second), json.loads(second), json.loads(first)]
    outcome = json.loads(
        chongqing.shell(script("change_apply_again", entries=entries)).strip().splitlines()[-1]
    )

    assert outcome == [[0, 1, 0], [0, 1, 0], [0, 1, 0]]
    assert copies(chongqing, prefix) == [(f"{prefix}修订",)]
    [(version,)] = chongqing.query("SELECT version FROM materials_material WHERE global_id=%s", (global_id,))
    assert version == json.loads(second)["version"]


def test_a_live_region_refuses_a_forged_signature_a_stale_timestamp_a_changed_body_and_a_replay(live):
    import time

    from portal.settings.environment import Partner
    from sync.signing import sign_headers

    sichuan, chongqing = live["sichuan"], live["chongqing"]
    [key] = json.loads(chongqing.env["PORTAL_PARTNERS"])
    partner = Partner(region="chongqing", base_url=sichuan.url, key_id=key["key_id"], secret=key["secret"])
    forger = Partner(region="chongqing", base_url=sichuan.url, key_id=key["key_id"], secret="not-the-key")
    body = json.dumps({"command": "events.rsvp", "payload": {}}).encode()
    url = f"{sichuan.url}/sync/commands"
    counts = "SELECT reason, sum(count) FROM sync_refusedrequest GROUP BY reason"
    refused_before = dict(sichuan.query(counts))

    def post(headers, data=body):
        return requests.post(
            url, data=data, headers={**headers, "Content-Type": "application/json"}, timeout=5
        )

    forged = post(sign_headers(partner=forger, content=body))
    stale = post(sign_headers(partner=partner, content=body, timestamp=int(time.time()) - 3600))
    changed = post(sign_headers(partner=partner, content=body), data=body.replace(b"rsvp", b"rsvq"))
    genuine = sign_headers(partner=partner, content=body)
    first, replayed = post(genuine), post(genuine)

    assert [(r.status_code, r.json()["error"]) for r in (forged, stale, changed, replayed)] == [
        (401, "bad_signature"),
        (401, "stale_timestamp"),
        (401, "bad_signature"),
        (403, "replayed"),
    ]
    # The genuine request got through the signature check (its payload is then found wanting).
    assert (first.status_code, first.json()["error"]) == (400, "bad_payload")
    # Counted per source and reason.
    refused = {reason: total - refused_before.get(reason, 0) for reason, total in sichuan.query(counts)}
    assert {reason: n for reason, n in refused.items() if n} == {
        "bad_signature": 2,
        "stale_timestamp": 1,
        "replayed": 1,
    }


def test_an_rsvp_to_the_partners_meeting_made_while_the_host_is_down_is_recorded_once_it_is_back(live):
    sichuan, chongqing = live["sichuan"], live["chongqing"]
    tag = uuid.uuid4().hex[:6]
    event = sichuan.shell(script("meeting_create", title=f"川渝联席会议-{tag}")).split()[-1]
    wait_until(
        lambda: chongqing.query("SELECT 1 FROM events_event WHERE global_id=%s", (event,)),
        timeout=20,
        what="the meeting at Chongqing",
    )

    def rsvp_at(region, rsvp):
        return region.query(
            "SELECT r.state, r.attending, o.code, u.username FROM events_rsvp r "
            "JOIN portal_organisation o ON o.id = r.organisation_id JOIN auth_user u ON u.id = r.user_id "
            "WHERE r.global_id=%s",
            (rsvp,),
        )

    sichuan.stop("web")
    try:
        answer = script("rsvp_at_chongqing", username=f"cq_rsvp_{tag}", event=event)
        rsvp = chongqing.shell(answer).split()[-1]

        def attempts():
            rows = chongqing.query(
                "SELECT state, attempts FROM sync_outgoingcommand WHERE payload->>'rsvp'=%s", (rsvp,)
            )
            return rows and rows[0][0] == "pending" and rows[0][1] >= 2

        wait_until(attempts, timeout=40, what="the request retried while the host is down")
        assert rsvp_at(chongqing, rsvp)[0][0] == "pending"
    finally:
        sichuan.start_web()

    wait_until(lambda: rsvp_at(sichuan, rsvp), timeout=40, what="the answer recorded by the host")
    assert rsvp_at(sichuan, rsvp) == [("recorded", True, "cq-qijiang", f"chongqing.cq_rsvp_{tag}")]
    wait_until(
        lambda: rsvp_at(chongqing, rsvp)[0][0] == "recorded", timeout=20, what="the reply settling the answer"
    )
