"""Reconciling: the partner's manifest compared with the replicas here, and the drift repaired."""

from django.db import transaction

from .. import client, registry
from ..errors import ChangeRefused
from ..models import ChangeLog
from ..signing import partner_for_region
from .apply import change_apply
from .conflicts import replica_forget
from .pull import change_check, partner_record_fetch
from .refusals import quarantine_add


def partner_reconcile(*, partner_region: str, progress=None) -> dict:
    """Compare the partner's manifest with the local replicas and repair the drift."""
    partner = partner_for_region(partner_region)
    remote = client.get_json(partner, "/sync/manifest", cap=client.manifest_max_bytes())["records"]
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
                change_check(change=change)
                with transaction.atomic():
                    if local is not None and local.version >= change["version"]:
                        # Same version but different files: take the origin's state again.
                        replica_forget(spec=spec, local=local)
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
