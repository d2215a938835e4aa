"""Writes to the security audit log."""

import csv
import io

from django.utils import timezone

from portal.exports import safe_cell

from .context import current_request, request_ip
from .models import RETENTION_DAYS, AuditEntry, AuditLogImmutable, Event, Outcome


def audit_record(
    *,
    event: str,
    outcome: str = Outcome.SUCCESS,
    request=None,
    user=None,
    username: str = "",
    ip_address: str | None = None,
    target: str = "",
    details: dict | None = None,
) -> AuditEntry:
    """One entry: who (user or typed name), what, when, from where, with which result.

    Without an explicit request, the request being served (if any) gives the actor and address.
    """
    request = request if request is not None else current_request.get()
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return AuditEntry.objects.create(
        event=event,
        outcome=outcome,
        actor=user if user is not None and user.pk else None,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        ip_address=ip_address or request_ip(request),
        path=(request.path[:255] if request is not None else ""),
        target=str(target)[:255],
        details=details or {},
    )


def audit_prune(*, days: int = RETENTION_DAYS) -> int:
    """Remove entries older than ``days`` (never fewer than the retention); the prune is itself logged."""
    if days < RETENTION_DAYS:
        raise AuditLogImmutable(f"entries are kept at least {RETENTION_DAYS} days")
    before = timezone.now() - timezone.timedelta(days=days)
    removed = AuditEntry.objects.all()._prune_expired(before=before)
    audit_record(
        event=Event.AUDIT_PRUNED, details={"before": before.isoformat(), "removed": removed, "days": days}
    )
    return removed


# Cells a spreadsheet would read as a formula (or a DDE payload) start with one of these.
def formula_safe(value) -> str:
    """A cell as text, made safe by the one export rule (portal.exports)."""
    return safe_cell("" if value is None else str(value))


def audit_entries_csv(*, entries) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["时间", "事件", "结果", "用户名", "来源地址", "路径", "对象", "详情"])
    for entry in entries:
        writer.writerow(
            [
                formula_safe(cell)
                for cell in (
                    timezone.localtime(entry.at).isoformat(timespec="seconds"),
                    entry.get_event_display(),
                    entry.get_outcome_display(),
                    entry.username,
                    entry.ip_address or "",
                    entry.path,
                    entry.target,
                    entry.details and _details_text(entry.details),
                )
            ]
        )
    return "\ufeff" + buffer.getvalue()


def _details_text(details: dict) -> str:
    import json

    return json.dumps(details, ensure_ascii=False, sort_keys=True)
