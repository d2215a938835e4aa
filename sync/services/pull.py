"""Pulling the partner's feed: page by page from the stored cursor, in batches of changes."""

import datetime
import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from django.db import transaction
from django.utils import timezone

from .. import client
from ..errors import ChangeRefused, SyncError
from ..models import ChangeLog, PartnerCursor
from ..selectors import PAGE_LIMIT
from ..signing import partner_for_region
from .apply import ApplyResult, change_apply
from .files_ahead import files_ahead, files_executor
from .locks import partner_exclusive
from .refusals import quarantine_add

logger = logging.getLogger("sync")


def _page_check(page, *, after: int) -> None:
    """A feed page's frame: the changes in order after the cursor. A bad frame fails the pull."""
    if (
        not isinstance(page, dict)
        or not isinstance(page.get("changes"), list)
        or isinstance(page.get("head"), bool)
        or not isinstance(page.get("head"), int)
        or not isinstance(page.get("has_more"), bool)
    ):
        raise SyncError("the partner's feed page is not a feed page")
    last = after
    for change in page["changes"]:
        seq = change.get("seq") if isinstance(change, dict) else None
        if isinstance(seq, bool) or not isinstance(seq, int) or seq <= last:
            raise SyncError(f"the partner's feed page has a change out of order after {last}")
        last = seq


def change_check(*, change: dict) -> None:
    """A change's envelope; a bad one is quarantined like a bad record."""
    try:
        uuid.UUID(str(change.get("global_id")))
        datetime.datetime.fromisoformat(str(change.get("created_at")))
        version = change.get("version")
        if isinstance(version, bool) or not isinstance(version, int) or version < 0:
            raise ValueError("version")
    except ValueError as error:
        raise ChangeRefused("bad_value", f"change {change.get('seq')}: {error}") from None
    if change.get("op") not in {*ChangeLog.Op.values, "superseded"} or not isinstance(
        change.get("model"), str
    ):
        raise ChangeRefused("bad_value", f"change {change.get('seq')}: unknown operation or model")


def partner_record_fetch(*, partner_region: str, label: str, global_id) -> dict:
    """The partner's record as its feed would serve it now (upsert, withdraw or delete)."""
    partner = partner_for_region(partner_region)
    change = client.get_json(partner, f"/sync/records/{label}/{global_id}")
    if not isinstance(change, dict):
        raise SyncError(f"{partner_region} answered no record for {label} {global_id}")
    return change


def partner_pull(*, partner_region: str, max_pages: int = 1000) -> ApplyResult:
    """Fetch the partner's feed from the stored cursor and apply it, a batch of changes at a time.

    A crash leaves every change either applied with the cursor past it, or neither.
    """
    partner = partner_for_region(partner_region)
    if partner is None:
        raise SyncError(f"{partner_region} is not a configured partner")
    with partner_exclusive(job="pull", partner_region=partner_region) as mine:
        return _pull(partner, max_pages=max_pages) if mine else ApplyResult()


# A batch is one transaction: its changes' writes and the cursor past them commit together.
BATCH_CHANGES = 100
BATCH_SECONDS = 5.0


def _pull(partner, *, max_pages: int) -> ApplyResult:
    partner_region = partner.region
    cursor, _ = PartnerCursor.objects.get_or_create(region=partner_region)
    result = ApplyResult()
    # The next page is fetched while this one is applied: HTTP only in the thread, the database here.
    prefetch = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"sync-pull-{partner_region}")
    files = files_executor(partner)
    try:
        after = cursor.after_seq
        upcoming = prefetch.submit(_page_fetch, partner, after=after)
        for _page in range(max_pages):
            try:
                page = upcoming.result()
            except client.PageTooLarge as error:
                _oversized_skip(partner, after=after, error=error)
                result.refused += 1
                after = PartnerCursor.objects.get(region=partner_region).after_seq
                upcoming = prefetch.submit(_page_fetch, partner, after=after)
                continue
            page_end = page["changes"][-1]["seq"] if page["changes"] else after
            upcoming = prefetch.submit(_page_fetch, partner, after=page_end) if page["has_more"] else None
            _page_apply(page, partner=partner, result=result, files=files)
            PartnerCursor.objects.filter(region=partner_region).update(
                partner_head=page["head"], last_success_at=timezone.now()
            )
            if upcoming is None:
                break
            after = PartnerCursor.objects.get(region=partner_region).after_seq
            if after != page_end:
                # A concurrent pull moved the cursor: the page fetched ahead may start too early.
                upcoming.cancel()
                upcoming = prefetch.submit(_page_fetch, partner, after=after)
    except Exception as error:
        PartnerCursor.objects.filter(region=partner_region).update(
            last_error=f"{type(error).__name__}: {error}"[:2000], last_error_at=timezone.now()
        )
        logger.warning("sync: pull from %s failed: %s", partner_region, error)
        raise
    finally:
        prefetch.shutdown(wait=True, cancel_futures=True)
        files.shutdown(wait=True, cancel_futures=True)
    return result


