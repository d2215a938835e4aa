"""Upload checks: the type is read from the content, never from the file name."""

import codecs
import hashlib
import socket
import struct
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

# kind -> (content type, label shown to editors)
FILE_KINDS: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "PDF"),
    "png": ("image/png", "PNG"),
    "jpeg": ("image/jpeg", "JPEG"),
    "gif": ("image/gif", "GIF"),
    "tiff": ("image/tiff", "TIFF"),
    "mp3": ("audio/mpeg", "MP3"),
    "mp4": ("video/mp4", "MP4"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "PPTX"),
    "ofd": ("application/ofd", "OFD"),
    "zip": ("application/zip", "ZIP"),
    "txt": ("text/plain; charset=utf-8", _("纯文本")),
    "csv": ("text/csv; charset=utf-8", "CSV"),
}
DEFAULT_ALLOWED_TYPES = [kind for kind in FILE_KINDS if kind != "zip"]
DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024
CHUNK = 64 * 1024

EXECUTABLE_SIGNATURES = [
    (b"\x7fELF", "ELF"),
    (b"MZ", "Windows PE"),
    (b"\xfe\xed\xfa\xce", "Mach-O"),
    (b"\xfe\xed\xfa\xcf", "Mach-O"),
    (b"\xce\xfa\xed\xfe", "Mach-O"),
    (b"\xcf\xfa\xed\xfe", "Mach-O"),
    (b"\xca\xfe\xba\xbe", "Mach-O"),
    (b"#!", _("脚本")),
]
# Entries that identify the ZIP-based formats.
ZIP_MARKERS = [
    ("OFD.xml", "ofd"),
    ("word/document.xml", "docx"),
    ("xl/workbook.xml", "xlsx"),
    ("ppt/presentation.xml", "pptx"),
]


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    content_type: str
    size: int
    sha256: str


def allowed_types() -> list[str]:
    return list(getattr(settings, "MATERIALS_ALLOWED_TYPES", DEFAULT_ALLOWED_TYPES))


def max_upload_bytes() -> int:
    return int(getattr(settings, "MATERIALS_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def _rewind(fileobj):
    fileobj.seek(0)


def _chunks(fileobj):
    _rewind(fileobj)
    while chunk := fileobj.read(CHUNK):
        yield chunk


def _is_utf8_text(fileobj) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in _chunks(fileobj):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _zip_kind(fileobj) -> str | None:
    _rewind(fileobj)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    for marker, kind in ZIP_MARKERS:
        if marker in names:
            return kind
    return "zip"


def detect_kind(fileobj, *, name: str = "") -> str | None:
    """The file's kind judged by its bytes; None when unrecognised.

    Raises ValidationError for executables whatever they are named.
    """
    _rewind(fileobj)
    head = fileobj.read(512)
    for signature, label in EXECUTABLE_SIGNATURES:
        if head.startswith(signature):
            raise ValidationError(
                _("文件内容是可执行程序（%(kind)s），不允许上传，无论文件名如何。"),
                code="executable",
                params={"kind": label},
            )
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[4:8] == b"ftyp":
        return "mp4"
    if head.startswith(b"ID3") or (
        len(head) > 1 and head[0] == 0xFF and head[1] & 0xE6 in (0xE2, 0xE4, 0xE6)
    ):
        return "mp3"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(fileobj)
    if head and _is_utf8_text(fileobj):
        return "csv" if name.lower().endswith(".csv") else "txt"
    return None


def clamav_scan(fileobj, *, address: str, timeout: float = 30.0) -> str | None:
    """Scan through clamd's INSTREAM command; the signature name when infected, else None."""
    host, _sep, port = address.rpartition(":")
    with socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout) as connection:
        connection.sendall(b"zINSTREAM\x00")
        for chunk in _chunks(fileobj):
            connection.sendall(struct.pack("!L", len(chunk)) + chunk)
        connection.sendall(struct.pack("!L", 0))
        reply = b""
        while not reply.endswith(b"\x00"):
            data = connection.recv(4096)
            if not data:
                break
            reply += data
    answer = reply.rstrip(b"\x00").decode("utf-8", "replace").strip()
    if answer.endswith("FOUND"):
        return answer.removeprefix("stream:").removesuffix("FOUND").strip()
    if not answer.endswith("OK"):
        raise OSError(answer or "empty reply from clamd")
    return None


def check_upload(uploaded_file, *, name: str | None = None) -> CheckedUpload:
    """Everything a file must pass before anything is stored; ValidationError says why not."""
    name = name or getattr(uploaded_file, "name", "") or ""
    size = uploaded_file.size
    limit = max_upload_bytes()
    if size == 0:
        raise ValidationError(_("文件是空的。"), code="empty")
    if size > limit:
        raise ValidationError(
            _("文件大小为 %(size)s，超过了上限 %(limit)s。"),
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )
    kind = detect_kind(uploaded_file, name=name)
    allowed = allowed_types()
    if kind is None or kind not in allowed:
        labels = "、".join(str(FILE_KINDS[k][1]) for k in allowed if k in FILE_KINDS)
        raise ValidationError(
            _("不支持的文件类型（按内容识别为：%(kind)s）。允许的类型：%(allowed)s。"),
            code="type_not_allowed",
            params={"kind": FILE_KINDS[kind][1] if kind else _("未知"), "allowed": labels},
        )
    digest = hashlib.sha256()
    for chunk in _chunks(uploaded_file):
        digest.update(chunk)
    address = getattr(settings, "CLAMAV_ADDRESS", None)
    if address:
        try:
            signature = clamav_scan(uploaded_file, address=address)
        except OSError as error:
            raise ValidationError(
                _("无法完成病毒扫描（%(error)s），请稍后再试。"),
                code="scan_failed",
                params={"error": error},
            ) from error
        if signature:
            raise ValidationError(
                _("文件未通过病毒扫描：%(signature)s。"), code="infected", params={"signature": signature}
            )
    _rewind(uploaded_file)
    return CheckedUpload(kind=kind, content_type=FILE_KINDS[kind][0], size=size, sha256=digest.hexdigest())
