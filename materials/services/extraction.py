"""Reading the text of file versions: queued, read in a child process under limits, stored per page.

Small plain text, which only needs decoding, is read in the worker (extraction.READ_IN_WORKER_MAX_BYTES).
"""

import contextlib
import json
import logging
import os
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.task_backends import task_send_on_commit

from ..models import (
    ExtractionReason,
    ExtractionStatus,
    Material,
    MaterialFile,
    MaterialFilePage,
    PageMethod,
    TextExtraction,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExtractionLimits:
    max_pages: int
    seconds: float
    memory_mb: int
    languages: str
    dpi: int


def extraction_limits() -> ExtractionLimits:
    return ExtractionLimits(
        max_pages=int(settings.MATERIALS_EXTRACT_MAX_PAGES),
        seconds=float(settings.MATERIALS_EXTRACT_SECONDS),
        memory_mb=int(settings.MATERIALS_EXTRACT_MEMORY_MB),
        languages=str(settings.MATERIALS_OCR_LANGUAGES),
        dpi=int(settings.MATERIALS_OCR_DPI),
    )


def _not_queued(file_id: int) -> None:
    # The version stays queued; `manage.py materials_extract --missing` picks it up.
    logger.warning("could not queue text extraction of material file %s", file_id)


def material_file_extract_queue(
    *, material_file: MaterialFile, send: bool = True, new_file: bool = False
) -> TextExtraction:
    """Mark the version queued and hand it to the region's extract queue once the transaction commits.

    ``send=False`` only marks it, for a caller that runs material_file_extract itself. ``new_file``
    says the version was stored in this transaction, so it has no extraction yet: one insert.
    """
    queued = {
        "sha256": material_file.sha256,
        "status": ExtractionStatus.QUEUED,
        "queued_at": timezone.now(),
    }
    if new_file:
        extraction = TextExtraction.objects.create(file=material_file, attempt=1, **queued)
    else:
        with transaction.atomic():
            extraction, _created = TextExtraction.objects.select_for_update().get_or_create(
                file=material_file, defaults={"sha256": material_file.sha256}
            )
            extraction.attempt += 1
            for name, value in queued.items():
                setattr(extraction, name, value)
            extraction.reason = extraction.detail = ""
            extraction.pages_total, extraction.pages_done = None, 0
            extraction.started_at, extraction.finished_at = None, None
            extraction.save()
    file_id, attempt = material_file.pk, extraction.attempt
    if send:
        from ..tasks import extract_file_text

        # A broker that is down must not fail the upload.
        task_send_on_commit(extract_file_text, [file_id, attempt], failed=partial(_not_queued, file_id))
    return extraction


def _child_resources(memory_mb: int):
    def apply():
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        os.nice(10)  # OCR yields to the web and the other queues

    return apply


# What a process that ran out of its address space says on its way out (Python, C, C++).
OUT_OF_MEMORY = ("MemoryError", "Cannot allocate memory", "std::bad_alloc", "out of memory")


def _extraction_messages(*, path: str, kind: str, limits: ExtractionLimits):
    """Run materials.extraction in a child process under the limits; yield what it reports.

    The child has the memory limit (RLIMIT_AS, inherited by pdftoppm and tesseract) and is
    killed, with its whole process group, when the time limit passes: whatever the file
    does, this worker carries on.
    """
    import selectors
    import signal
    import subprocess
    import sys
    import tempfile
    import time

    command = [
        sys.executable, "-m", "materials.extraction", path, kind,
        str(limits.max_pages), str(limits.seconds), limits.languages, str(limits.dpi),
    ]  # fmt: skip
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "OMP_THREAD_LIMIT": "1",
        "PYTHONPATH": str(settings.BASE_DIR),
        "TMPDIR": tempfile.gettempdir(),
    }
    # The child's own deadline comes first; this one catches a child that hangs regardless.
    deadline = time.monotonic() + limits.seconds + 15
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=errors,
            stdin=subprocess.DEVNULL,
            cwd=str(settings.BASE_DIR),
            env=env,
            preexec_fn=_child_resources(limits.memory_mb),
            start_new_session=True,
        )
        finished = False
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(process.stdout, selectors.EVENT_READ)
                while True:
                    left = deadline - time.monotonic()
                    if left <= 0 or not selector.select(timeout=left):
                        yield {"limit": "time", "detail": ""}
                        finished = True
                        return
                    line = process.stdout.readline()
                    if not line:
                        break
                    try:
                        message = json.loads(line)
                    except ValueError:
                        continue
                    finished = finished or "error" in message or "limit" in message
                    yield message
            code = process.wait(timeout=max(1.0, deadline - time.monotonic()))
            if code != 0 and not finished:
                errors.seek(0)
                tail = errors.read()[-4000:].decode("utf-8", "replace")
                lines = tail.strip().splitlines()
                if code == -signal.SIGKILL or any(m in tail for m in OUT_OF_MEMORY):
                    yield {"limit": "memory", "detail": ""}
                else:
                    yield {"error": "crashed", "detail": (lines[-1] if lines else f"exit {code}")[:500]}
        finally:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            process.stdout.close()


