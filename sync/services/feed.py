"""The feed (origin side): each change of a shared record logged in its transaction; the partner nudged."""

import contextlib
import contextvars

from django.conf import settings
from django.db import connection, transaction

from portal.records.models import Versioned

from .. import registry
from ..context import applying
from ..models import ChangeLog
from ..tasks import nudge_partner

# Inside one_change_per_record(): for each record, the change noted, written when the block ends, with
# the instance it was built from and Versioned.bumps at the time.
_pending: contextvars.ContextVar[dict | None] = contextvars.ContextVar("sync_pending_changes", default=None)


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


def _changes_write(changes: list[ChangeLog]) -> None:
    # No savepoint: the lock is held to the end of the caller's transaction whatever happens here.
    with transaction.atomic(savepoint=False):
        _serialise_writers()
        ChangeLog.objects.bulk_create(changes)
    _nudge_after_commit()


@contextlib.contextmanager
def one_change_per_record():
    """One transaction (``transaction.atomic``) that logs one change per record it writes.

    For a write made of several saves (a record, its topics, its first file): inside the block a
    change is only noted, a record's last replacing its earlier; as the block ends, the lock is
    taken once and one row per record is logged, in the same transaction. The feed serves a row
    with the record's state when read, so the partner receives everything the block wrote.
    A block inside another joins the outer one. A change undone by a savepoint rolled back inside
    the block is still logged: the partner is then sent the record as it stands, or its deletion.
    """
    if _pending.get() is not None:
        with transaction.atomic():  # a savepoint, as the transaction.atomic it replaces gave
            yield
        return
    pending: dict = {}
    token = _pending.set(pending)
    with transaction.atomic():
        try:
            yield
        finally:
            _pending.reset(token)
        if pending:
            _changes_write([change for change, _instance, _bumps in pending.values()])


def log_change(instance, *, op: str | None = None) -> None:
    """Log a change of a record this region owns: upsert, withdraw when no longer shared, or ``op``."""
    spec = registry.spec_for_model(type(instance))
    if spec is None or applying() or instance.origin_region != settings.PORTAL_REGION:
        return
    if op is None:
        op = ChangeLog.Op.UPSERT if spec.shares(instance) else ChangeLog.Op.WITHDRAW
    change = ChangeLog(
        global_id=instance.global_id,
        model_label=spec.label,
        op=op,
        version=instance.version or 0,
        payload={"origin_region": instance.origin_region} if op != ChangeLog.Op.UPSERT else {},
    )
    pending = _pending.get()
    if pending is not None:
        # Ordered by each record's last change, as the feed's entries are (the last carries the state).
        key = (spec.label, instance.global_id)
        pending.pop(key, None)
        pending[key] = (change, instance, Versioned.bumps)
        return
    _changes_write([change])


def log_change_again(instance) -> bool:
    """Log again, as its last change, the change this block noted from ``instance`` itself.

    False when there is none, or a queryset has moved a version since (Versioned.version_bump): the
    caller then reads the record again. A dependant saved after its parent (a material's first file)
    so costs no query: the parent's change already holds what the parent's save stored.
    """
    pending = _pending.get()
    spec = registry.spec_for_model(type(instance))
    if pending is None or spec is None:
        return False
    key = (spec.label, instance.global_id)
    noted = pending.get(key)
    if noted is None or noted[1] is not instance or noted[2] != Versioned.bumps:
        return False
    pending[key] = pending.pop(key)
    return True
