"""A backlog is applied in batches: one transaction each, every change in a savepoint of its own."""

import pytest

from materials.models import Material
from sync.errors import SyncError
from sync.models import PartnerCursor, QuarantinedChange, SyncedCopy
from sync.services import pull
from sync.services.pull import partner_pull

from .. import hostile
from ..hostile import quarantined


def _material(partner, title: str, *, status: int = 200) -> dict:
    data = f"{title}的文件".encode()
    change = partner.add(hostile.material(title=title, data=data))
    partner.files[hostile.file_path(change)] = (status, data, {})
    return change


def _cursor() -> PartnerCursor:
    return PartnerCursor.objects.get(region="chongqing")


def _applied(changes) -> int:
    return Material.objects.filter(global_id__in=[c["global_id"] for c in changes]).count()


def test_a_refused_change_in_a_batch_is_rolled_back_alone_and_quarantined(partner, organisations):
    before = [_material(partner, f"之前{n}") for n in range(3)]
    # Refused after the record's row is written: its file is not there (file_unavailable).
    refused = _material(partner, "文件取不到的资料", status=404)
    after = [_material(partner, f"之后{n}") for n in range(3)]

    result = partner_pull(partner_region="chongqing")

    assert _applied(before + after) == 6 and result.applied == 6 and result.refused == 1
    assert quarantined(refused).reason == "file_unavailable"
    assert quarantined(refused).seq == refused["seq"]
    assert not Material.objects.filter(global_id=refused["global_id"]).exists()
    assert not SyncedCopy.objects.filter(global_id=refused["global_id"]).exists()
    cursor = _cursor()
    assert cursor.after_seq == after[-1]["seq"] == cursor.partner_head
    assert cursor.applied_total == 7 and cursor.last_change_at is not None


def test_a_crash_in_a_batch_keeps_the_changes_before_it_and_leaves_itself_unapplied(partner, organisations):
    applied = [_material(partner, f"之前{n}") for n in range(3)]
    withdrawn = partner.add({**applied[0], "op": "withdraw", "version": 2, "payload": None})
    # The partner fails while a file is fetched: not a refusal of the change but a failed pull.
    crash = _material(partner, "对方出错时的资料", status=503)
    later = [_material(partner, f"之后{n}") for n in range(2)]

    with pytest.raises(SyncError):
        partner_pull(partner_region="chongqing")

    # The changes before the crash commit with the cursor past them: a withdrawal is not undone by a
    # later change's failure, nor are their files fetched again on the next pull.
    assert _applied(applied[1:]) == 2 and _applied(applied[:1]) == 0
    assert _applied([crash] + later) == 0 and not QuarantinedChange.objects.exists()
    cursor = _cursor()
    assert cursor.after_seq == withdrawn["seq"] and cursor.applied_total == 4
    assert "503" in cursor.last_error

    fetched = len([path for path in partner.requests if path.startswith("/sync/files")])
    partner.files[hostile.file_path(crash)] = (200, "对方出错时的资料的文件".encode(), {})
    partner_pull(partner_region="chongqing")
    assert _applied([crash] + later) == 3
    assert _cursor().after_seq == later[-1]["seq"] and _cursor().applied_total == 7
    assert len([path for path in partner.requests if path.startswith("/sync/files")]) == fetched + 3


def test_batches_before_a_crash_stay_applied_with_the_cursor_past_them(partner, organisations, monkeypatch):
    monkeypatch.setattr(pull, "BATCH_CHANGES", 2)
    monkeypatch.setattr(pull, "PAGE_LIMIT", 3)  # pages of 3 changes, fetched ahead while one is applied
    first = [_material(partner, f"第一批{n}") for n in range(4)]
    crash = _material(partner, "对方出错时的资料", status=503)
    _material(partner, "之后的资料")

    with pytest.raises(SyncError):
        partner_pull(partner_region="chongqing")

    # Pages [1 2 3] [4 5 6], batches [1 2] [3] [4 5]: change 4 commits, the crash at 5 does not.
    assert _applied(first) == 4 and _applied([crash]) == 0
    assert _cursor().after_seq == first[3]["seq"] and _cursor().applied_total == 4
    feed = [path for path in partner.requests if path.startswith("/sync/changes")]
    assert feed[:2] == ["/sync/changes?after=0&limit=3", "/sync/changes?after=3&limit=3"]


def test_a_backlog_of_many_pages_is_applied_in_order_to_the_partners_head(
    partner, organisations, monkeypatch
):
    monkeypatch.setattr(pull, "BATCH_CHANGES", 3)
    monkeypatch.setattr(pull, "PAGE_LIMIT", 4)
    changes = [_material(partner, f"资料{n}") for n in range(10)]
    edit = partner.add(hostile.material(title="资料0（修订）", global_id=changes[0]["global_id"], version=2))
    partner.files[hostile.file_path(edit)] = partner.files[hostile.file_path(changes[0])]

    result = partner_pull(partner_region="chongqing")

    assert result.applied == 11 and _applied(changes) == 10
    assert Material.objects.get(global_id=edit["global_id"]).title == "资料0（修订）"
    assert SyncedCopy.objects.get(global_id=edit["global_id"]).version == 2
    cursor = _cursor()
    assert (cursor.after_seq, cursor.partner_head, cursor.applied_total) == (11, 11, 11)
    feed = [path for path in partner.requests if path.startswith("/sync/changes")]
    assert feed == [f"/sync/changes?after={after}&limit=4" for after in (0, 4, 8)]


def test_a_change_reads_its_origin_organisation_once_checked_and_assigned(partner, organisations):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    changes = [_material(partner, f"资料{n}") for n in range(3)]
    with CaptureQueriesContext(connection) as captured:
        partner_pull(partner_region="chongqing")
    assert _applied(changes) == 3
    assert Material.objects.get(global_id=changes[0]["global_id"]).origin_organisation == organisations["cq"]
    reads = [q for q in captured.captured_queries if 'FROM "portal_organisation"' in q["sql"]]
    assert len(reads) == 3