def _page_apply(page: dict, *, partner, result: ApplyResult, files) -> None:
    changes = page["changes"]
    start = 0
    with files_ahead(partner, changes, executor=files):
        while start < len(changes):
            start = _batch_apply(
                changes, start=start, head=page["head"], partner_region=partner.region, result=result
            )


def _batch_apply(
    changes: list[dict], *, start: int, head: int, partner_region: str, result: ApplyResult
) -> int:
    """Apply changes from ``start`` in one transaction, the cursor moved past them at its end.

    Each change is applied in a savepoint of its own: a refused one is rolled back alone and kept in
    the quarantine with its reason. Any other error rolls back only the change it came from: the
    changes before it commit with the cursor past them (a withdrawal already applied stays applied,
    and their files are not fetched again), and the error is raised with the cursor before it.
    Returns where the next batch starts.
    """
    deadline = time.monotonic() + BATCH_SECONDS
    position = start
    failure = None
    with transaction.atomic():
        cursor = PartnerCursor.objects.select_for_update().get(region=partner_region)
        moved = 0
        last = None
        while position < len(changes) and position - start < BATCH_CHANGES:
            if position > start and time.monotonic() > deadline:
                break
            change = changes[position]
            position += 1
            if change["seq"] <= cursor.after_seq:
                continue  # a concurrent pull applied it already
            try:
                change_check(change=change)
                change_apply(change=change, partner_region=partner_region, result=result)
            except ChangeRefused as refused:
                # Not applied, not lost: kept with its reason; the feed goes on.
                quarantine_add(change=change, partner_region=partner_region, refused=refused)
                result.refused += 1
            except Exception as error:  # noqa: BLE001 - raised again once the changes before it commit
                failure = error
                break
            moved += 1
            last = change
        if last is not None:
            cursor.after_seq = last["seq"]
            cursor.last_change_at = last["created_at"] if isinstance(last.get("created_at"), str) else None
            cursor.applied_total += moved
            cursor.partner_head = head
            cursor.save(update_fields=["after_seq", "last_change_at", "applied_total", "partner_head"])
    if failure is not None:
        raise failure
    return position


def _page_fetch(partner, *, after: int) -> dict:
    """The next feed page; a page over the byte cap is asked for again with fewer changes."""
    limit = PAGE_LIMIT
    while True:
        try:
            page = client.get_json(partner, f"/sync/changes?after={after}&limit={limit}")
        except client.PageTooLarge:
            if limit == 1:
                raise
            limit = max(1, limit // 4)
            logger.warning(
                "sync: a feed page from %s is too large; asking for %s changes", partner.region, limit
            )
            continue
        _page_check(page, after=after)
        return page


OVERSIZED_PROBES = 32


def _oversized_skip(partner, *, after: int, error) -> None:
    """A single change too large to read: find its number, quarantine it, move the cursor past it.

    The feed cannot be read past it, so each page after ``after + k`` is asked for until one can be
    read: the change is then number ``after + k``. Raises if it cannot be placed.
    """
    for k in range(1, OVERSIZED_PROBES + 1):
        try:
            page = client.get_json(partner, f"/sync/changes?after={after + k}&limit=1")
        except client.PageTooLarge:
            continue
        _page_check(page, after=after + k)
        with transaction.atomic():
            quarantine_add(
                change={"seq": after + k},
                partner_region=partner.region,
                refused=ChangeRefused("page_too_large", str(error)),
            )
            PartnerCursor.objects.filter(region=partner.region, after_seq=after).update(after_seq=after + k)
        return
    raise error
