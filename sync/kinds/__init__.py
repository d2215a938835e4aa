"""What a partner may send in each field, checked in one place before anything is applied.

The signature proves who is speaking, not that what they say is safe: every field a module
shares declares its kind in its ``SyncSpec`` (``from sync import kinds``; ``kinds.Text()``), and
``kinds.payload.payload_clean`` checks (and, for HTML, cleans) a partner's record field by field.
A value outside its kind refuses the whole change (``ChangeRefused``), which then waits in the
quarantine with the reason.

This package's namespace is the vocabulary the modules declare with; the checks live in
``base`` (the shared context), ``values``, ``html`` and ``payload``.
"""

from .base import Kind
from .html import RichText, Stream
from .values import (
    Boolean,
    Choice,
    Date,
    DateTime,
    Decimal,
    Email,
    FileName,
    FileSize,
    Integer,
    MimeType,
    Organisation,
    PartnerUrl,
    Record,
    Sha256,
    Slug,
    Struct,
    Text,
    Topic,
    Url,
    Uuid,
)

__all__ = [
    "Boolean",
    "Choice",
    "Date",
    "DateTime",
    "Decimal",
    "Email",
    "FileName",
    "FileSize",
    "Integer",
    "Kind",
    "MimeType",
    "Organisation",
    "PartnerUrl",
    "Record",
    "RichText",
    "Sha256",
    "Slug",
    "Stream",
    "Struct",
    "Text",
    "Topic",
    "Url",
    "Uuid",
]
