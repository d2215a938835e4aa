"""Sync writes and reads: the feed, applying partner changes, pulling, nudging, reconciling."""

import datetime
import json
import logging
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field

import requests

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.page_cache import page_cache_invalidate

from . import kinds, registry, streams, transport
from .context import apply_context
from .errors import ChangeRefused, FileCheckFailed, SyncError
from .models import (
    ChangeLog,
    Conflict,
    OutgoingCommand,
    PartnerCursor,
    QuarantinedChange,
    RefusedRequest,
    SyncedCopy,
)
from .signing import partner_for_region

logger = logging.getLogger("sync")

PAGE_LIMIT = 200

__all__ = ["ChangeRefused", "FileCheckFailed", "SyncError"]


# ---- the feed (origin side) --------------------------------------------------------------------


def _shareable(spec, instance) -> bool:
    return instance.origin_region == settings.PORTAL_REGION and spec.shares(instance)


def change_entry(row: ChangeLog) -> dict:
    """A change as served: the record's state now, so nothing since made internal leaves."""
    spec = registry.spec_for_label(row.model_label)
    entry: dict = {
        "seq": row.seq,
        "model": row.model_label,
        "global_id": str(row.global_id),
        "created_at": row.created_at.isoformat(),
    }
    instance = spec.model.objects.filter(global_id=row.global_id).first() if spec else None
    if instance is None:
        return {**entry, "op": ChangeLog.Op.DELETE, "version": row.version}
    if not _shareable(spec, instance):
        return {**entry, "op": ChangeLog.Op.WITHDRAW, "version": instance.version}
    return {
        **entry,
        "op": ChangeLog.Op.UPSERT,
        "version": instance.version,
        "payload": registry.serialise(spec, instance),
    }


def superseded(row: ChangeLog) -> dict:
    return {
        "seq": row.seq,
        "model": row.model_label,
        "global_id": str(row.global_id),
        "created_at": row.created_at.isoformat(),
        "op": "superseded",
        "version": row.version,
    }


def changes_page(*, after: int, limit: int = PAGE_LIMIT) -> dict:
    limit = max(1, min(limit, 1000))
    rows = list(ChangeLog.objects.filter(seq__gt=after).order_by("seq")[:limit])
    head = ChangeLog.objects.aggregate(head=Max("seq"))["head"] or 0
    # Entries are served with the record's current state, so within a page only a
    # record's last entry needs it; the earlier ones just move the cursor.
    last = {(row.model_label, row.global_id): row.seq for row in rows}
    return {
        "region": settings.PORTAL_REGION,
        "after": after,
        "head": head,
        "changes": [
            change_entry(row) if last[(row.model_label, row.global_id)] == row.seq else superseded(row)
            for row in rows
        ],
        "next_after": rows[-1].seq if rows else after,
        "has_more": bool(rows) and rows[-1].seq < head,
    }


def manifest() -> list[dict]:
    """Every record this region shares: global id, version and file digests."""
    entries = []
    for spec in registry.specs():
        queryset = spec.model.objects.filter(origin_region=settings.PORTAL_REGION).exclude(
            access_level="internal"
        )
        for instance in queryset.iterator():
            if not spec.shares(instance):
                continue
            entries.append(
                {
                    "model": spec.label,
                    "global_id": str(instance.global_id),
                    "version": instance.version,
                    "sha256": registry.file_digests(spec, instance),
                }
            )
    return entries


def file_for(*, label: str, global_id, related_name: str, key: str):
    """A file of a shared record this region owns, for the partner's fetch; None otherwise."""
    spec = registry.spec_for_label(label)
    if spec is None:
        return None
    instance = spec.model.objects.filter(global_id=global_id).first()
    if instance is None or not _shareable(spec, instance):
        return None
    child = next((c for c in spec.children if c.related_name == related_name and c.file_field), None)
    if child is None or len(child.key) != 1:
        return None
    row = getattr(instance, related_name).filter(**{child.key[0]: key}).first()
    return getattr(row, child.file_field) if row is not None else None


