"""Log each change of a shared record in its transaction; refuse local edits of replicas."""

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from . import registry
from .context import applying
from .models import ChangeLog, SyncedCopy
from .services.feed import log_change, log_change_again


class ReplicaReadOnly(Exception):
    """A record copied from the partner region is changed only by its origin."""


def _before_save(sender, instance, raw=False, **kwargs):
    if raw or applying() or registry.spec_for_model(sender) is None or instance.pk is None:
        return
    if instance.origin_region == settings.PORTAL_REGION:
        return  # a local record's version follows portal.records.Versioned's one rule
    # Seeded copies are not guarded until sync has adopted them; a save that changes
    # nothing the partner sent (seed_demo run again) is let through.
    copy = SyncedCopy.objects.filter(
        model_label=sender._meta.label_lower, global_id=instance.global_id, deleted=False
    ).first()
    spec = registry.spec_for_model(sender)
    if copy is not None and registry.local_digest(spec, instance) != copy.digest:
        raise ReplicaReadOnly(
            f"{sender._meta.label} {instance.global_id} is a copy from {instance.origin_region}; "
            "edit it at its origin"
        )


def _saved(sender, instance, raw=False, **kwargs):
    if not raw:
        log_change(instance)


def _deleted(sender, instance, **kwargs):
    log_change(instance, op=ChangeLog.Op.DELETE)


def _dependant_changed(attribute):
    def handler(sender, instance, raw=False, **kwargs):
        if raw or applying():
            return  # a partner's change being applied is not logged: no parent to read
        try:
            parent = getattr(instance, attribute)
        except Exception:  # noqa: BLE001 - the parent is being deleted too
            return
        if parent is not None and parent.pk is not None and not log_change_again(parent):
            # Re-read: the parent's version may have been bumped by a queryset update.
            current = type(parent).objects.filter(pk=parent.pk).first()
            if current is not None:
                log_change(current)

    return handler


def _m2m_changed(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        log_change(instance)


_handlers = []


def connect() -> None:
    registry.specs_watch(_spec_connect)


def _spec_connect(spec) -> None:
    """The handlers of one shared model: a spec registered after sync's ready() is connected too."""
    uid = spec.label
    pre_save.connect(_before_save, sender=spec.model, dispatch_uid=f"sync_guard_{uid}")
    post_save.connect(_saved, sender=spec.model, dispatch_uid=f"sync_saved_{uid}")
    post_delete.connect(_deleted, sender=spec.model, dispatch_uid=f"sync_deleted_{uid}")
    for name in spec.m2m:
        through = spec.model._meta.get_field(name).remote_field.through
        m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"sync_m2m_{uid}_{name}")
    dependants = list(spec.dependants) + [
        (spec.model._meta.get_field(child.related_name).related_model, child.parent_field)
        for child in spec.children
    ]
    for model, attribute in dependants:
        handler = _dependant_changed(attribute)
        _handlers.append(handler)  # signals hold weak references
        key = f"sync_dep_{uid}_{model._meta.label_lower}"
        post_save.connect(handler, sender=model, dispatch_uid=key)
        post_delete.connect(handler, sender=model, dispatch_uid=key + "_del")
