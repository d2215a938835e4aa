"""Kinds of plain values, addresses and references to organisations, topics and records."""

import datetime
import decimal
import re
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models

from .base import CONTROL_CHARS, SHA256, Kind, max_file_bytes, refuse

_MIME = re.compile(
    r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}"
    r"(\s*;\s*[a-z0-9_-]{1,32}=\"?[a-z0-9._-]{1,64}\"?){0,4}$"
)
_SLUG = re.compile(r"^[-\w]+$")


# ---- plain values -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text(Kind):
    """Plain text: stored as text and always escaped where shown."""

    def clean(self, value, model_field, context):
        if value is None and getattr(model_field, "null", False):
            return None
        if not isinstance(value, str):
            refuse("bad_value", context.where, "text expected")
        if "\x00" in value:
            refuse("bad_value", context.where, "NUL in text")
        value = CONTROL_CHARS.sub("", value)
        limit = getattr(model_field, "max_length", None)
        if limit and len(value) > limit:
            refuse("bad_value", context.where, f"longer than {limit} characters")
        return value


@dataclass(frozen=True)
class Slug(Kind):
    def clean(self, value, model_field, context):
        value = Text().clean(value, model_field, context)
        if value and not _SLUG.match(value):
            refuse("bad_value", context.where, "not a slug")
        return value


@dataclass(frozen=True)
class Choice(Kind):
    def clean(self, value, model_field, context):
        if value in (None, "") and (
            getattr(model_field, "blank", False) or getattr(model_field, "null", False)
        ):
            return value
        allowed = {str(key) for key, _label in model_field.flatchoices}
        if not isinstance(value, str | int) or str(value) not in allowed:
            refuse("bad_value", context.where, f"{str(value)[:40]!r} is not one of its choices")
        return value


@dataclass(frozen=True)
class Boolean(Kind):
    def clean(self, value, model_field, context):
        if not isinstance(value, bool):
            refuse("bad_value", context.where, "true or false expected")
        return value


@dataclass(frozen=True)
class Integer(Kind):
    """A whole number within the model field's range (and ``maximum``, e.g. a file's size)."""

    maximum: int | None = None

    def clean(self, value, model_field, context):
        if value is None and getattr(model_field, "null", False):
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            refuse("bad_value", context.where, "a whole number expected")
        try:
            model_field.run_validators(value)
        except ValidationError:
            refuse("bad_value", context.where, "out of range")
        if self.maximum is not None and value > self.maximum:
            refuse("too_large", context.where, f"{value} exceeds {self.maximum}")
        return value


@dataclass(frozen=True)
class Decimal(Kind):
    """A decimal number (coordinates, amounts) within the model field's digits, places and range.

    Sent as text ("29.563", "1E+2": see registry.field_value) or a JSON number; never NaN or infinite.
    """

    def clean(self, value, model_field, context):
        if value is None and getattr(model_field, "null", False):
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float) or len(str(value)) > 40:
            refuse("bad_value", context.where, "a decimal number expected")
        try:
            number = decimal.Decimal(str(value).strip())
        except decimal.InvalidOperation:
            refuse("bad_value", context.where, "a decimal number expected")
        if not number.is_finite():
            refuse("bad_value", context.where, "a finite number expected")
        try:
            model_field.run_validators(number)
        except ValidationError:
            refuse("bad_value", context.where, f"{str(value)[:40]!r} is out of range")
        return str(number)


@dataclass(frozen=True)
class FileSize(Kind):
    """A file's declared size: never more than MATERIALS_MAX_UPLOAD_BYTES."""

    def clean(self, value, model_field, context):
        return Integer(maximum=max_file_bytes()).clean(value, model_field, context)


@dataclass(frozen=True)
class Temporal(Kind):
    """A date, time or datetime in ISO form, parsed by the model field."""

    def clean(self, value, model_field, context):
        if value is None:
            if getattr(model_field, "null", False):
                return None
            refuse("bad_value", context.where, "a value is required")
        if not isinstance(value, str) or len(value) > 40:
            refuse("bad_value", context.where, "an ISO date or time expected")
        try:
            parsed = model_field.to_python(value)
        except ValidationError:
            parsed = None
        if not isinstance(parsed, datetime.date | datetime.time):
            refuse("bad_value", context.where, "an ISO date or time expected")
        return value


Date = DateTime = Temporal


@dataclass(frozen=True)
class Uuid(Kind):
    def clean(self, value, model_field, context):
        if value is None and getattr(model_field, "null", True):
            return None
        try:
            return str(uuid.UUID(str(value)))
        except ValueError:
            refuse("bad_value", context.where, "a UUID expected")


@dataclass(frozen=True)
class Sha256(Kind):
    def clean(self, value, model_field, context):
        if not isinstance(value, str) or not SHA256.match(value):
            refuse("bad_value", context.where, "a sha256 hex digest expected")
        return value


@dataclass(frozen=True)
class MimeType(Kind):
    def clean(self, value, model_field, context):
        if not isinstance(value, str) or len(value) > 128 or not _MIME.match(value.lower()):
            refuse("bad_value", context.where, "a media type expected")
        return value


@dataclass(frozen=True)
class FileName(Kind):
    """A file name as offered to readers on download: no folders, no control characters."""

    def clean(self, value, model_field, context):
        value = Text().clean(value, model_field, context)
        if "/" in value or "\\" in value or value in (".", ".."):
            refuse("bad_value", context.where, "a bare file name expected")
        return value


