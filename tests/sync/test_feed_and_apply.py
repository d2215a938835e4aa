"""The change log, the feed, and applying a partner's changes: once, in order, nothing internal."""

import datetime
import hashlib
import json

import pytest

from django.core.files.base import ContentFile

from events.models import ActionItem, Event
from materials.models import Material
from materials.services import material_create, material_file_add
from portal.services import topic_get_or_create
from sync.models import ChangeLog, Conflict
from sync.selectors import changes_page
from sync.services.apply import change_apply
from sync.signal_handlers import ReplicaReadOnly
from tests.support.changes import logged_and_locked

pytestmark = pytest.mark.django_db


def test_a_new_public_material_is_in_the_feed_with_its_content(partners, sichuan_org):
    material = material_create(organisation=sichuan_org, title="川渝合作框架协议", material_type="archive")
    page = changes_page(after=0)
    [entry] = [c for c in page["changes"] if c["global_id"] == str(material.global_id)]
    assert entry["op"] == "upsert"
    assert entry["payload"]["fields"]["title"] == "川渝合作框架协议"
    assert entry["payload"]["origin_region"] == "sichuan"


def test_internal_content_never_appears_in_the_feed(partners, sichuan_org):
    material_create(
        organisation=sichuan_org,
        title="雅安内部调研记录",
        description="内部摘要",
        material_type="archive",
        access_level="internal",
    )
    page = changes_page(after=0)
    text = json.dumps(page, ensure_ascii=False)
    assert "雅安内部调研记录" not in text and "内部摘要" not in text
    assert [c["op"] for c in page["changes"]] == ["withdraw"]


def test_lowering_to_internal_turns_every_earlier_entry_into_a_withdraw(partners, sichuan_org):
    material = material_create(organisation=sichuan_org, title="成渝资源互补性研究", material_type="report")
    material.access_level = "internal"
    material.save()
    # Even the entry written while it was public is served as a withdraw now.
    first = changes_page(after=0, limit=1)
    assert [c["op"] for c in first["changes"]] == ["withdraw"]
    page = changes_page(after=0)
    assert [c["op"] for c in page["changes"]][-1] == "withdraw"
    assert "成渝资源互补性研究" not in json.dumps([first, page], ensure_ascii=False)


def test_the_feed_is_paged_in_order(partners, sichuan_org):
    for n in range(5):
        material_create(organisation=sichuan_org, title=f"资料{n}", material_type="archive")
    first = changes_page(after=0, limit=2)
    second = changes_page(after=first["next_after"], limit=2)
    seqs = [c["seq"] for c in first["changes"] + second["changes"]]
    assert seqs == sorted(seqs) and len(set(seqs)) == 4
    assert first["has_more"] and first["head"] == ChangeLog.objects.order_by("-seq").first().seq


def test_a_partner_change_is_applied_once(partners, remote_change):
    change = remote_change(title="中央红军长征过綦江")
    first = change_apply(change=change, partner_region="chongqing")
    second = change_apply(change=change, partner_region="chongqing")
    assert (first.applied, second.applied, second.ignored) == (1, 0, 1)
    copy = Material.objects.get(global_id=change["global_id"])
    assert copy.title == "中央红军长征过綦江" and copy.origin_region == "chongqing" and copy.is_replica
    # A replica's arrival is not this region's change: nothing is echoed back.
    assert not ChangeLog.objects.filter(global_id=change["global_id"]).exists()


def test_an_older_change_after_a_newer_one_changes_nothing(partners, remote_change):
    newer = remote_change(title="新题名", version=3)
    older = dict(
        newer,
        version=2,
        payload={
            **newer["payload"],
            "version": 2,
            "fields": {**newer["payload"]["fields"], "title": "旧题名"},
        },
    )
    change_apply(change=newer, partner_region="chongqing")
    result = change_apply(change=older, partner_region="chongqing")
    assert result.ignored == 1
    assert Material.objects.get(global_id=newer["global_id"]).title == "新题名"


