"""What each module shares with the partner region, and how it travels.

A module declares its shareable models in ``<module>/sync.py`` with
``register(SyncSpec(...))``, which its AppConfig imports from ready(); sync connects each
spec's signal handlers as it is registered, whatever the order of INSTALLED_APPS. The spec
says which fields, many-to-many relations and child rows make up the record,
each with its kind (``sync.kinds``): what a partner may send in it. Serialising,
checking and applying are generic, so a module joins by declaring only.
"""

import datetime
import decimal
import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone

from wagtail.fields import RichTextField, StreamField

from portal.models import Organisation, Topic

from . import streams
from .context import organisation_by_code
from .kinds import Kind


@dataclass(frozen=True)
class ChildSpec:
    """Rows that travel inside their parent (milestones, file versions, exceptions)."""

    related_name: str
    parent_field: str
    key: tuple[str, ...]
    # Each field with its kind: {"title": kinds.Text(), "url": kinds.Url(), ...}.
    fields: Mapping[str, Kind]
    # A FileField among the child's fields: travels as sha256 + size, fetched on arrival.
    file_field: str | None = None


@dataclass(frozen=True)
class SyncSpec:
    model: type[models.Model]
    # Each field with its kind: {"title": kinds.Text(), "body": kinds.Stream(), ...}.
    fields: Mapping[str, Kind]
    m2m: Mapping[str, Kind] = field(default_factory=dict)
    children: tuple[ChildSpec, ...] = ()
    # Extra rows whose change re-announces the parent: (model, attribute naming the parent).
    dependants: tuple[tuple[type[models.Model], str], ...] = field(default=())
    # Beyond "not internal": e.g. ``lambda page: page.live`` (an unpublished page is withdrawn).
    is_shared: Callable[[models.Model], bool] | None = None
    # A new replica that cannot simply be constructed (a Wagtail page needs its parent):
    # ``create(payload) -> instance``, placed and saved; the generic apply then fills it in.
    create: Callable[[dict], models.Model] | None = None
    # Run on the replica once a change is applied (e.g. a page's view restriction).
    applied: Callable[[models.Model], None] | None = None

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def child(self, related_name: str) -> ChildSpec:
        return next(c for c in self.children if c.related_name == related_name)

    def shares(self, instance) -> bool:
        """Whether this region's record goes to the partner (otherwise it is withdrawn there)."""
        if instance.access_level == "internal":
            return False
        return self.is_shared(instance) if self.is_shared else True


@dataclass(frozen=True)
class Command:
    """A request owned by the region that receives it.

    ``handle(payload, from_region) -> reply`` runs at the owner and must be
    idempotent (the sender retries until it has a reply); ``on_reply(payload,
    reply)`` runs at the sender in the transaction that marks it delivered.
    """

    name: str
    handle: Callable[[dict, str], dict]
    on_reply: Callable[[dict, dict], None] | None = None


_specs: dict[str, SyncSpec] = {}
_commands: dict[str, Command] = {}
_watchers: list[Callable[[SyncSpec], None]] = []


def kinds_missing(spec: SyncSpec) -> list[str]:
    """The fields of a spec that declare no kind (sync would not know what to accept in them)."""
    missing = []
    groups = [(spec.label, spec.fields), (spec.label, spec.m2m)] + [
        (f"{spec.label}.{child.related_name}", child.fields) for child in spec.children
    ]
    for where, declared in groups:
        if not isinstance(declared, Mapping):
            missing += [f"{where}.{name}" for name in declared]
            continue
        missing += [f"{where}.{name}" for name, kind in declared.items() if not isinstance(kind, Kind)]
    return missing


def register(spec: SyncSpec) -> SyncSpec:
    if missing := kinds_missing(spec):
        raise ImproperlyConfigured(f"sync: no kind declared for {', '.join(missing)}")
    _specs[spec.label] = spec
    for watcher in _watchers:
        watcher(spec)
    return spec


def specs_watch(watcher: Callable[[SyncSpec], None]) -> None:
    """Call ``watcher`` with every spec registered so far and with each one registered later."""
    _watchers.append(watcher)
    for spec in specs():
        watcher(spec)


def register_command(
    name: str, handle: Callable[[dict, str], dict], *, on_reply: Callable[[dict, dict], None] | None = None
) -> None:
    _commands[name] = Command(name=name, handle=handle, on_reply=on_reply)


def command(name: str) -> Command | None:
    return _commands.get(name)


def specs() -> list[SyncSpec]:
    return list(_specs.values())


def spec_for_label(label: str) -> SyncSpec | None:
    return _specs.get(label)


def spec_for_model(model) -> SyncSpec | None:
    return _specs.get(model._meta.label_lower)


# ---- serialising -------------------------------------------------------------------------------