# ---- applying (receiver side) ------------------------------------------------------------------


@dataclass
class ApplyResult:
    applied: int = 0
    ignored: int = 0
    conflicts: int = 0
    removed: int = 0
    refused: int = 0
    notes: list[str] = field(default_factory=list)


def _conflict(*, spec_label, change, partner_region, local, reason) -> None:
    Conflict.objects.update_or_create(
        model_label=spec_label,
        global_id=change["global_id"],
        incoming_version=change["version"],
        resolved_at=None,
        defaults={
            "partner_region": partner_region,
            "local_version": getattr(local, "version", None),
            "reason": reason,
            "incoming": change.get("payload") or {},
        },
    )
    logger.warning("sync: conflict on %s %s: %s", spec_label, change["global_id"], reason)


def _apply_children(*, spec, instance, payload, partner) -> None:
    for child in spec.children:
        manager = getattr(instance, child.related_name)
        child_model = manager.model
        existing = {tuple(str(registry._value(row, k)) for k in child.key): row for row in manager.all()}
        seen = set()
        for item in payload["children"].get(child.related_name, []):
            key = tuple(str(item.get(k)) for k in child.key)
            seen.add(key)
            row = existing.get(key) or child_model(**{child.parent_field: instance})
            registry.assign(row, child.fields, item)
            if child.file_field:
                wanted = item.get("_file")
                stored = getattr(row, child.file_field)
                if wanted and (
                    row.pk is None
                    or not stored
                    or row.sha256 != wanted["sha256"]
                    or not stored.storage.exists(stored.name)
                ):
                    handle = transport.file_fetch(
                        partner,
                        f"/sync/files/{spec.label}/{instance.global_id}/{child.related_name}/{key[0]}",
                        sha256=wanted["sha256"],
                        size=wanted["size"],
                    )
                    with handle:
                        stored.save(item.get("original_name") or "file", File(handle), save=False)
                    row.sha256, row.size = wanted["sha256"], wanted["size"]
            # save_base: the model's own save() would bump versions; this is the origin's state.
            row.save_base()
        gone = [row.pk for key, row in existing.items() if key not in seen]
        if gone:
            # A queryset delete, as save_base above: a model's own delete() would bump versions.
            child_model.objects.filter(pk__in=gone).delete()


def _apply_upsert(*, spec, change, partner, local) -> None:
    # Images chosen in the record's streams are fetched from the partner when new here.
    with streams.fetching_from(
        lambda path, sha256, size: transport.file_fetch(partner, path, sha256=sha256, size=size)
    ):
        _apply_record(spec=spec, payload=change["payload"], partner=partner, local=local)


def _apply_record(*, spec, payload, partner, local) -> None:
    if local is not None:
        instance = local
    elif spec.create is not None:
        instance = spec.create(payload)
    else:
        instance = spec.model(global_id=payload["global_id"])
    instance.origin_region = payload["origin_region"]
    from portal.models import Organisation

    instance.origin_organisation = Organisation.objects.get(code=payload["origin_organisation"])
    instance.version = payload["version"]
    instance.access_level = payload["access_level"]
    registry.assign(instance, spec.fields, payload["fields"])
    instance.save_base()
    for name, values in payload["m2m"].items():
        manager = getattr(instance, name)
        manager.set(registry.m2m_objects(spec.model, name, values))
        if hasattr(manager, "commit"):
            manager.commit()  # a ParentalManyToManyField keeps the set in memory until committed
    _apply_children(spec=spec, instance=instance, payload=payload, partner=partner)
    if spec.applied is not None:
        spec.applied(instance)
    SyncedCopy.objects.update_or_create(
        model_label=spec.label,
        global_id=instance.global_id,
        defaults={
            "origin_region": instance.origin_region,
            "version": instance.version,
            "digest": registry.local_digest(spec, instance),
            "deleted": False,
            "applied_at": timezone.now(),
        },
    )


