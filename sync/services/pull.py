"""Pulling the partner's feed: page by page from the stored cursor, change by change."""

import datetime
import logging
import uuid

from django.db import transaction
from django.utils import timezone

from .. import client
from ..errors import ChangeRefused, SyncError
from ..models import ChangeLog, PartnerCursor
from ..selectors import PAGE_LIMIT
from ..signing import partner_for_region
from .apply import ApplyResult, change_apply
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
    """Fetch the partner's feed from the stored cursor and apply it, change by change.

    A crash leaves every change either applied with the cursor past it, or neither.
    """
    partner = partner_for_region(partner_region)
    if partner is None:
        raise SyncError(f"{partner_region} is not a configured partner")
    with partner_exclusive(job="pull", partner_region=partner_region) as mine:
        return _pull(partner, max_pages=max_pages) if mine else ApplyResult()


def _pull(partner, *, max_pages: int) -> ApplyResult:
    partner_region = partner.region
    cursor, _ = PartnerCursor.objects.get_or_create(region=partner_region)
    result = ApplyResult()
    try:
        for _page in range(max_pages):
            cursor.refresh_from_db()
            try:
                page = _page_fetch(partner, after=cursor.after_seq)
            except client.PageTooLarge as error:
                _oversized_skip(partner, after=cursor.after_seq, error=error)
                result.refused += 1
                continue
            for change in page["changes"]:
                # One transaction per change: its writes and the cursor move together,
                # and the partner's record shows here as soon as it is applied.
                with transaction.atomic():
                    cursor = PartnerCursor.objects.select_for_update().get(region=partner_region)
                    if change["seq"] <= cursor.after_seq:
                        continue  # a concurrent pull applied it already
                    try:
                        change_check(change=change)
                        with transaction.atomic():
                            change_apply(change=change, partner_region=partner_region, result=result)
                    except ChangeRefused as refused:
                        # Not applied, not lost: kept with its reason; the feed goes on.
                        quarantine_add(change=change, partner_region=partner_region, refused=refused)
                        result.refused += 1
                    cursor.after_seq = change["seq"]
                    cursor.last_change_at = (
                        change["created_at"] if isinstance(change.get("created_at"), str) else None
                    )
                    cursor.applied_total += 1
                    cursor.partner_head = page["head"]
                    cursor.save()
            PartnerCursor.objects.filter(region=partner_region).update(
                partner_head=page["head"], last_success_at=timezone.now()
            )
            if not page["has_more"]:
                break
    except Exception as error:
        PartnerCursor.objects.filter(region=partner_region).update(
            last_error=f"{type(error).__name__}: {error}"[:2000], last_error_at=timezone.now()
        )
        logger.warning("sync: pull from %s failed: %s", partner_region, error)
        raise
    return result


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
