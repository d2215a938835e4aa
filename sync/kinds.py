"""What a partner may send in each field, checked in one place before anything is applied.

The signature proves who is speaking, not that what they say is safe: every field a module
shares declares its kind in its ``SyncSpec``, and ``payload_clean`` checks (and, for HTML,
cleans) a partner's record field by field. A value outside its kind refuses the whole change
(``ChangeRefused``), which then waits in the quarantine with the reason.
"""

import base64
import binascii
import datetime
import json
import re
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import nh3

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models

from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.rich_text import features as feature_registry

from .errors import ChangeRefused

SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Wagtail's image file hash (sha1 of the file).
FILE_HASH = re.compile(r"^[0-9a-f]{40}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MIME = re.compile(
    r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}"
    r"(\s*;\s*[a-z0-9_-]{1,32}=\"?[a-z0-9._-]{1,64}\"?){0,4}$"
)
_SLUG = re.compile(r"^[-\w]+$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def max_file_bytes() -> int:
    return int(getattr(settings, "MATERIALS_MAX_UPLOAD_BYTES", 50 * 1024 * 1024))


def _refuse(reason: str, where: str, detail: str):
    raise ChangeRefused(reason, f"{where}: {detail}")


@dataclass(frozen=True)
class Context:
    sender: str  # the partner region the change came from
    where: str = ""  # model.field, for the reason
    # What was neutralised rather than refused (HTML cleaned), for the log.
    notes: list = field(default_factory=list)

    def at(self, name) -> "Context":
        return Context(
            sender=self.sender, where=f"{self.where}.{name}" if self.where else str(name), notes=self.notes
        )


class Kind:
    """A field's kind: ``clean(value, model_field, context)`` returns what may be stored or refuses."""

    def clean(self, value, model_field, context: Context):
        raise NotImplementedError


# ---- plain values -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text(Kind):
    """Plain text: stored as text and always escaped where shown."""

    def clean(self, value, model_field, context):
        if value is None and getattr(model_field, "null", False):
            return None
        if not isinstance(value, str):
            _refuse("bad_value", context.where, "text expected")
        if "\x00" in value:
            _refuse("bad_value", context.where, "NUL in text")
        value = _CONTROL.sub("", value)
        limit = getattr(model_field, "max_length", None)
        if limit and len(value) > limit:
            _refuse("bad_value", context.where, f"longer than {limit} characters")
        return value


@dataclass(frozen=True)
class Slug(Kind):
    def clean(self, value, model_field, context):
        value = Text().clean(value, model_field, context)
        if value and not _SLUG.match(value):
            _refuse("bad_value", context.where, "not a slug")
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
            _refuse("bad_value", context.where, f"{str(value)[:40]!r} is not one of its choices")
        return value


@dataclass(frozen=True)
class Boolean(Kind):
    def clean(self, value, model_field, context):
        if not isinstance(value, bool):
            _refuse("bad_value", context.where, "true or false expected")
        return value


@dataclass(frozen=True)
class Integer(Kind):
    """A whole number within the model field's range (and ``maximum``, e.g. a file's size)."""

    maximum: int | None = None

    def clean(self, value, model_field, context):
        if value is None and getattr(model_field, "null", False):
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            _refuse("bad_value", context.where, "a whole number expected")
        try:
            model_field.run_validators(value)
        except ValidationError:
            _refuse("bad_value", context.where, "out of range")
        if self.maximum is not None and value > self.maximum:
            _refuse("too_large", context.where, f"{value} exceeds {self.maximum}")
        return value


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
            _refuse("bad_value", context.where, "a value is required")
        if not isinstance(value, str) or len(value) > 40:
            _refuse("bad_value", context.where, "an ISO date or time expected")
        try:
            parsed = model_field.to_python(value)
        except ValidationError:
            parsed = None
        if not isinstance(parsed, datetime.date | datetime.time):
            _refuse("bad_value", context.where, "an ISO date or time expected")
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
            _refuse("bad_value", context.where, "a UUID expected")


@dataclass(frozen=True)
class Sha256(Kind):
    def clean(self, value, model_field, context):
        if not isinstance(value, str) or not SHA256.match(value):
            _refuse("bad_value", context.where, "a sha256 hex digest expected")
        return value


@dataclass(frozen=True)
class MimeType(Kind):
    def clean(self, value, model_field, context):
        if not isinstance(value, str) or len(value) > 128 or not _MIME.match(value.lower()):
            _refuse("bad_value", context.where, "a media type expected")
        return value


@dataclass(frozen=True)
class FileName(Kind):
    """A file name as offered to readers on download: no folders, no control characters."""

    def clean(self, value, model_field, context):
        value = Text().clean(value, model_field, context)
        if "/" in value or "\\" in value or value in (".", ".."):
            _refuse("bad_value", context.where, "a bare file name expected")
        return value


# ---- addresses ----------------------------------------------------------------------------------


def url_check(value: str, *, schemes: tuple[str, ...]) -> bool:
    """Whether ``value`` is an absolute address with one of ``schemes`` (browsers' leniency included)."""
    if not isinstance(value, str) or _CONTROL.search(value) or any(c.isspace() for c in value):
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
    from .signing import partner_for_region

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
            _refuse(
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
            _refuse("bad_value", context.where, "an object expected")
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
        from portal.models import Organisation as Model

        if not isinstance(code, str):
            _refuse("bad_value", context.where, "an organisation code expected")
        organisation = Model.objects.filter(code=code).first()
        if organisation is None:
            _refuse("unknown_organisation", context.where, f"no organisation {code[:40]!r}")
        if not self.either_region and organisation.region != context.sender:
            _refuse(
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
            _refuse("bad_value", context.where, "a topic [kind, name] expected")
        return [value[0], _CONTROL.sub("", value[1])]

    def clean(self, value, model_field, context):
        if value is None:
            return None
        if isinstance(model_field, models.ManyToManyField) or model_field is None:
            if not isinstance(value, list):
                _refuse("bad_value", context.where, "a list of topics expected")
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
            _refuse("bad_value", context.where, "a list of global ids expected")
        ids = [Uuid().clean(item, None, context) for item in ids]
        target = getattr(model_field, "related_model", None)
        checked = not self.either_region and target is not None and hasattr(target, "origin_region")
        foreign = checked and target.objects.filter(global_id__in=ids).exclude(origin_region=context.sender)
        if foreign and foreign.exists():
            _refuse("forged_reference", context.where, f"names a record that is not {context.sender}'s")
        return ids if isinstance(value, list) else ids[0]


# ---- HTML ---------------------------------------------------------------------------------------

# Which elements each of Wagtail's rich-text features brings, in the stored (database) format.
_FEATURE_TAGS = {
    **{f"h{n}": {f"h{n}"} for n in range(1, 7)},
    "bold": {"b", "strong"},
    "italic": {"i", "em"},
    "ol": {"ol", "li"},
    "ul": {"ul", "li"},
    "hr": {"hr"},
    "link": {"a"},
    "document-link": {"a"},
    "image": {"embed"},
    "embed": {"embed"},
    "code": {"code"},
    "superscript": {"sup"},
    "subscript": {"sub"},
    "strikethrough": {"s"},
    "blockquote": {"blockquote"},
}
_EMBED_TYPES = {"image": "image", "embed": "media"}
_EMBED = re.compile(r"<embed\b([^>]*?)\s*/?>")


def _features(features) -> list[str]:
    return list(features) if features is not None else list(feature_registry.get_default_features())


def rich_text_clean(html: str, *, features=None) -> str:
    """Rich text as the field's editor could have produced it: no script, handlers, style or frames.

    Images stay as references (``sync-image``) for sync to resolve; links are http(s) or mailto.
    """
    if not html:
        return html or ""
    enabled = _features(features)
    tags = {"p", "br"}.union(*(_FEATURE_TAGS.get(name, set()) for name in enabled))
    embed_types = {_EMBED_TYPES[name] for name in enabled if name in _EMBED_TYPES}

    def attribute(tag, name, value):
        if tag == "a" and name == "href":
            return value if url_check(value, schemes=("http", "https", "mailto")) else None
        if tag == "embed":
            if name == "embedtype":
                return value if value in embed_types else None
            if name == "url":
                return value if url_check(value, schemes=("http", "https")) else None
            if name in ("format", "sync-image"):
                return value if re.fullmatch(r"[A-Za-z0-9_=-]{1,4000}", value) else None
            return value  # alt: text
        return value

    cleaned = nh3.clean(
        html,
        tags=tags,
        attributes={"a": {"href"}, "embed": {"embedtype", "url", "format", "alt", "sync-image"}},
        url_schemes={"http", "https", "mailto"},
        attribute_filter=attribute,
        strip_comments=True,
        link_rel=None,
    )

    def embed(match) -> str:
        attrs = match.group(1)
        # Wagtail's stored format closes embeds ("/>"). An embed of no allowed type, or without
        # what it shows (a media address, an image reference), is dropped: it would not render.
        complete = ('embedtype="media"' in attrs and ' url="' in attrs) or (
            'embedtype="image"' in attrs and ' sync-image="' in attrs
        )
        return f"<embed{attrs}/>" if complete else ""

    return _EMBED.sub(embed, cleaned)


_MARKUP = re.compile(r"<\s*([a-zA-Z][\w-]*)|\s([a-zA-Z_:][\w:.-]*)\s*=")


def _markup(html: str) -> dict:
    counts: dict = {}
    for tag, attribute in _MARKUP.findall(html):
        key = tag.lower() or f"@{attribute.lower()}"
        counts[key] = counts.get(key, 0) + 1
    return counts


def _rich_text_noted(value, *, features, context: Context) -> str:
    cleaned = rich_text_clean(value, features=features)
    before, after = _markup(value), _markup(cleaned)
    removed = sorted(key for key, count in before.items() if after.get(key, 0) < count)
    if removed:
        context.notes.append(f"{context.where}: removed {', '.join(removed)[:200]}")
    return cleaned


@dataclass(frozen=True)
class RichText(Kind):
    """A RichTextField, cleaned against the features its editor allows."""

    def clean(self, value, model_field, context):
        if value in (None, ""):
            return value or ""
        if not isinstance(value, str):
            _refuse("bad_value", context.where, "HTML text expected")
        return _rich_text_noted(value, features=getattr(model_field, "features", None), context=context)


def image_reference_clean(reference, context: Context):
    """An image as sync sends it: its Wagtail file hash, sha256, size and title."""
    if reference is None:
        return None
    wanted = reference.get("_image") if isinstance(reference, dict) else None
    if not isinstance(wanted, dict):
        _refuse("bad_value", context.where, "an image reference expected")
    if not isinstance(wanted.get("hash"), str) or not FILE_HASH.match(wanted["hash"]):
        _refuse("bad_value", context.where, "an image file hash expected")
    if not isinstance(wanted.get("sha256"), str) or not SHA256.match(wanted["sha256"]):
        _refuse("bad_value", context.where, "an image sha256 expected")
    size = wanted.get("size")
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or not size > 0):
        _refuse("bad_value", context.where, "an image size expected")
    if size is not None and size > max_file_bytes():
        _refuse("too_large", context.where, f"image of {size} bytes")
    title = wanted.get("title") if isinstance(wanted.get("title"), str) else ""
    return {
        "_image": {"hash": wanted["hash"], "sha256": wanted["sha256"], "size": size, "title": title[:255]}
    }


def embedded_image_reference(encoded: str):
    """The image reference inside a rich-text embed's ``sync-image`` attribute."""
    try:
        return json.loads(base64.urlsafe_b64decode(encoded))
    except (ValueError, binascii.Error):
        return None


def _block_clean(block, raw, context: Context):
    if raw is None:
        return None
    if isinstance(block, ImageChooserBlock):
        return image_reference_clean(raw, context)
    if isinstance(block, blocks.RichTextBlock):
        if not isinstance(raw, str):
            _refuse("bad_value", context.where, "HTML text expected")
        return _rich_text_noted(raw, features=block.features, context=context)
    if isinstance(block, EmbedBlock | blocks.URLBlock):
        return Url().clean(raw, None, context)
    if isinstance(block, blocks.EmailBlock):
        if raw:
            try:
                validate_email(raw)
            except ValidationError:
                _refuse("bad_value", context.where, "an e-mail address expected")
        return raw
    if isinstance(block, blocks.RawHTMLBlock):
        _refuse("bad_value", context.where, "raw HTML is not accepted from a partner")
    if isinstance(block, blocks.StreamBlock):
        if not isinstance(raw, list):
            _refuse("bad_value", context.where, "a stream expected")
        cleaned = []
        for position, child in enumerate(raw):
            if not isinstance(child, dict) or child.get("type") not in block.child_blocks:
                _refuse("bad_value", context.where, f"block {position} is of no known type")
            item = {
                "type": child["type"],
                "value": _block_clean(
                    block.child_blocks[child["type"]], child.get("value"), context.at(child["type"])
                ),
            }
            if isinstance(child.get("id"), str) and _TOKEN.match(child["id"].replace("-", "_")):
                item["id"] = child["id"]
            cleaned.append(item)
        return cleaned
    if isinstance(block, blocks.StructBlock):
        if not isinstance(raw, dict):  # an ImageBlock saved by an older Wagtail: the bare reference
            raw = {"image": raw, "decorative": False, "alt_text": ""}
        return {
            name: _block_clean(block.child_blocks[name], value, context.at(name))
            for name, value in raw.items()
            if name in block.child_blocks
        }
    if isinstance(block, blocks.ListBlock):
        if not isinstance(raw, list):
            _refuse("bad_value", context.where, "a list expected")
        return [
            {**item, "value": _block_clean(block.child_block, item.get("value"), context)}
            if isinstance(item, dict) and item.get("type") == "item"
            else _block_clean(block.child_block, item, context)
            for item in raw
        ]
    # Other blocks (text, choices, numbers, dates) are values, escaped when rendered.
    if isinstance(raw, dict | list):
        _refuse("bad_value", context.where, "a plain value expected")
    if isinstance(raw, str):
        return _CONTROL.sub("", raw)
    return raw


@dataclass(frozen=True)
class Stream(Kind):
    """A StreamField: known blocks only, rich text cleaned per block, links and embeds http(s)."""

    def clean(self, value, model_field, context):
        if isinstance(value, str):  # as a region before image references sent it
            try:
                value = json.loads(value)
            except ValueError:
                _refuse("bad_value", context.where, "a stream expected")
        return _block_clean(model_field.stream_block, value or [], context)


# ---- the record ---------------------------------------------------------------------------------


def _model_field(model, name):
    return model._meta.get_field(name)


def _values_clean(model, kinds: dict, values, context: Context) -> dict:
    if not isinstance(values, dict):
        _refuse("bad_value", context.where, "an object expected")
    return {
        name: kind.clean(values[name], _model_field(model, name), context.at(name))
        for name, kind in kinds.items()
        if name in values
    }


def payload_clean(spec, payload, *, sender: str, global_id: str, notes: list | None = None) -> dict:
    """The partner's record checked field by field; ChangeRefused if anything is outside policy.

    What was neutralised instead (HTML cleaned) is added to ``notes``.
    """
    from portal.models import AccessLevel
    from portal.models import Organisation as OrganisationModel

    context = Context(sender=sender, where=spec.label, notes=notes if notes is not None else [])
    if not isinstance(payload, dict):
        _refuse("bad_value", spec.label, "no record")
    if str(payload.get("global_id")) != str(global_id):
        _refuse("bad_value", spec.label, "the record's global id is not the change's")
    if payload.get("origin_region") != sender:
        _refuse(
            "forged_origin",
            spec.label,
            f"origin region {str(payload.get('origin_region'))[:20]!r} is not {sender}",
        )
    code = payload.get("origin_organisation")
    organisation = OrganisationModel.objects.filter(code=code).first() if isinstance(code, str) else None
    if organisation is None:
        _refuse(
            "unknown_organisation", f"{spec.label}.origin_organisation", f"no organisation {str(code)[:40]!r}"
        )
    if organisation.region != sender:
        _refuse(
            "forged_origin", f"{spec.label}.origin_organisation", f"{code} is not an organisation of {sender}"
        )
    if payload.get("access_level") not in (AccessLevel.PUBLIC, AccessLevel.PARTNERS):
        _refuse("bad_value", f"{spec.label}.access_level", "not a shared access level")
    version = payload.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        _refuse("bad_value", f"{spec.label}.version", "a positive version expected")
    cleaned = {
        "global_id": str(global_id),
        "origin_region": sender,
        "origin_organisation": code,
        "version": version,
        "access_level": payload["access_level"],
        "fields": _values_clean(spec.model, spec.fields, payload.get("fields") or {}, context),
        "m2m": _values_clean(spec.model, spec.m2m, payload.get("m2m") or {}, context),
        "children": {},
    }
    children = payload.get("children") or {}
    if not isinstance(children, dict):
        _refuse("bad_value", spec.label, "children: an object expected")
    for child in spec.children:
        rows = children.get(child.related_name, [])
        if not isinstance(rows, list):
            _refuse("bad_value", f"{spec.label}.{child.related_name}", "a list expected")
        child_model = getattr(spec.model, child.related_name).rel.related_model
        child_context = context.at(child.related_name)
        cleaned_rows = []
        for row in rows:
            item = _values_clean(child_model, child.fields, row, child_context)
            if child.file_field:
                wanted = row.get("_file")
                if wanted is not None:
                    if not isinstance(wanted, dict):
                        _refuse("bad_value", child_context.where, "a file reference expected")
                    item["_file"] = {
                        "sha256": Sha256().clean(wanted.get("sha256"), None, child_context.at("sha256")),
                        "size": FileSize().clean(
                            wanted.get("size"), _model_field(child_model, "size"), child_context.at("size")
                        ),
                    }
                else:
                    item["_file"] = None
            cleaned_rows.append(item)
        cleaned["children"][child.related_name] = cleaned_rows
    return cleaned