def change_apply(*, change: dict, partner_region: str, result: ApplyResult | None = None) -> ApplyResult:
    """Apply one change from the partner's feed; the same change twice, or an older one, does nothing."""
    result = result or ApplyResult()
    spec = registry.spec_for_label(change["model"])
    if change["op"] == "superseded":
        # A later entry of the same page carries the record's state.
        result.ignored += 1
        return result
    if spec is None:
        result.ignored += 1
        result.notes.append(f"unknown model {change['model']}")
        return result
    partner = partner_for_region(partner_region)
    global_id = change["global_id"]
    version = int(change["version"])
    with transaction.atomic(), apply_context():
        page_cache_invalidate()  # also for writes that send no signal (queryset updates)
        local = spec.model.objects.select_for_update().filter(global_id=global_id).first()
        copy = SyncedCopy.objects.filter(model_label=spec.label, global_id=global_id).first()
        if local is not None and local.origin_region != partner_region:
            _conflict(
                spec_label=spec.label,
                change=change,
                partner_region=partner_region,
                local=local,
                reason=f"本地记录来源为 {local.origin_region}，对方不能修改",
            )
            result.conflicts += 1
            return result
        if change["op"] != ChangeLog.Op.UPSERT:
            if local is not None:
                local.delete()
                result.removed += 1
            SyncedCopy.objects.update_or_create(
                model_label=spec.label,
                global_id=global_id,
                defaults={
                    "origin_region": partner_region,
                    "version": max(version, copy.version if copy else 0),
                    "digest": "",
                    "deleted": True,
                    "applied_at": timezone.now(),
                },
            )
            _quarantine_settle(
                model_label=spec.label, global_id=global_id, version=version, partner_region=partner_region
            )
            return result
        # Everything the partner says is checked before any of it is applied (ChangeRefused otherwise).
        cleaned: list[str] = []
        change = {
            **change,
            "payload": kinds.payload_clean(
                spec, change.get("payload"), sender=partner_region, global_id=global_id, notes=cleaned
            ),
        }
        for note in cleaned:
            logger.warning("sync: %s %s from %s cleaned: %s", spec.label, global_id, partner_region, note)
            result.notes.append(f"cleaned {global_id}: {note}")
        if copy is not None and copy.deleted and version <= copy.version:
            result.ignored += 1
            return result
        if (
            local is not None
            and copy is not None
            and not copy.deleted
            and registry.local_digest(spec, local) != copy.digest
        ):
            _conflict(
                spec_label=spec.label,
                change=change,
                partner_region=partner_region,
                local=local,
                reason="副本在本地被修改过",
            )
            result.conflicts += 1
            return result
        if local is not None and version <= local.version:
            if copy is None:
                # A copy seeded at both regions (same global id): adopt it as the replica.
                SyncedCopy.objects.create(
                    model_label=spec.label,
                    global_id=global_id,
                    origin_region=partner_region,
                    version=local.version,
                    digest=registry.local_digest(spec, local),
                )
            result.ignored += 1
            return result
        try:
            with transaction.atomic():
                _apply_upsert(spec=spec, change=change, partner=partner, local=local)
        except (DataError, IntegrityError, ValidationError, ValueError, TypeError, KeyError) as error:
            # Data the kinds let through but the database or the model would not take.
            logger.warning(
                "sync: %s %s from %s not applied", spec.label, global_id, partner_region, exc_info=True
            )
            raise ChangeRefused(
                "apply_failed", f"{spec.label}: {type(error).__name__}: {error}"[:500]
            ) from error
        _quarantine_settle(
            model_label=spec.label, global_id=global_id, version=version, partner_region=partner_region
        )
        result.applied += 1
    return result


# ---- pulling -----------------------------------------------------------------------------------


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


def _change_check(change: dict) -> None:
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