# ---- addresses ----------------------------------------------------------------------------------


def url_check(value: str, *, schemes: tuple[str, ...]) -> bool:
    """Whether ``value`` is an absolute address with one of ``schemes`` (browsers' leniency included)."""
    if not isinstance(value, str) or CONTROL_CHARS.search(value) or any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    if parts.scheme.lower() not in schemes:
        return False
    if parts.scheme.lower() == "mailto":
        try:
            validate_email(parts.path)
        except ValidationError:
            return False
        return True
    return bool(parts.netloc) and "\\" not in value


def _partner_public_url(region: str) -> str | None:
    from ..signing import partner_for_region

    partner = partner_for_region(region)
    return partner.public_url if partner is not None else None


@dataclass(frozen=True)
class Url(Kind):
    """An address shown as a link: http or https only (mailto where the field is an e-mail address).

    ``site_paths``: the field may hold a path on the sender's site ("/about/"), which becomes
    that path on the partner's public address.
    """

    schemes: tuple[str, ...] = ("http", "https")
    site_paths: bool = False

    def clean(self, value, model_field, context):
        if value in (None, ""):
            return value
        limit = getattr(model_field, "max_length", None) or 2000
        if (
            self.site_paths
            and isinstance(value, str)
            and value.startswith("/")
            and not value.startswith("//")
            and "\\" not in value
            and _partner_public_url(context.sender)
        ):
            value = _partner_public_url(context.sender) + value
        if not url_check(value, schemes=self.schemes) or len(value) > limit:
            refuse(
                "bad_url", context.where, f"{str(value)[:60]!r} is not an {'/'.join(self.schemes)} address"
            )
        return value


Email = Url(schemes=("http", "https", "mailto"))


@dataclass(frozen=True)
class PartnerUrl(Kind):
    """An address on the partner's own site: kept as its path on the partner's public address."""

    def clean(self, value, model_field, context):
        if value in (None, ""):
            return value
        Url().clean(value, model_field, context)
        if _partner_public_url(context.sender) is None:
            return value  # applied outside a pull (no partner configured): checked, kept as sent
        public = urlsplit(_partner_public_url(context.sender))
        parts = urlsplit(value)
        path = public.path.rstrip("/") + (parts.path or "/")
        return urlunsplit((public.scheme, public.netloc, path, parts.query, ""))


@dataclass(frozen=True)
class Struct(Kind):
    """A JSON object with declared keys only; others are dropped."""

    keys: dict = field(default_factory=dict)

    def clean(self, value, model_field, context):
        if value in (None, ""):
            return {}
        if not isinstance(value, dict):
            refuse("bad_value", context.where, "an object expected")
        return {
            name: kind.clean(value[name], None, context.at(name))
            for name, kind in self.keys.items()
            if name in value
        }


# ---- references to organisations, topics and records ----------------------------------------------


@dataclass(frozen=True)
class Organisation(Kind):
    """An organisation by code. ``either_region``: the module allows naming ours (co-hosts, invitees);
    otherwise it must be one of the sender's."""

    either_region: bool = False

    def _one(self, code, context):
        from ..context import organisation_by_code

        if not isinstance(code, str):
            refuse("bad_value", context.where, "an organisation code expected")
        organisation = organisation_by_code(code)
        if organisation is None:
            refuse("unknown_organisation", context.where, f"no organisation {code[:40]!r}")
        if not self.either_region and organisation.region != context.sender:
            refuse(
                "forged_organisation", context.where, f"{code} is not an organisation of {context.sender}"
            )
        return code

    def clean(self, value, model_field, context):
        if value is None:
            return None
        if isinstance(value, list):
            return [self._one(code, context) for code in value]
        return self._one(value, context)


@dataclass(frozen=True)
class Topic(Kind):
    def _one(self, value, context):
        from portal.models import Topic as Model

        if (
            not isinstance(value, list)
            or len(value) != 2
            or value[0] not in Model.Kind.values
            or not isinstance(value[1], str)
            or not 0 < len(value[1]) <= Model._meta.get_field("name").max_length
        ):
            refuse("bad_value", context.where, "a topic [kind, name] expected")
        return [value[0], CONTROL_CHARS.sub("", value[1])]

    def clean(self, value, model_field, context):
        if value is None:
            return None
        if isinstance(model_field, models.ManyToManyField) or model_field is None:
            if not isinstance(value, list):
                refuse("bad_value", context.where, "a list of topics expected")
            return [self._one(item, context) for item in value]
        return self._one(value, context)


@dataclass(frozen=True)
class Record(Kind):
    """Another shared record, by global id (one, or a list for a many-to-many).

    ``either_region``: the module allows pointing at our records (a partner's page relating to one
    of our stories); otherwise a record named here must be one of the sender's.
    """

    either_region: bool = False

    def clean(self, value, model_field, context):
        if value is None:
            return None
        ids = value if isinstance(value, list) else [value]
        if not isinstance(ids, list) or len(ids) > 1000:
            refuse("bad_value", context.where, "a list of global ids expected")
        ids = [Uuid().clean(item, None, context) for item in ids]
        target = getattr(model_field, "related_model", None)
        checked = not self.either_region and target is not None and hasattr(target, "origin_region")
        foreign = checked and target.objects.filter(global_id__in=ids).exclude(origin_region=context.sender)
        if foreign and foreign.exists():
            refuse("forged_reference", context.where, f"names a record that is not {context.sender}'s")
        return ids if isinstance(value, list) else ids[0]
