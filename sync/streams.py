"""StreamField and rich text between regions: ids of images, pages and documents are local.

At the origin each image chosen in a stream or embedded in rich text becomes a reference
(Wagtail's file hash, sha256, title, file name); at the receiver the reference becomes the
local image with the same file hash, fetched from the origin and checked against its sha256
the first time. Links to the origin's pages and documents become links to their addresses there.

An image from a partner is kept only if it is what it claims to be: its size, sha256 and Wagtail
file hash match the reference, and Willow recognises it as JPEG, PNG, GIF or WebP. It is stored
under a name of ours with the extension of the type it was recognised as, never the partner's name.
"""

import base64
import hashlib
import html
import json
import re
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.files.images import ImageFile

from wagtail import blocks
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock
from wagtail.utils.file import hash_filelike

from .errors import ChangeRefused, FileCheckFailed
from .kinds.base import Context
from .kinds.html import embedded_image_reference, image_reference_clean

# While a partner's change is applied: fetch(path, sha256, size) -> a checked temporary file.
_fetcher: ContextVar = ContextVar("sync_image_fetcher", default=None)


@contextmanager
def fetching_from(fetch):
    token = _fetcher.set(fetch)
    try:
        yield
    finally:
        _fetcher.reset(token)


def _walk(block, raw, on_image, on_rich_text):
    if raw is None:
        return None
    if isinstance(block, ImageChooserBlock):
        return on_image(raw)
    if isinstance(block, blocks.RichTextBlock):
        return on_rich_text(raw)
    if isinstance(block, blocks.StreamBlock):
        return [
            {
                **child,
                "value": _walk(block.child_blocks[child["type"]], child.get("value"), on_image, on_rich_text),
            }
            if isinstance(child, dict) and child.get("type") in block.child_blocks
            else child
            for child in raw
        ]
    if isinstance(block, blocks.StructBlock):
        if not isinstance(raw, dict):  # an ImageBlock saved by an older Wagtail: the bare id
            raw = {"image": raw, "decorative": False, "alt_text": ""}
        return {
            name: _walk(block.child_blocks[name], value, on_image, on_rich_text)
            if name in block.child_blocks
            else value
            for name, value in raw.items()
        }
    if isinstance(block, blocks.ListBlock):
        return [
            {**item, "value": _walk(block.child_block, item.get("value"), on_image, on_rich_text)}
            if isinstance(item, dict) and item.get("type") == "item"
            else _walk(block.child_block, item, on_image, on_rich_text)
            for item in raw
        ]
    return raw


def _file_sha256(image) -> str:
    digest = hashlib.sha256()
    with image.open_file() as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _reference(image_id):
    image = get_image_model().objects.filter(pk=image_id).first()
    if image is None:
        return None
    return {
        "_image": {
            "hash": image.get_file_hash(),
            "sha256": _file_sha256(image),
            "size": image.file.size,
            "title": image.title,
        }
    }


# Willow's classes for the image types a partner may send, and the extension each is stored under.
_IMAGE_TYPES = {"jpeg": "jpg", "png": "png", "gif": "gif", "webp": "webp"}


def _image_sniffed(handle, wanted: dict) -> str:
    """The extension of the image type ``handle`` holds; FileCheckFailed if it is not an accepted one."""
    import willow

    from django.conf import settings

    handle.seek(0)
    if hash_filelike(handle) != wanted["hash"]:
        raise FileCheckFailed("file_hash_mismatch", f"image {wanted['hash']}: Wagtail's file hash differs")
    handle.seek(0)
    try:
        image = willow.Image.open(handle)
        format_name = getattr(image, "format_name", None)
        width, height = image.get_size() if format_name in _IMAGE_TYPES else (0, 0)
    except Exception as error:  # noqa: BLE001 - Willow and Pillow raise many kinds on a bad file
        raise FileCheckFailed(
            "image_type", f"image {wanted['hash']}: not a readable image ({error})"
        ) from None
    if format_name not in _IMAGE_TYPES:
        raise FileCheckFailed(
            "image_type", f"image {wanted['hash']}: {format_name or 'unknown'} is not accepted"
        )
    limit = getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", 128_000_000)
    if width * height > limit:
        raise FileCheckFailed("too_large", f"image {wanted['hash']}: {width}x{height} pixels")
    handle.seek(0)
    return _IMAGE_TYPES[format_name]