@contextmanager
def _exclusive(job: str, partner_region: str):
    """One pull, or one sender, per partner at a time across processes; yields False if another has it.

    The sender's order is the owner's order of requests; a second pull would only fetch pages twice.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    key = [7_320_002, f"{job}:{partner_region}"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))", key)
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", key)


def partner_record_fetch(*, partner_region: str, label: str, global_id) -> dict:
    """The partner's record as its feed would serve it now (upsert, withdraw or delete)."""
    partner = partner_for_region(partner_region)
    change = transport.get_json(partner, f"/sync/records/{label}/{global_id}")
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
    with _exclusive("pull", partner_region) as mine:
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
            except transport.PageTooLarge as error:
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
                        _change_check(change)
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
            page = transport.get_json(partner, f"/sync/changes?after={after}&limit={limit}")
        except transport.PageTooLarge:
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
            page = transport.get_json(partner, f"/sync/changes?after={after + k}&limit=1")
        except transport.PageTooLarge:
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


# ---- quarantine ------------------------------------------------------------------------------------

QUARANTINE_KEEP_CHARS = 64 * 1024


def quarantine_add(*, change: dict, partner_region: str, refused: ChangeRefused) -> QuarantinedChange:
    """Keep a refused change with its reason, for staff to see and retry once the partner fixed it."""
    try:
        global_id = str(uuid.UUID(str(change.get("global_id"))))
    except ValueError:
        global_id = None
    version = change.get("version") if isinstance(change.get("version"), int) else None
    kept = (
        change
        if len(json.dumps(change, default=str)) <= QUARANTINE_KEEP_CHARS
        else {key: change.get(key) for key in ("seq", "model", "global_id", "op", "version", "created_at")}
    )
    kept = _without_nul(kept)  # PostgreSQL's jsonb cannot hold a NUL, which a partner may well send
    logger.warning("sync: change %s from %s quarantined: %s", change.get("seq"), partner_region, refused)
    return QuarantinedChange.objects.create(
        partner_region=partner_region,
        seq=change.get("seq") if isinstance(change.get("seq"), int) else None,
        model_label=_without_nul(str(change.get("model") or ""))[:100],
        global_id=global_id,
        version=version if version is None or 0 <= version < 2**31 else None,
        reason=refused.reason[:64],
        detail=_without_nul(refused.detail)[:1000],
        change=kept,
    )


def _without_nul(value):
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    if isinstance(value, dict):
        return {_without_nul(str(key)): _without_nul(item) for key, item in value.items()}
    return value


def _quarantine_settle(*, model_label: str, global_id, version: int, partner_region: str) -> None:
    """A later version of a record arrived: its older refused changes are settled by it."""
    QuarantinedChange.objects.filter(
        partner_region=partner_region,
        model_label=model_label,
        global_id=global_id,
        version__lte=version,
        resolved_at=None,
    ).update(resolved_at=timezone.now(), resolution=QuarantinedChange.Resolution.SUPERSEDED)


def quarantine_retry(*, entry_id: int, user=None) -> QuarantinedChange:
    """Fetch the record from the partner again and apply it, or keep it quarantined with the new reason."""
    entry = QuarantinedChange.objects.get(pk=entry_id)
    if entry.resolved_at is not None:
        return entry
    spec = registry.spec_for_label(entry.model_label)
    if spec is None or entry.global_id is None:
        raise SyncError(_("无法重试：对方发来的变更不指明任何记录。"))
    entry.attempts += 1
    entry.last_attempt_at = timezone.now()
    change = partner_record_fetch(
        partner_region=entry.partner_region, label=spec.label, global_id=entry.global_id
    )
    try:
        _change_check(change)
        with transaction.atomic():
            result = change_apply(change=change, partner_region=entry.partner_region)
    except ChangeRefused as refused:
        entry.reason, entry.detail = refused.reason[:64], refused.detail[:1000]
        entry.save()
        return entry
    entry.resolved_at, entry.resolved_by = timezone.now(), user
    entry.resolution = (
        QuarantinedChange.Resolution.APPLIED
        if result.applied or result.removed
        else QuarantinedChange.Resolution.RETRIED
    )
    entry.save()
    return entry