def test_a_withdraw_removes_the_copy_and_older_changes_cannot_bring_it_back(partners, remote_change):
    change = remote_change(title="璧山红色故事选编", version=2)
    change_apply(change=change, partner_region="chongqing")
    withdraw = {**change, "op": "withdraw", "version": 3, "payload": None}
    change_apply(change=withdraw, partner_region="chongqing")
    assert not Material.objects.filter(global_id=change["global_id"]).exists()
    change_apply(change=change, partner_region="chongqing")
    assert not Material.objects.filter(global_id=change["global_id"]).exists()


def test_a_replica_refuses_local_edits(partners, remote_change):
    change = remote_change()
    change_apply(change=change, partner_region="chongqing")
    copy = Material.objects.get(global_id=change["global_id"])
    copy.title = "本地改动"
    with pytest.raises(ReplicaReadOnly):
        copy.save()


def test_saving_a_replica_unchanged_is_allowed(partners, remote_change):
    change = remote_change()
    change_apply(change=change, partner_region="chongqing")
    copy = Material.objects.get(global_id=change["global_id"])
    copy.save(update_fields=["title"])  # as seed_demo does when run again
    assert Material.objects.get(global_id=change["global_id"]).title == change["payload"]["fields"]["title"]


def test_a_copy_changed_locally_is_listed_as_a_conflict_not_overwritten(partners, remote_change):
    change = remote_change(title="原题名", version=2)
    change_apply(change=change, partner_region="chongqing")
    # A write that goes around the guard (a bug, a raw update) ...
    Material.objects.filter(global_id=change["global_id"]).update(title="绕过保护的改动")
    newer = dict(change, version=3, payload={**change["payload"], "version": 3})
    result = change_apply(change=newer, partner_region="chongqing")
    assert result.conflicts == 1
    assert Material.objects.get(global_id=change["global_id"]).title == "绕过保护的改动"
    conflict = Conflict.objects.get()
    assert conflict.incoming_version == 3 and conflict.partner_region == "chongqing"


def test_a_partner_cannot_overwrite_a_record_this_region_owns(partners, sichuan_org, remote_change):
    own = material_create(organisation=sichuan_org, title="本地资料", material_type="archive")
    forged = remote_change(title="冒名资料")
    forged = {
        **forged,
        "global_id": str(own.global_id),
        "payload": {**forged["payload"], "global_id": str(own.global_id)},
    }
    result = change_apply(change=forged, partner_region="chongqing")
    assert result.conflicts == 1
    own.refresh_from_db()
    assert own.title == "本地资料"


def test_a_seeded_copy_with_the_same_global_id_is_adopted_not_duplicated(
    partners, chongqing_org, remote_change
):
    from django.test import override_settings

    change = remote_change(title="同一份资料")
    with override_settings(PORTAL_REGION="sichuan"):
        Material(
            global_id=change["global_id"],
            origin_region="chongqing",
            origin_organisation=chongqing_org,
            title="同一份资料",
            material_type="archive",
        ).save()
    result = change_apply(change=change, partner_region="chongqing")
    assert result.ignored == 1
    assert Material.objects.filter(global_id=change["global_id"]).count() == 1


def test_a_record_touched_twice_in_a_page_travels_once(partners, sichuan_org):
    material = material_create(organisation=sichuan_org, title="两次修改", material_type="archive")
    material.description = "第二次"
    material.save()
    entries = [c for c in changes_page(after=0)["changes"] if c["global_id"] == str(material.global_id)]
    assert [c["op"] for c in entries] == ["superseded", "upsert"]
    assert entries[-1]["payload"]["fields"]["description"] == "第二次"


def test_a_replica_applied_by_sync_keeps_the_partners_version(partners, remote_change):
    change = remote_change(version=7)
    change_apply(change=change, partner_region="chongqing")
    assert Material.objects.get(global_id=change["global_id"]).version == 7


def test_a_deposit_with_topics_and_its_first_file_is_one_change_taking_the_lock_once(partners, sichuan_org):
    content = "川陕苏区红军标语".encode()
    material, logged, locks = logged_and_locked(
        lambda: material_create(
            organisation=sichuan_org,
            title="红军石刻标语拓片",
            material_type="archive",
            topics=[topic_get_or_create(kind="place", name="通江")],
            uploaded_file=ContentFile(content, name="标语.txt"),
        )
    )
    assert (logged, locks) == (1, 1)
    [entry] = [c for c in changes_page(after=0)["changes"] if c["global_id"] == str(material.global_id)]
    assert entry["op"] == "upsert" and entry["version"] == 1
    [file] = entry["payload"]["children"]["files"]
    assert file["version"] == 1 and file["_file"]["sha256"] == hashlib.sha256(content).hexdigest()
    assert entry["payload"]["m2m"]["topics"] == [["place", "通江"]]


