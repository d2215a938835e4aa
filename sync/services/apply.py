"""Applying a partner's change (receiver side): checked by the kinds, then stored as the origin's state."""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from portal.page_cache import page_cache_invalidate

from .. import client, registry, streams
from ..context import apply_context, organisation_by_code
from ..errors import ChangeRefused
from ..kinds.payload import payload_clean
from ..models import ChangeLog, Conflict, SyncedCopy
from ..signing import partner_for_region
from . import files_ahead
from .refusals import quarantine_settle

logger = logging.getLogger("sync")


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


def _apply_children(*, spec, instance, payload, partner, new: bool) -> dict[str, list]:
    """Each child relation's rows as they now stand in the database."""
    written = {}
    for child in spec.children:
        manager = getattr(instance, child.related_name)
        child_model = manager.model
        rows = [] if new else list(manager.all())  # a record inserted just now has none to read
        existing = {tuple(str(registry.field_value(row, k)) for k in child.key): row for row in rows}
        # Rows sharing a key (no constraint forbids it) stay as they are: only the last is matched.
        held = {row.pk: row for row in rows}
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
                    path = files_ahead.file_path(
                        spec=spec, global_id=instance.global_id, child=child, key=key[0]
                    )
                    handle = files_ahead.file_fetch(
                        partner,
                        path,
                        sha256=wanted["sha256"],
                        size=wanted["size"],
                    )
                    with handle:
                        stored.save(item.get("original_name") or "file", File(handle), save=False)
                    row.sha256, row.size = wanted["sha256"], wanted["size"]
            # save_base: the model's own save() would bump versions; this is the origin's state.
            row.save_base()
            held[row.pk] = row
        gone = [row.pk for key, row in existing.items() if key not in seen]
        if gone:
            # A queryset delete, as save_base above: a model's own delete() would bump versions.
            child_model.objects.filter(pk__in=gone).delete()
        written[child.related_name] = [row for pk, row in held.items() if pk not in gone]
    return written


def _apply_upsert(*, spec, change, partner, local, copy) -> None:
    # Images chosen in the record's streams are fetched from the partner when new here.
    with streams.fetching_from(
        lambda path, sha256, size: client.file_fetch(partner, path, sha256=sha256, size=size)
    ):
        _apply_record(spec=spec, payload=change["payload"], partner=partner, local=local, copy=copy)


def _apply_record(*, spec, payload, partner, local, copy) -> None:
    new = local is None and spec.create is None
    if local is not None:
        instance = local
    elif spec.create is not None:
        instance = spec.create(payload)
    else:
        instance = spec.model(global_id=payload["global_id"])
    instance.origin_region = payload["origin_region"]
    instance.origin_organisation = organisation_by_code(payload["origin_organisation"])
    instance.version = payload["version"]
    instance.access_level = payload["access_level"]
    registry.assign(instance, spec.fields, payload["fields"])
    instance.save_base()
    # What this apply writes, to take the replica's digest from without reading it back.
    written: dict[str, list] = {}
    for name, values in payload["m2m"].items():
        if new and not values:
            written[name] = []  # nothing to read or to set on a record inserted just now
            continue
        manager = getattr(instance, name)
        objects = list({o.pk: o for o in registry.m2m_objects(spec.model, name, values)}.values())
        manager.set(objects)
        if hasattr(manager, "commit"):
            manager.commit()  # a ParentalManyToManyField keeps the set in memory until committed
        written[name] = objects
    written |= _apply_children(spec=spec, instance=instance, payload=payload, partner=partner, new=new)
    if spec.applied is not None:
        spec.applied(instance)
    _copy_store(
        copy,
        model_label=spec.label,
        global_id=instance.global_id,
        origin_region=instance.origin_region,
        version=instance.version,
        digest=registry.local_digest(spec, instance, related=written),
        deleted=False,
    )


_COPY_FIELDS = ["origin_region", "version", "digest", "deleted", "applied_at"]


def _copy_store(copy: SyncedCopy | None, *, model_label: str, global_id, **values) -> None:
    """The replica's SyncedCopy as the change left it: the row read (and locked) before, updated in place.

    With none read, one insert that updates a row a concurrent apply may have added meanwhile.
    """
    values["applied_at"] = timezone.now()
    if copy is None:
        SyncedCopy.objects.bulk_create(
            [SyncedCopy(model_label=model_label, global_id=global_id, **values)],
            update_conflicts=True,
            unique_fields=["model_label", "global_id"],
            update_fields=_COPY_FIELDS,
        )
        return
    for name, value in values.items():
        setattr(copy, name, value)
    copy.save(update_fields=_COPY_FIELDS)


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
        copy = (
            SyncedCopy.objects.select_for_update().filter(model_label=spec.label, global_id=global_id).first()
        )
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
            _copy_store(
                copy,
                model_label=spec.label,
                global_id=global_id,
                origin_region=partner_region,
                version=max(version, copy.version if copy else 0),
                digest="",
                deleted=True,
            )
            quarantine_settle(
                model_label=spec.label, global_id=global_id, version=version, partner_region=partner_region
            )
            return result
        # Everything the partner says is checked before any of it is applied (ChangeRefused otherwise).
        cleaned: list[str] = []
        change = {
            **change,
            "payload": payload_clean(
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
            # This change's savepoint (the atomic block above) is rolled back with the error.
            _apply_upsert(spec=spec, change=change, partner=partner, local=local, copy=copy)
        except (DataError, IntegrityError, ValidationError, ValueError, TypeError, KeyError) as error:
            # Data the kinds let through but the database or the model would not take.
            logger.warning(
                "sync: %s %s from %s not applied", spec.label, global_id, partner_region, exc_info=True
            )
            raise ChangeRefused(
                "apply_failed", f"{spec.label}: {type(error).__name__}: {error}"[:500]
            ) from error
        quarantine_settle(
            model_label=spec.label, global_id=global_id, version=version, partner_region=partner_region
        )
        result.applied += 1
    return result