# ---- refused requests --------------------------------------------------------------------------------


def refused_request_record(*, source: str, reason: str, path: str, key_id: str) -> None:
    """Count a refused request against its source and reason: unsigned traffic adds no rows, only counts.

    Beyond SYNC_REFUSED_MAX_ROWS distinct sources the rest are counted together under "*".
    """
    now = timezone.now()
    source, path, key_id = (_without_nul(value) for value in (source, path, key_id))
    values = {"count": F("count") + 1, "last_seen": now, "last_path": path[:255], "last_key_id": key_id[:128]}
    if RefusedRequest.objects.filter(source=source, reason=reason).update(**values):
        return
    if RefusedRequest.objects.count() >= getattr(settings, "SYNC_REFUSED_MAX_ROWS", 1000):
        source = "*"
        if RefusedRequest.objects.filter(source=source, reason=reason).update(**values):
            return
    try:
        with transaction.atomic():
            RefusedRequest.objects.create(
                source=source,
                reason=reason,
                last_path=path[:255],
                last_key_id=key_id[:128],
                first_seen=now,
                last_seen=now,
            )
    except IntegrityError:  # a concurrent request created it
        RefusedRequest.objects.filter(source=source, reason=reason).update(**values)


def refused_requests_prune(*, days: int | None = None) -> int:
    """Forget refused requests not seen for ``days`` (SYNC_REFUSED_KEEP_DAYS, 30 by default)."""
    days = days if days is not None else getattr(settings, "SYNC_REFUSED_KEEP_DAYS", 30)
    deleted, _ = RefusedRequest.objects.filter(
        last_seen__lt=timezone.now() - timezone.timedelta(days=days)
    ).delete()
    return deleted


def partner_nudge(*, partner_region: str) -> bool:
    """Tell the partner there is something to pull; only a hint, so a partner that is down is no error."""
    partner = partner_for_region(partner_region)
    try:
        status, _answer, _text = transport.post_json(
            partner, "/sync/nudge", {"region": settings.PORTAL_REGION}
        )
    except (requests.RequestException, SyncError) as error:
        logger.info("sync: no nudge to %s (%s); its scheduled pull will catch up", partner_region, error)
        return False
    if status != 202:
        logger.warning("sync: %s refused the nudge: %s", partner_region, status)
        return False
    return True


# ---- requests owned by the partner (outgoing commands) ----------------------------------------


def command_enqueue(*, partner_region: str, name: str, payload: dict) -> OutgoingCommand:
    """Keep a request for the partner region in this transaction; it is sent after commit, and retried.

    Kept even while the partner is not configured here: it goes once PORTAL_PARTNERS names it.
    """
    command = OutgoingCommand.objects.create(partner_region=partner_region, name=name, payload=payload)
    if partner_for_region(partner_region) is None:
        logger.warning("sync: %s is not a configured partner; %s waits until it is", partner_region, name)
        return command

    def send():
        from .tasks import send_commands

        try:
            send_commands.delay(partner_region)
        except Exception:  # noqa: BLE001 - the broker being down must not fail the request; beat resends
            logger.warning("sync: commands to %s not queued; the schedule sends them", partner_region)

    transaction.on_commit(send)
    return command


def partner_commands_send(*, partner_region: str) -> int:
    """Send the pending requests for a partner, oldest first; stop at the first that cannot be delivered.

    A request the owner answered is marked delivered and its reply applied here; one the
    owner cannot understand (HTTP 400) is marked refused; anything else is tried again later.
    """
    partner = partner_for_region(partner_region)
    if partner is None:
        raise SyncError(f"{partner_region} is not a configured partner")
    with _exclusive("send", partner_region) as mine:
        return _send(partner) if mine else 0