def test_a_new_file_version_is_one_change(partners, sichuan_org):
    material = material_create(organisation=sichuan_org, title="会议纪要", material_type="archive")
    _record, logged, locks = logged_and_locked(
        lambda: material_file_add(material=material, uploaded_file=ContentFile(b"v2", name="v2.txt"))
    )
    assert (logged, locks) == (1, 1)
    assert ChangeLog.objects.filter(global_id=material.global_id).last().version == 2


def test_a_write_failing_inside_another_is_undone_alone(partners, sichuan_org):
    from sync.services.feed import one_change_per_record

    with one_change_per_record():
        kept = material_create(organisation=sichuan_org, title="保留的资料", material_type="archive")
        try:
            with one_change_per_record():
                material_create(organisation=sichuan_org, title="撤回的资料", material_type="archive")
                raise RuntimeError("the inner write fails after saving")
        except RuntimeError:
            pass
    assert list(Material.objects.values_list("title", flat=True)) == ["保留的资料"]
    assert ChangeLog.objects.filter(global_id=kept.global_id).count() == 1



def test_a_part_saved_after_its_parent_in_one_block_logs_the_version_a_queryset_moved(partners, sichuan_org):
    import datetime

    from research.models import Milestone, Project
    from sync.services.feed import one_change_per_record

    with one_change_per_record():
        project = Project.objects.create(title="川陕革命根据地研究", origin_organisation=sichuan_org)
        # A milestone's save moves the project's version by a queryset update, after its own change is
        # noted: the project in hand is stale for the next one, which reads the project again.
        Milestone.objects.create(project=project, title="开题", due_date=datetime.date(2030, 1, 1))
        Milestone.objects.create(project=project, title="中期检查", due_date=datetime.date(2030, 6, 1))
    (change,) = ChangeLog.objects.filter(global_id=project.global_id)
    assert (project.version, change.version) == (1, 2)


def test_a_feed_page_reads_its_records_per_model_not_per_change(partners, sichuan_org):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from research.services import project_create
    from sync.selectors import change_entry

    creator = get_user_model().objects.create_user(username="feed_reader")
    place = topic_get_or_create(kind="place", name="通江")

    def deposit(count: int) -> None:
        for n in range(count):
            material_create(
                organisation=sichuan_org,
                title=f"川陕苏区文献{n}",
                material_type="archive",
                topics=[place],
                uploaded_file=ContentFile(f"文献 {n}".encode(), name=f"w{n}.txt"),
            )
            project_create(
                title=f"红军文献整理{n}",
                origin_organisation=sichuan_org,
                lead_organisations=[sichuan_org],
                topics=[place],
                created_by=creator,
            )
            starts = datetime.datetime(2030, 3, 18 + n, 9, tzinfo=datetime.UTC)
            event = Event.objects.create(
                title=f"联席会议{n}",
                event_type="joint_meeting",
                origin_organisation=sichuan_org,
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=2),
            )
            event.co_hosts.set([sichuan_org])
            ActionItem.objects.create(event=event, text="互送史料", owner_organisation=sichuan_org)

    last_queries = []

    def read_page() -> tuple[int, dict]:
        with CaptureQueriesContext(connection) as queries:
            page = changes_page(after=0, limit=1000)
        last_queries[:] = queries.captured_queries
        return len(queries), page

    deposit(2)
    few, _page = read_page()
    deposit(6)
    many, page = read_page()
    served = [c for c in page["changes"] if c["op"] != "superseded"]
    assert len(served) == 24
    assert many == few, "\n".join(q["sql"][:200] for q in last_queries)
    # Read together, each entry is what the record's own entry serves.
    rows = {row.seq: row for row in ChangeLog.objects.all()}
    assert served == [change_entry(rows[c["seq"]]) for c in served]
