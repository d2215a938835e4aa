"""A feed page's files are downloaded while the changes before them are applied, trusting nothing for it."""

import time

import pytest

from django.db.models.signals import post_save

from materials.models import Material
from sync.errors import FileCheckFailed
from sync.kinds.base import max_file_bytes
from sync.services import files_ahead
from sync.services.pull import partner_pull
from sync.signing import partner_for_region

from .. import hostile
from ..hostile import quarantined


def _served(partner, n: int, *, title="綦江资料") -> list[dict]:
    changes = []
    for i in range(n):
        data = f"{title} {i} 的文件".encode()
        change = partner.add(hostile.material(title=f"{title}{i}", data=data))
        partner.files[hostile.file_path(change)] = (200, data, {})
        changes.append(change)
    return changes


def _file_requests(partner) -> list[str]:
    return [path for path in partner.requests if path.startswith("/sync/files/")]


def _file(change) -> dict:
    return change["payload"]["children"]["files"][0]["_file"]


@pytest.fixture
def executor():
    executor = files_ahead.files_executor(partner_for_region("chongqing"))
    yield executor
    executor.shutdown(wait=True, cancel_futures=True)


def _ahead(changes, executor):
    return files_ahead.FilesAhead(
        partner_for_region("chongqing"), files_ahead.files_wanted(changes), executor=executor
    )


def _downloaded(ahead) -> None:
    for future, _size in list(ahead.running.values()):
        future.exception()


def test_a_pages_files_are_downloaded_before_the_apply_asks_for_them_and_served_once(
    partner, organisations, executor
):
    changes = _served(partner, 3)
    ahead = _ahead(changes, executor)
    try:
        _downloaded(ahead)
        assert sorted(_file_requests(partner)) == sorted(hostile.file_path(c) for c in changes)
        for i, change in enumerate(changes):
            with ahead.fetch(hostile.file_path(change), **_file(change)) as handle:
                assert handle.read() == f"綦江资料 {i} 的文件".encode()
        assert len(_file_requests(partner)) == 3
    finally:
        ahead.close()


def test_downloads_stay_a_few_files_ahead_and_those_passed_over_are_dropped(
    partner, organisations, monkeypatch, executor
):
    monkeypatch.setattr(files_ahead, "AHEAD_FILES", 2)
    changes = _served(partner, 5)
    ahead = _ahead(changes, executor)
    try:
        _downloaded(ahead)
        assert len(_file_requests(partner)) == 2
        # The first two changes were refused: the apply asks for the third file first.
        third = changes[2]
        with ahead.fetch(hostile.file_path(third), **_file(third)) as handle:
            assert handle.read() == "綦江资料 2 的文件".encode()
        _downloaded(ahead)
        assert _file_requests(partner)[2:] == [hostile.file_path(c) for c in changes[2:]]
        assert len(ahead.running) == 2
    finally:
        ahead.close()


def test_a_file_not_served_ahead_is_asked_for_again_and_a_bad_one_refused_without_fetching_it_again(
    partner, organisations, executor
):
    late, bad = _served(partner, 2)
    del partner.files[hostile.file_path(late)]
    partner.files[hostile.file_path(bad)] = (200, b"not what was signed", {})
    ahead = _ahead([late, bad], executor)
    try:
        _downloaded(ahead)
        partner.files[hostile.file_path(late)] = (200, "綦江资料 0 的文件".encode(), {})
        with ahead.fetch(hostile.file_path(late), **_file(late)) as handle:
            assert handle.read() == "綦江资料 0 的文件".encode()
        with pytest.raises(FileCheckFailed) as refused:
            ahead.fetch(hostile.file_path(bad), **_file(bad))
        assert refused.value.reason == "size_mismatch"
        assert _file_requests(partner).count(hostile.file_path(bad)) == 3  # client.FILE_ATTEMPTS, once
    finally:
        ahead.close()


def test_only_well_formed_new_file_versions_are_fetched_ahead(partner, organisations):
    held, odd_key, odd_sha, new = _served(partner, 4)
    partner_pull(partner_region="chongqing")
    assert Material.objects.filter(global_id=held["global_id"]).exists()
    odd_key["payload"]["children"]["files"][0]["version"] = "1\n"
    _file(odd_sha)["sha256"] += "\n"
    huge = hostile.material(title="巨大", declared_size=max_file_bytes() + 1)
    wanted = files_ahead.files_wanted([held, odd_key, odd_sha, huge, {"op": "upsert"}, "junk", new])
    assert wanted == []  # four are held here already, and the rest is not well formed or too large
    Material.objects.filter(global_id=new["global_id"]).delete()
    assert [w.path for w in files_ahead.files_wanted([held, new])] == [hostile.file_path(new)]


def test_a_pull_fetches_each_file_once_and_a_bad_one_is_still_quarantined(partner, organisations):
    good = _served(partner, 4)
    bad = partner.add(hostile.material(title="坏文件", data=b"signed bytes"))
    partner.files[hostile.file_path(bad)] = (200, b"other bytes!", {})
    after = _served(partner, 2, title="之后")
    seen_at_last_save = []

    def last_saved(sender, instance, **kwargs):
        # Saved before its own file is fetched in place: by now the files were fetched ahead.
        if str(instance.global_id) == after[-1]["global_id"]:
            deadline = time.monotonic() + 10
            while len(_file_requests(partner)) < 9 and time.monotonic() < deadline:
                time.sleep(0.01)
            seen_at_last_save.append(len(_file_requests(partner)))

    post_save.connect(last_saved, sender=Material, weak=False)
    try:
        partner_pull(partner_region="chongqing")
    finally:
        post_save.disconnect(last_saved, sender=Material)
    assert seen_at_last_save == [9]  # 6 good files, and the bad one 3 times (refused, not fetched again)
    for change in good + after:
        material = Material.objects.get(global_id=change["global_id"])
        assert material.current_file.sha256 == change["payload"]["children"]["files"][0]["sha256"]
        assert _file_requests(partner).count(hostile.file_path(change)) == 1
    assert quarantined(bad).reason == "sha256_mismatch"
    assert _file_requests(partner).count(hostile.file_path(bad)) == 3
    assert not Material.objects.filter(global_id=bad["global_id"]).exists()
