"""Kinds of HTML: rich text and streams, cleaned of what Wagtail's features would not make."""

import base64
import binascii
import json
import re
from dataclasses import dataclass

import nh3

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.rich_text import features as feature_registry

from .base import CONTROL_CHARS, FILE_HASH, SHA256, Context, Kind, max_file_bytes, refuse
from .values import Url, url_check

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


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
            refuse("bad_value", context.where, "HTML text expected")
        return _rich_text_noted(value, features=getattr(model_field, "features", None), context=context)


def image_reference_clean(reference, context: Context):
    """An image as sync sends it: its Wagtail file hash, sha256, size and title."""
    if reference is None:
        return None
    wanted = reference.get("_image") if isinstance(reference, dict) else None
    if not isinstance(wanted, dict):
        refuse("bad_value", context.where, "an image reference expected")
    if not isinstance(wanted.get("hash"), str) or not FILE_HASH.match(wanted["hash"]):
        refuse("bad_value", context.where, "an image file hash expected")
    if not isinstance(wanted.get("sha256"), str) or not SHA256.match(wanted["sha256"]):
        refuse("bad_value", context.where, "an image sha256 expected")
    size = wanted.get("size")
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or not size > 0):
        refuse("bad_value", context.where, "an image size expected")
    if size is not None and size > max_file_bytes():
        refuse("too_large", context.where, f"image of {size} bytes")
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
            refuse("bad_value", context.where, "HTML text expected")
        return _rich_text_noted(raw, features=block.features, context=context)
    if isinstance(block, EmbedBlock | blocks.URLBlock):
        return Url().clean(raw, None, context)
    if isinstance(block, blocks.EmailBlock):
        if raw:
            try:
                validate_email(raw)
            except ValidationError:
                refuse("bad_value", context.where, "an e-mail address expected")
        return raw
    if isinstance(block, blocks.RawHTMLBlock):
        refuse("bad_value", context.where, "raw HTML is not accepted from a partner")
    if isinstance(block, blocks.StreamBlock):
        if not isinstance(raw, list):
            refuse("bad_value", context.where, "a stream expected")
        cleaned = []
        for position, child in enumerate(raw):
            if not isinstance(child, dict) or child.get("type") not in block.child_blocks:
                refuse("bad_value", context.where, f"block {position} is of no known type")
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
            refuse("bad_value", context.where, "a list expected")
        return [
            {**item, "value": _block_clean(block.child_block, item.get("value"), context)}
            if isinstance(item, dict) and item.get("type") == "item"
            else _block_clean(block.child_block, item, context)
            for item in raw
        ]
    # Other blocks (text, choices, numbers, dates) are values, escaped when rendered.
    if isinstance(raw, dict | list):
        refuse("bad_value", context.where, "a plain value expected")
    if isinstance(raw, str):
        return CONTROL_CHARS.sub("", raw)
    return raw


@dataclass(frozen=True)
class Stream(Kind):
    """A StreamField: known blocks only, rich text cleaned per block, links and embeds http(s)."""

    def clean(self, value, model_field, context):
        if isinstance(value, str):  # as a region before image references sent it
            try:
                value = json.loads(value)
            except ValueError:
                refuse("bad_value", context.where, "a stream expected")
        return _block_clean(model_field.stream_block, value or [], context)

