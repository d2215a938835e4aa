"""Sync reads: the feed a partner pulls (pages, records, files, the manifest) and the status per partner."""

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from . import registry
from .models import ChangeLog, Conflict, OutgoingCommand, PartnerCursor, QuarantinedChange

PAGE_LIMIT = 200


def _shareable(spec, instance) -> bool:
    return instance.origin_region == settings.PORTAL_REGION and spec.shares(instance)


_UNREAD = object()


def change_entry(row: ChangeLog, *, instance=_UNREAD) -> dict:
    """A change as served: the record's state now, so nothing since made internal leaves.

    ``instance``: the record as a page read it already (None: gone).
    """
    spec = registry.spec_for_label(row.model_label)
    entry: dict = {
        "seq": row.seq,
        "model": row.model_label,
        "global_id": str(row.global_id),
        "created_at": row.created_at.isoformat(),
    }
    if instance is _UNREAD:
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


def _records_now(rows: list[ChangeLog]) -> dict:
    """The current state of the records a page serves, read a few queries per model.

    Only images and links inside rich text are still looked up one by one (sync.streams).
    """
    wanted: dict[str, set] = {}
    for row in rows:
        wanted.setdefault(row.model_label, set()).add(row.global_id)
    found = {}
    for label, global_ids in wanted.items():
        spec = registry.spec_for_label(label)
        if spec is None:
            continue
        for instance in registry.serialisable(spec).filter(global_id__in=global_ids):
            found[(label, instance.global_id)] = instance
    return found


def _superseded(row: ChangeLog) -> dict:
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
    records = _records_now([row for row in rows if last[(row.model_label, row.global_id)] == row.seq])
    return {
        "region": settings.PORTAL_REGION,
        "after": after,
        "head": head,
        "changes": [
            change_entry(row, instance=records.get((row.model_label, row.global_id)))
            if last[(row.model_label, row.global_id)] == row.seq
            else _superseded(row)
            for row in rows
        ],
        "next_after": rows[-1].seq if rows else after,
        "has_more": bool(rows) and rows[-1].seq < head,
    }


def manifest() -> list[dict]:
    """Every record this region shares: global id, version and file digests."""
    entries = []
    for spec in registry.specs():
        queryset = spec.model.objects.filter(origin_region=settings.PORTAL_REGION).prefetch_related(
            *(child.related_name for child in spec.children if child.file_field)
        )
        for instance in queryset.exclude(access_level="internal").iterator(chunk_size=500):
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