def _send(partner) -> int:
    partner_region = partner.region
    delivered = 0
    while True:
        with transaction.atomic():
            command = (
                OutgoingCommand.objects.select_for_update()
                .filter(partner_region=partner_region, state=OutgoingCommand.State.PENDING)
                .order_by("pk")
                .first()
            )
            if command is None:
                return delivered
            command.attempts += 1
            command.last_attempt_at = timezone.now()
            try:
                status, answer, text = transport.post_json(
                    partner, "/sync/commands", {"command": command.name, "payload": command.payload}
                )
            except (requests.RequestException, SyncError) as error:
                command.last_error = f"{type(error).__name__}: {error}"[:2000]
                command.save()
                logger.info("sync: %s not reachable for %s; will retry", partner_region, command.name)
                return delivered
            if status == 200 and isinstance(answer, dict):
                command.state, command.reply = OutgoingCommand.State.DELIVERED, answer
                command.delivered_at, command.last_error = timezone.now(), ""
            elif status == 400:
                command.state = OutgoingCommand.State.REFUSED
                command.last_error = text[:2000]
                command.reply = {"state": "refused", "reason": text[:500]}
                logger.warning("sync: %s refused %s: %s", partner_region, command.name, text[:200])
            else:
                command.last_error = f"HTTP {status}: {text[:500]}"
                command.save()
                return delivered
            handler = registry.command(command.name)
            if handler is not None and handler.on_reply is not None:
                handler.on_reply(command.payload, command.reply)
            command.save()
            delivered += 1


# ---- conflicts ---------------------------------------------------------------------------------


def _replica_forget(spec, local) -> None:
    """Drop what sync remembers of a replica, so the origin's state is applied over it as new."""
    SyncedCopy.objects.filter(model_label=spec.label, global_id=local.global_id).delete()
    spec.model.objects.filter(pk=local.pk).update(version=0)
    local.version = 0


@transaction.atomic
def conflict_resolve(*, conflict_id: int, take_origin: bool, user) -> Conflict:
    """Staff decide a conflict: take the origin's current version over the copy, or keep the local one."""
    conflict = Conflict.objects.select_for_update().get(pk=conflict_id)
    if conflict.resolved_at is not None:
        return conflict
    if take_origin:
        spec = registry.spec_for_label(conflict.model_label)
        local = spec.model.objects.filter(global_id=conflict.global_id).first() if spec else None
        if spec is None or (local is not None and local.origin_region != conflict.partner_region):
            raise SyncError(_("这条记录由本地区拥有，不能用对方的版本覆盖。"))
        change = partner_record_fetch(
            partner_region=conflict.partner_region, label=spec.label, global_id=conflict.global_id
        )
        _change_check(change)
        if local is not None:
            _replica_forget(spec, local)
        change_apply(change=change, partner_region=conflict.partner_region)
    # Every open conflict on this record is settled by the one decision.
    Conflict.objects.filter(
        model_label=conflict.model_label, global_id=conflict.global_id, resolved_at=None
    ).update(
        resolved_at=timezone.now(),
        resolved_by=user,
        resolution=Conflict.Resolution.TOOK_ORIGIN if take_origin else Conflict.Resolution.KEPT_LOCAL,
    )
    conflict.refresh_from_db()
    return conflict


def sync_status() -> list[dict]:
    rows = []
    now = timezone.now()
    for partner in settings.PORTAL_PARTNERS:
        cursor, _ = PartnerCursor.objects.get_or_create(region=partner.region)
        lag = None
        if cursor.backlog and cursor.last_success_at:
            lag = (now - cursor.last_success_at).total_seconds()
        elif cursor.last_success_at:
            lag = 0.0
        rows.append(
            {
                "region": partner.region,
                "base_url": partner.base_url,
                "cursor": cursor.after_seq,
                "partner_head": cursor.partner_head,
                "backlog": cursor.backlog,
                "lag_seconds": lag,
                "last_success": cursor.last_success_at.isoformat() if cursor.last_success_at else None,
                "last_error": cursor.last_error or None,
                "last_error_at": cursor.last_error_at.isoformat() if cursor.last_error_at else None,
                "open_conflicts": Conflict.objects.filter(
                    partner_region=partner.region, resolved_at=None
                ).count(),
                **_quarantine_status(partner.region),
                **_commands_status(partner.region, now),
            }
        )
    return rows


