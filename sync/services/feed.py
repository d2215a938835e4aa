"""The feed (origin side): each change of a shared record logged in its transaction; the partner nudged."""

from django.conf import settings
from django.db import connection, transaction

from .. import registry
from ..context import applying
from ..models import ChangeLog
from ..tasks import nudge_partner


def _serialise_writers():
    # Commit order must match seq order, or a reader could skip a seq committed late.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [7_320_001])


def _send_nudges():
    for partner in settings.PORTAL_PARTNERS:
        nudge_partner.delay(partner.region)


def _nudge_after_commit():
    if not settings.PORTAL_PARTNERS:
        return
    # One nudge per transaction, however many records it changed.
    if any(callback is _send_nudges for _sids, callback, _robust in connection.run_on_commit):
        return
    # robust: a broker that is down must not fail the save; the partner's beat pull catches up.
    transaction.on_commit(_send_nudges, robust=True)


def log_change(instance, *, op: str | None = None) -> None:
    """Log a change of a record this region owns: upsert, withdraw when no longer shared, or ``op``."""
    spec = registry.spec_for_model(type(instance))
    if spec is None or applying() or instance.origin_region != settings.PORTAL_REGION:
        return
    if op is None:
        op = ChangeLog.Op.UPSERT if spec.shares(instance) else ChangeLog.Op.WITHDRAW
    with transaction.atomic():
        _serialise_writers()
        ChangeLog.objects.create(
            global_id=instance.global_id,
            model_label=spec.label,
            op=op,
            version=instance.version or 0,
            payload={"origin_region": instance.origin_region} if op != ChangeLog.Op.UPSERT else {},
        )
    _nudge_after_commit()
