"""What a partner sent that was refused: changes kept in the quarantine, and requests counted."""

import json
import logging
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ..errors import ChangeRefused
from ..models import QuarantinedChange, RefusedRequest

logger = logging.getLogger("sync")

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


def quarantine_settle(*, model_label: str, global_id, version: int, partner_region: str) -> None:
    """A later version of a record arrived: its older refused changes are settled by it."""
    QuarantinedChange.objects.filter(
        partner_region=partner_region,
        model_label=model_label,
        global_id=global_id,
        version__lte=version,
        resolved_at=None,
    ).update(resolved_at=timezone.now(), resolution=QuarantinedChange.Resolution.SUPERSEDED)


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