def field_value(instance, name: str, *, for_partner: bool = True):
    """A field's value as the partner receives it (``for_partner=False``: images and links as local ids)."""
    model_field = instance._meta.get_field(name)
    if isinstance(model_field, models.ForeignKey):
        related = getattr(instance, name)
        if related is None:
            return None
        if isinstance(related, Organisation):
            return related.code
        if isinstance(related, Topic):
            return [related.kind, related.name]
        return str(getattr(related, "global_id", related.pk))
    if isinstance(model_field, models.FileField):
        return None  # files travel as sha256; see _child_payload
    if isinstance(model_field, StreamField):
        value = getattr(instance, name)
        return streams.stream_for_partner(model_field, value) if for_partner else list(value.raw_data)
    if isinstance(model_field, RichTextField):
        value = getattr(instance, name)
        return streams.rich_text_for_partner(value) if for_partner else value
    value = model_field.value_from_object(instance)
    if value is None:
        return None
    # Compare values, not their text: a field set from a string, or a datetime in another
    # zone, reads back from the database as the same value.
    value = model_field.to_python(value)
    if isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value.normalize())
    if isinstance(value, uuid.UUID):
        return str(value)
    return model_field.value_to_string(instance)


def _m2m_value(instance, name: str, related=None) -> list:
    related = getattr(instance, name).all() if related is None else related
    target = instance._meta.get_field(name).related_model
    if target is Organisation:
        return sorted(o.code for o in related)
    if target is Topic:
        return sorted([t.kind, t.name] for t in related)
    return sorted(str(getattr(r, "global_id", r.pk)) for r in related)


def serialise(
    spec: SyncSpec, instance, *, for_partner: bool = True, related: Mapping[str, list] | None = None
) -> dict:
    """The record as the partner receives it; no user accounts, no internal children.

    ``for_partner=False`` keeps images and links as local ids (see local_digest). ``related``:
    the rows of some m2m or child relations as just written, so they are not read back.
    """
    related = related or {}
    payload = {
        "global_id": str(instance.global_id),
        "origin_region": instance.origin_region,
        "origin_organisation": instance.origin_organisation.code,
        "version": instance.version,
        "access_level": instance.access_level,
        "fields": {name: field_value(instance, name, for_partner=for_partner) for name in spec.fields},
        "m2m": {name: _m2m_value(instance, name, related.get(name)) for name in spec.m2m},
        "children": {},
    }
    for child in spec.children:
        rows = []
        written = related.get(child.related_name)
        for row in getattr(instance, child.related_name).all() if written is None else written:
            item = {name: field_value(row, name) for name in child.fields}
            if child.file_field:
                stored = getattr(row, child.file_field)
                item["_file"] = {"sha256": row.sha256, "size": row.size} if stored else None
            rows.append(item)
        # By key, then whole row: rows sharing a key sort alike however they were read.
        rows.sort(
            key=lambda item: json.dumps([[item.get(k) for k in child.key], item], sort_keys=True, default=str)
        )
        payload["children"][child.related_name] = rows
    return payload


def _foreign_keys(model, names) -> list[str]:
    return [name for name in names if isinstance(model._meta.get_field(name), models.ForeignKey)]


def serialisable(spec: SyncSpec) -> models.QuerySet:
    """The spec's records with what serialise reads of them loaded per query, not per record."""
    children = []
    for child in spec.children:
        child_model = spec.model._meta.get_field(child.related_name).related_model
        rows = child_model.objects.select_related(*_foreign_keys(child_model, child.fields))
        children.append(models.Prefetch(child.related_name, queryset=rows))
    return spec.model.objects.select_related(
        "origin_organisation", *_foreign_keys(spec.model, spec.fields)
    ).prefetch_related(*spec.m2m, *children)


def file_digests(spec: SyncSpec, instance) -> list[str]:
    """The sha256 of every stored file the record carries, sorted (manifests compare them)."""
    return sorted(
        row.sha256
        for child in spec.children
        if child.file_field
        for row in getattr(instance, child.related_name).all()
        if getattr(row, child.file_field)
    )


def digest(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def local_digest(spec: SyncSpec, instance, *, related: Mapping[str, list] | None = None) -> str:
    """A replica's state as sync left it, to notice a local change: no image files read, no links resolved."""
    return digest(serialise(spec, instance, for_partner=False, related=related))


# ---- applying ----------------------------------------------------------------------------------


def _python(model_field, value):
    if isinstance(model_field, models.ForeignKey):
        if value is None:
            return None
        target = model_field.related_model
        if target is Organisation:
            return organisation_by_code(value)  # checked by its kind (sync.kinds.values.Organisation)
        if target is Topic:
            from portal.services import topic_get_or_create

            return topic_get_or_create(kind=value[0], name=value[1])
        return target.objects.filter(global_id=value).first()
    if value is None:
        return None
    return model_field.to_python(value)


def assign(instance, names, values: dict) -> None:
    for name in names:
        if name not in values:
            continue
        model_field = instance._meta.get_field(name)
        if isinstance(model_field, models.FileField):
            continue
        if isinstance(model_field, StreamField):
            setattr(instance, name, streams.stream_from_partner(model_field, values[name]))
            continue
        if isinstance(model_field, RichTextField):
            setattr(instance, name, streams.rich_text_from_partner(values[name]))
            continue
        setattr(instance, name, _python(model_field, values[name]))


def m2m_objects(model, name: str, values: list) -> list:
    target = model._meta.get_field(name).related_model
    if target is Organisation:
        return list(Organisation.objects.filter(code__in=values))
    if target is Topic:
        from portal.services import topic_get_or_create

        return [topic_get_or_create(kind=kind, name=label) for kind, label in values]
    return list(target.objects.filter(global_id__in=values))
