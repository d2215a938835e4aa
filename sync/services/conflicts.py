"""Staff settle what sync could not: conflicts on a record, and changes kept in the quarantine."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import registry
from ..errors import ChangeRefused, SyncError
from ..models import Conflict, QuarantinedChange, SyncedCopy
from .apply import change_apply
from .pull import change_check, partner_record_fetch


def replica_forget(*, spec: registry.SyncSpec, local) -> None:
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
        change_check(change=change)
        if local is not None:
            replica_forget(spec=spec, local=local)
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
        change_check(change=change)
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
