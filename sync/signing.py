"""Signed region-to-region requests, after the Standard Webhooks spec.

Headers: ``webhook-id``, ``webhook-timestamp`` (unix seconds), ``webhook-signature``
(``v1,<base64 HMAC-SHA256>`` over ``id.timestamp.content``) and ``webhook-key-id``
naming the shared key. The content is the request body; a GET has no body, so
its content is the path with the query string (the feed position cannot be
changed without breaking the signature).
"""

import base64
import hashlib
import hmac
import logging
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

logger = logging.getLogger("sync.signing")

TOLERANCE_SECONDS = 300


@dataclass
class SignatureError(Exception):
    status: int
    code: str
    message: str

    def __str__(self):
        return f"{self.code}: {self.message}"


def _secret_bytes(secret: str) -> bytes:
    if secret.startswith("whsec_"):
        return base64.b64decode(secret.removeprefix("whsec_"))
    return secret.encode()


def signature(*, secret: str, message_id: str, timestamp: int, content: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + content
    digest = hmac.new(_secret_bytes(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def sign_headers(*, partner, content: bytes, message_id: str | None = None, timestamp: int | None = None):
    message_id = message_id or f"msg_{uuid.uuid4().hex}"
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-key-id": partner.key_id,
        "webhook-signature": signature(
            secret=partner.secret, message_id=message_id, timestamp=timestamp, content=content
        ),
        "webhook-origin-region": settings.PORTAL_REGION,
    }


def partner_for_key(key_id: str):
    return next((p for p in settings.PORTAL_PARTNERS if p.key_id == key_id), None)


def partner_for_region(region: str):
    return next((p for p in settings.PORTAL_PARTNERS if p.region == region), None)


def request_content(request) -> bytes:
    return request.body if request.method in ("POST", "PUT", "PATCH") else request.get_full_path().encode()


def verify(request, *, now: float | None = None):
    """The partner that signed the request; SignatureError (logged and counted) otherwise."""
    headers = request.headers
    key_id = headers.get("webhook-key-id", "")
    try:
        return _verify(headers, key_id, request_content(request), now)
    except SignatureError as error:
        from .services.refusals import refused_request_record  # models: signing itself needs no app registry

        logger.warning(
            "sync: refused %s %s from %s (key %r): %s",
            request.method,
            request.path,
            request.META.get("REMOTE_ADDR", ""),
            key_id,
            error,
        )
        refused_request_record(
            source=request.META.get("REMOTE_ADDR", "")[:64],
            reason=error.code,
            path=request.path,
            key_id=key_id,
        )
        raise


def _verify(headers, key_id: str, content: bytes, now: float | None):
    from .models import SeenRequest

    message_id = headers.get("webhook-id", "")
    stamp = headers.get("webhook-timestamp", "")
    sent = headers.get("webhook-signature", "")
    if not (message_id and stamp and sent and key_id):
        raise SignatureError(401, "unsigned", "request is not signed (webhook-* headers missing)")
    partner = partner_for_key(key_id)
    if partner is None:
        raise SignatureError(401, "unknown_key", f"unknown key id {key_id!r}")
    try:
        timestamp = int(stamp)
    except ValueError:
        raise SignatureError(401, "bad_timestamp", "webhook-timestamp is not a number") from None
    now = time.time() if now is None else now
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        raise SignatureError(401, "stale_timestamp", f"timestamp is {int(now - timestamp)} s away from now")
    expected = signature(secret=partner.secret, message_id=message_id, timestamp=timestamp, content=content)
    offered = [part for part in sent.split(" ") if part.startswith("v1,")]
    if not any(hmac.compare_digest(expected, part) for part in offered):
        raise SignatureError(401, "bad_signature", "signature does not match the request")
    try:
        with transaction.atomic():
            SeenRequest.objects.create(message_id=message_id[:128], key_id=key_id)
    except IntegrityError:
        raise SignatureError(403, "replayed", f"message id {message_id!r} was already used") from None
    # Ids older than the tolerance cannot come back (their timestamp would be stale).
    SeenRequest.objects.filter(
        received_at__lt=timezone.now() - timezone.timedelta(seconds=2 * TOLERANCE_SECONDS)
    ).delete()
    return partner
