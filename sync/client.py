"""Signed HTTP to a partner, as untrusted as what it sends; the one place sync makes requests.

Requests go only to the partner's configured ``base_url`` and only under ``/sync/``;
redirects are refused, never followed (a redirect would carry our signed headers
elsewhere); every body is read as a stream against a byte cap, so a partner cannot
make a worker hold more than the cap in memory.
"""

import hashlib
import json
import logging
import re
import tempfile
import threading

import requests

from django.conf import settings

from .errors import FileCheckFailed, SyncError
from .kinds.base import max_file_bytes
from .signing import sign_headers

logger = logging.getLogger("sync")

HTTP_TIMEOUT = 15
FILE_TIMEOUT = 60
FILE_ATTEMPTS = 3
CHUNK = 64 * 1024
# Files are held in memory up to this size while checked, on disk beyond it.
SPOOL_BYTES = 1024 * 1024
REPLY_MAX_BYTES = 256 * 1024

_PATH = re.compile(r"^/sync/[A-Za-z0-9._~%/=&?:+-]*$")
_local = threading.local()


class PageTooLarge(SyncError):
    pass


class Redirected(FileCheckFailed):
    pass


def page_max_bytes() -> int:
    """A feed page (or a record) from a partner is refused beyond this many bytes."""
    return int(getattr(settings, "SYNC_PAGE_MAX_BYTES", 8 * 1024 * 1024))


def manifest_max_bytes() -> int:
    return int(getattr(settings, "SYNC_MANIFEST_MAX_BYTES", 64 * 1024 * 1024))


def _http() -> requests.Session:
    """One HTTP session per thread: a backlog drains over kept-alive connections to the partner."""
    if not hasattr(_local, "session"):
        session = requests.Session()
        session.trust_env = False  # no proxy or netrc from the environment between the regions
        # A private CA between the regions is named explicitly (SYNC_CA_CERTS), not inherited.
        session.verify = str(settings.SYNC_CA_CERTS) if settings.SYNC_CA_CERTS else True
        _local.session = session
    return _local.session


def _url(partner, path: str) -> str:
    if not _PATH.match(path) or "/../" in path or path.endswith("/.."):
        raise SyncError(f"refused to request {path[:80]!r} from {partner.region}")
    return partner.base_url + path


def _send(partner, method: str, path: str, *, body: bytes | None = None, timeout=HTTP_TIMEOUT):
    content = body if body is not None else path.encode()
    headers = sign_headers(partner=partner, content=content)
    if body is not None:
        headers["Content-Type"] = "application/json"
    response = _http().request(
        method,
        _url(partner, path),
        data=body,
        headers=headers,
        timeout=timeout,
        stream=True,
        allow_redirects=False,
    )
    if response.is_redirect or 300 <= response.status_code < 400:
        response.close()
        raise Redirected(
            "redirect",
            f"{partner.region} answered {response.status_code} to {path}; redirects are not followed",
        )
    return response


def _read_capped(response, cap: int, what: str, error=SyncError) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > cap:
        response.close()
        raise error(f"{what} declares {declared} bytes, more than {cap}")
    chunks, total = [], 0
    try:
        for chunk in response.iter_content(CHUNK):
            total += len(chunk)
            if total > cap:
                raise error(f"{what} is larger than {cap} bytes")
            chunks.append(chunk)
    finally:
        response.close()
    return b"".join(chunks)


def get_json(partner, path: str, *, cap: int | None = None) -> dict:
    """A signed GET whose JSON answer is at most ``cap`` bytes (a feed page by default)."""
    cap = cap or page_max_bytes()
    try:
        response = _send(partner, "GET", path)
    except Redirected as error:
        raise SyncError(str(error)) from None
    if response.status_code != 200:
        text = _read_capped(response, REPLY_MAX_BYTES, path)[:200].decode(errors="replace")
        raise SyncError(f"{partner.region} answered {response.status_code} to {path}: {text}")
    data = _read_capped(response, cap, f"{path} from {partner.region}", error=PageTooLarge)
    try:
        return json.loads(data)
    except ValueError:
        raise SyncError(f"{partner.region} answered {path} with no JSON") from None


def post_json(partner, path: str, message: dict) -> tuple[int, dict | None, str]:
    """A signed POST; (status, JSON answer or None, text), the answer read up to a small cap."""
    body = json.dumps(message).encode()
    try:
        response = _send(partner, "POST", path, body=body)
    except Redirected as error:
        raise SyncError(str(error)) from None
    text = _read_capped(response, REPLY_MAX_BYTES, path).decode(errors="replace")
    try:
        answer = json.loads(text)
    except ValueError:
        answer = None
    return response.status_code, answer, text


def file_fetch(partner, path: str, *, sha256: str, size: int | None):
    """A file from the partner, checked before anything keeps it: at most ``size`` bytes (and never
    more than MATERIALS_MAX_UPLOAD_BYTES), exactly ``size`` bytes, with the given sha256.

    Returns a temporary file positioned at its start; a copy damaged in transit is fetched again.
    Refusals are FileCheckFailed (quarantined); a partner that is down raises its own error.
    """
    cap = min(size, max_file_bytes()) if size is not None else max_file_bytes()
    last = ""
    for _attempt in range(FILE_ATTEMPTS):
        response = _send(partner, "GET", path, timeout=FILE_TIMEOUT)
        if response.status_code >= 500:
            response.close()
            raise SyncError(f"{partner.region} answered {response.status_code} to {path}")
        if response.status_code != 200:
            response.close()
            last = f"HTTP {response.status_code}"
            continue
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > cap:
            response.close()
            raise FileCheckFailed("too_large", f"{path} declares {declared} bytes, more than {cap}")
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - handed to the caller
        digest, total = hashlib.sha256(), 0
        try:
            for chunk in response.iter_content(CHUNK):
                total += len(chunk)
                if total > cap:
                    spool.close()
                    raise FileCheckFailed("too_large", f"{path} is larger than {cap} bytes")
                digest.update(chunk)
                spool.write(chunk)
        finally:
            response.close()
        if (size is None or total == size) and digest.hexdigest() == sha256:
            spool.seek(0)
            return spool
        spool.close()
        # Cut short or damaged in transit, or wrong at the origin: fetched again, then refused.
        last = "size mismatch" if size is not None and total != size else "sha256 mismatch"
        logger.warning("sync: file %s failed its check (%s); fetching again", path, last)
    reason = {"size mismatch": "size_mismatch", "sha256 mismatch": "sha256_mismatch"}.get(
        last, "file_unavailable"
    )
    raise FileCheckFailed(reason, f"file {path} from {partner.region} not accepted: {last}")