def _reading(*, path: str, kind: str, limits: ExtractionLimits):
    """A reading's messages: small plain text in this worker, anything else in a limited child."""
    from ..extraction import READ_IN_WORKER_MAX_BYTES, Options
    from ..extraction.messages import extraction_messages

    if kind in READ_IN_WORKER_MAX_BYTES and os.path.getsize(path) <= READ_IN_WORKER_MAX_BYTES[kind]:
        options = Options.for_seconds(
            limits.seconds, max_pages=limits.max_pages, languages=limits.languages, dpi=limits.dpi
        )
        return extraction_messages(path, kind, options)
    return _extraction_messages(path=path, kind=kind, limits=limits)


def _material_reindex(material: Material) -> None:
    from wagtail.search import index

    from search.signal_handlers import queue_index

    # The database fallback's index lives in the same transaction; Elasticsearch is queued after commit.
    index.insert_or_update_object(material)
    queue_index(label=Material._meta.label, pk=material.pk)


def _extraction_update(extraction: TextExtraction, **fields) -> None:
    for name, value in fields.items():
        setattr(extraction, name, value)
    TextExtraction.objects.filter(pk=extraction.pk).update(**fields)


def _extraction_read(*, record: MaterialFile, extraction: TextExtraction, kind: str, seen: set[int]):
    """Store the pages the reading reports as they come (the admin shows the progress); return the outcome."""
    status, reason, detail = ExtractionStatus.DONE, "", ""
    limits = extraction_limits()
    for message in _reading(path=record.file.path, kind=kind, limits=limits):
        if "total" in message:
            _extraction_update(extraction, pages_total=int(message["total"]))
        elif "page" in message:
            number = int(message["page"])
            MaterialFilePage.objects.update_or_create(
                file=record,
                number=number,
                defaults={
                    "text": message.get("text") or "",
                    "method": message.get("method") or PageMethod.OCR,
                    "confidence": message.get("confidence"),
                },
            )
            seen.add(number)
            _extraction_update(extraction, pages_done=len(seen))
        elif "limit" in message:
            status, reason = ExtractionStatus.LIMITED, message["limit"]
            detail = message.get("detail") or ""
            if reason == ExtractionReason.TIME:
                detail = _("%(seconds)s 秒") % {"seconds": f"{limits.seconds:g}"}
            elif reason == ExtractionReason.MEMORY:
                detail = f"{limits.memory_mb} MB"
        elif "error" in message:
            status, reason = ExtractionStatus.FAILED, message["error"]
            detail = message.get("detail") or ""
    if reason and reason not in ExtractionReason.values:
        reason = ExtractionReason.CRASHED
    return status, reason, detail


def material_file_extract(*, file_id: int, attempt: int | None = None) -> TextExtraction | None:
    """Read a stored version's text page by page, keep it with its method and confidence, reindex.

    ``attempt`` is the queueing this task was sent for; a later queueing supersedes it.
    Corrections made by staff stay with their page numbers.
    """
    from ..extraction import kind_of

    record = MaterialFile.objects.select_related("material").filter(pk=file_id).first()
    if record is None:
        return None
    extraction = TextExtraction.objects.filter(file=record).first()
    if extraction is None:
        extraction = TextExtraction.objects.create(file=record, sha256=record.sha256, attempt=1)
    if attempt is not None and extraction.attempt != attempt:
        return extraction
    _extraction_update(
        extraction,
        status=ExtractionStatus.RUNNING,
        sha256=record.sha256,
        reason="",
        detail="",
        pages_total=None,
        pages_done=0,
        started_at=timezone.now(),
        finished_at=None,
    )
    kind = kind_of(record.content_type)
    seen: set[int] = set()
    if kind is None:
        status, reason, detail = ExtractionStatus.SKIPPED, ExtractionReason.UNSUPPORTED, ""
    elif not record.file or not record.file.storage.exists(record.file.name):
        status, reason, detail = ExtractionStatus.FAILED, ExtractionReason.MISSING, ""
    else:
        try:
            status, reason, detail = _extraction_read(
                record=record, extraction=extraction, kind=kind, seen=seen
            )
        except Exception as error:  # noqa: BLE001 - the version says what happened; the queue goes on
            logger.exception("text extraction of material file %s failed", record.pk)
            status, reason, detail = ExtractionStatus.FAILED, ExtractionReason.CRASHED, str(error)
    # Pages this run did not read (a shorter new version, a file that failed) leave the index.
    MaterialFilePage.objects.filter(file=record).exclude(number__in=seen).delete()
    _extraction_update(
        extraction,
        status=status,
        reason=reason,
        detail=str(detail)[:500],
        pages_total=extraction.pages_total if extraction.pages_total is not None else len(seen),
        finished_at=timezone.now(),
    )
    if status == ExtractionStatus.LIMITED and reason == ExtractionReason.PAGES:
        _extraction_update(extraction, pages_total=len(seen))
    _material_reindex(record.material)
    return extraction


def material_file_page_correct(*, page: MaterialFilePage, text: str, user=None) -> MaterialFilePage:
    """Keep staff's correction of a page; it is searched in place of what was read. Empty undoes it."""
    text = text.replace("\r\n", "\n").strip()
    page.corrected_text = "" if text == page.text.strip() else text
    page.corrected_by = user if page.corrected_text and getattr(user, "is_authenticated", False) else None
    page.corrected_at = timezone.now() if page.corrected_text else None
    page.save(update_fields=["corrected_text", "corrected_by", "corrected_at"])
    _material_reindex(page.file.material)
    return page