def _quarantine_status(partner_region: str) -> dict:
    entries = QuarantinedChange.objects.filter(partner_region=partner_region, resolved_at=None)
    return {
        "quarantined": entries.count(),
        "quarantine": [
            {
                "id": entry.pk,
                "seq": entry.seq,
                "model": entry.model_label,
                "global_id": str(entry.global_id) if entry.global_id else None,
                "version": entry.version,
                "reason": entry.reason,
                "detail": entry.detail,
                "received_at": entry.received_at.isoformat(),
                "attempts": entry.attempts,
            }
            for entry in entries.order_by("pk")[:100]
        ],
    }


def _commands_status(partner_region: str, now) -> dict:
    commands = OutgoingCommand.objects.filter(partner_region=partner_region)
    pending = commands.filter(state=OutgoingCommand.State.PENDING)
    oldest = pending.order_by("pk").first()
    return {
        "commands_pending": pending.count(),
        "commands_oldest_pending_seconds": (now - oldest.created_at).total_seconds() if oldest else None,
        "commands_last_error": oldest.last_error or None if oldest else None,
        "commands_refused": commands.filter(state=OutgoingCommand.State.REFUSED).count(),
    }


# ---- reconciling -------------------------------------------------------------------------------


def partner_reconcile(*, partner_region: str, progress=None) -> dict:
    """Compare the partner's manifest with the local replicas and repair the drift."""
    partner = partner_for_region(partner_region)
    remote = transport.get_json(partner, "/sync/manifest", cap=transport.manifest_max_bytes())["records"]
    wanted = {(r["model"], r["global_id"]): r for r in remote}
    report = {"checked": 0, "repaired": 0, "removed": 0, "in_step": 0, "refused": 0}
    local_keys = set()
    for spec in registry.specs():
        # Version 0: a request made here that its owner has not answered yet (not a stray copy).
        replicas = spec.model.objects.filter(origin_region=partner_region).exclude(version=0)
        for global_id in replicas.values_list("global_id", flat=True):
            local_keys.add((spec.label, str(global_id)))
    total = len(wanted) + len(local_keys - set(wanted))
    done = 0
    for key, entry in wanted.items():
        spec = registry.spec_for_label(key[0])
        local = spec.model.objects.filter(global_id=key[1]).first() if spec else None
        in_step = False
        if local is not None and local.version == entry["version"]:
            in_step = registry.file_digests(spec, local) == entry["sha256"]
        if in_step:
            report["in_step"] += 1
        else:
            change = partner_record_fetch(partner_region=partner_region, label=key[0], global_id=key[1])
            try:
                _change_check(change)
                with transaction.atomic():
                    if local is not None and local.version >= change["version"]:
                        # Same version but different files: take the origin's state again.
                        _replica_forget(spec, local)
                    change_apply(change=change, partner_region=partner_region)
                report["repaired"] += 1
            except ChangeRefused as refused:
                quarantine_add(change=change, partner_region=partner_region, refused=refused)
                report["refused"] += 1
        done += 1
        report["checked"] += 1
        if progress:
            progress(done, total)
    for label, global_id in local_keys - set(wanted):
        change = {"model": label, "global_id": global_id, "op": ChangeLog.Op.WITHDRAW, "version": 0}
        change_apply(change=change, partner_region=partner_region)
        report["removed"] += 1
        done += 1
        if progress:
            progress(done, total)
    return report