def _local_image_id(reference):
    if reference is None:
        return None
    wanted = image_reference_clean(reference, Context(sender="", where="image"))["_image"]
    image_model = get_image_model()
    local = image_model.objects.filter(file_hash=wanted["hash"]).first()
    if local is not None:
        return local.pk
    fetch = _fetcher.get()
    if fetch is None:
        return None
    handle = fetch(f"/sync/images/{wanted['hash']}", wanted["sha256"], wanted.get("size"))
    try:
        extension = _image_sniffed(handle, wanted)
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(0)
        image = image_model(title=wanted["title"] or wanted["hash"], file_size=size)
        image.file = ImageFile(handle, name=f"sync-{wanted['sha256'][:32]}.{extension}")
        image.save()
    finally:
        handle.close()
    image.get_file_hash()  # stored, so the next reference to the same content finds this image
    return image.pk


def stream_for_partner(field, value) -> list:
    """The stream as raw JSON with each image replaced by a reference to its content."""
    return _walk(field.stream_block, list(value.raw_data), _reference, rich_text_for_partner)


def stream_from_partner(field, raw) -> list:
    """The partner's stream with each image reference replaced by the local image's id."""
    if isinstance(raw, str):  # as a region before image references sent it
        raw = json.loads(raw)
    return _walk(field.stream_block, raw or [], _local_image_id, rich_text_from_partner)


def image_for_partner(file_hash: str):
    """The image a partner asks for by its file hash (images are public media at the origin)."""
    return get_image_model().objects.filter(file_hash=file_hash).first()


# Wagtail's stored rich text names images, pages and documents by local id.
_IMAGE_EMBED = re.compile(r'<embed\b[^>]*\bembedtype="image"[^>]*>')
_LOCAL_LINK = re.compile(r'<a\b[^>]*\blinktype="(page|document)"[^>]*>')
_ID = re.compile(r'\sid="(\d+)"')
_SYNC_IMAGE = re.compile(r'\ssync-image="([A-Za-z0-9_=-]+)"')


def _link_for_partner(match) -> str:
    found = _ID.search(match.group(0))
    url = None
    if found and match.group(1) == "page":
        from wagtail.models import Page

        page = Page.objects.filter(pk=found.group(1)).first()
        url = page.full_url if page is not None else None
    elif found:
        from django.conf import settings

        from wagtail.documents import get_document_model

        document = get_document_model().objects.filter(pk=found.group(1)).first()
        url = f"{settings.WAGTAILADMIN_BASE_URL}{document.url}" if document is not None else None
    return f'<a href="{html.escape(url)}">' if url else "<a>"


def _embed_for_partner(match) -> str:
    found = _ID.search(match.group(0))
    reference = _reference(int(found.group(1))) if found else None
    if reference is None:
        return ""
    encoded = base64.urlsafe_b64encode(json.dumps(reference).encode()).decode()
    return _ID.sub(f' sync-image="{encoded}"', match.group(0), count=1)


def _embed_from_partner(match) -> str:
    found = _SYNC_IMAGE.search(match.group(0))
    reference = embedded_image_reference(found.group(1)) if found else None
    if found and reference is None:
        raise ChangeRefused("bad_value", "rich text: an image reference that cannot be read")
    local = _local_image_id(reference) if reference is not None else None
    if local is None:
        return ""
    return _SYNC_IMAGE.sub(f' id="{local}"', match.group(0), count=1)


def rich_text_for_partner(text: str) -> str:
    """Images as references to their content; links to pages and documents as the origin's addresses."""
    if not text:
        return text
    return _LOCAL_LINK.sub(_link_for_partner, _IMAGE_EMBED.sub(_embed_for_partner, text))


def rich_text_from_partner(text: str) -> str:
    return _IMAGE_EMBED.sub(_embed_from_partner, text) if text else text
