"""Writes for the materials repository: deposits, new file versions, download logs."""

import contextlib
import datetime
import json
import logging
import os
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.models import Event
from audit.services import audit_record
from portal.models import Organisation, Topic
from portal.services import topic_get_or_create

from .models import (
    DownloadLog,
    ExtractionReason,
    ExtractionStatus,
    Material,
    MaterialFile,
    MaterialFilePage,
    PageMethod,
    TextExtraction,
)
from .validators import CheckedUpload, check_upload


def _delete_stored(names: list[str], storage) -> None:
    for name in names:
        with contextlib.suppress(OSError):
            storage.delete(name)


@contextlib.contextmanager
def _stored_files_cleanup():
    """Delete files written inside the block when the block fails: a rejected deposit leaves nothing."""
    written: list[str] = []
    try:
        yield written
    except BaseException:
        _delete_stored(written, MaterialFile._meta.get_field("file").storage)
        raise


def _store_version(
    *, material: Material, uploaded_file, name: str, user, checked: CheckedUpload, written: list[str]
) -> MaterialFile:
    # Lock the material so two uploads cannot take the same version number.
    Material.objects.select_for_update().filter(pk=material.pk).first()
    latest = material.files.aggregate(latest=Max("version"))["latest"] or 0
    record = MaterialFile(
        material=material,
        version=latest + 1,
        original_name=name[:255],
        size=checked.size,
        sha256=checked.sha256,
        content_type=checked.content_type,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        uploaded_at=timezone.now(),
    )
    record.file.save(name, uploaded_file, save=False)
    written.append(record.file.name)
    record.save()
    return record


def material_file_add(
    *, material: Material, uploaded_file, user=None, name: str | None = None
) -> MaterialFile:
    """Store a new version of the material's file; older versions stay downloadable."""
    name = name or uploaded_file.name
    # Validate before any write so a rejected file leaves no row and no file.
    checked = check_upload(uploaded_file, name=name)
    with _stored_files_cleanup() as written, transaction.atomic():
        record = _store_version(
            material=material,
            uploaded_file=uploaded_file,
            name=name,
            user=user,
            checked=checked,
            written=written,
        )
        material.save()  # a new file is a new version of the record
    return record


def material_save(
    *,
    material: Material,
    user=None,
    uploaded_file=None,
    file_name: str | None = None,
    checked: CheckedUpload | None = None,
    save_related=None,
):
    """Save a material edited in the admin, with an optional new file version; all or nothing.

    ``checked`` is the result of check_upload() when the caller (a form) has already run it.
    """
    name = file_name or (uploaded_file.name if uploaded_file is not None else "")
    if uploaded_file is not None and checked is None:
        checked = check_upload(uploaded_file, name=name)
    with _stored_files_cleanup() as written, transaction.atomic():
        if material.pk is None and getattr(user, "is_authenticated", False):
            material.deposited_by = user
        material.save()
        if save_related is not None:
            save_related()
        if uploaded_file is not None:
            _store_version(
                material=material,
                uploaded_file=uploaded_file,
                name=name,
                user=user,
                checked=checked,
                written=written,
            )
    return material


def material_create(
    *,
    organisation: Organisation,
    title: str,
    material_type: str,
    uploaded_file=None,
    file_name: str | None = None,
    user=None,
    topics: list[Topic] | None = None,
    **fields,
) -> Material:
    """Deposit a material, with its first file when one is given; all or nothing."""
    checked = None
    if uploaded_file is not None:
        file_name = file_name or uploaded_file.name
        checked = check_upload(uploaded_file, name=file_name)
    with _stored_files_cleanup() as written, transaction.atomic():
        material = Material(
            origin_organisation=organisation,
            title=title,
            material_type=material_type,
            deposited_by=user if getattr(user, "is_authenticated", False) else None,
            **fields,
        )
        material.full_clean()
        material.save()
        if topics:
            material.topics.set(topics)
        if uploaded_file is not None:
            _store_version(
                material=material,
                uploaded_file=uploaded_file,
                name=file_name,
                user=user,
                checked=checked,
                written=written,
            )
    return material


def download_log_record(*, user, material_file: MaterialFile) -> DownloadLog:
    audit_record(
        event=Event.DOWNLOAD,
        user=user,
        target=f"{material_file.material.global_id} v{material_file.version}",
        details={"access_level": material_file.material.access_level, "file": material_file.original_name},
    )
    return DownloadLog.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        material=material_file.material,
        file=material_file,
        version=material_file.version,
        access_level=material_file.material.access_level,
    )


# ---- bulk import -------------------------------------------------------------------------------

IMPORT_COLUMNS = [
    "filename",
    "title",
    "type",
    "period",
    "date_from",
    "date_to",
    "topics",
    "access_level",
    "description",
    "collection",
]


@dataclass
class ImportRowResult:
    line: int
    filename: str
    imported: bool
    message: str
    material: Material | None = field(default=None, repr=False)


def _choice(value: str, choices, message: str) -> str:
    value = value.strip()
    for code, label in choices:
        # CSV files and the demo name choices in Chinese (or English) whatever
        # language the current request or thread has active.
        with translation.override("zh-hans"):
            chinese = str(label)
        with translation.override("en"):
            english = str(label)
        if value in (code, chinese, english):
            return code
    raise ValidationError(message % {"value": value})


def _date(value: str, *, end: bool) -> datetime.date | None:
    value = value.strip()
    if not value:
        return None
    parts = value.replace("/", "-").replace(".", "-").split("-")
    try:
        numbers = [int(p) for p in parts]
        if len(numbers) == 3:
            return datetime.date(*numbers)
        if len(numbers) == 2:
            year, month = numbers
            if end:
                following = datetime.date(year + (month == 12), month % 12 + 1, 1)
                return following - datetime.timedelta(days=1)
            return datetime.date(year, month, 1)
        if len(numbers) == 1:
            return datetime.date(numbers[0], 12, 31) if end else datetime.date(numbers[0], 1, 1)
    except ValueError:
        pass
    raise ValidationError(
        _("无法识别的日期“%(value)s”（应为 YYYY-MM-DD、YYYY-MM 或 YYYY）") % {"value": value}
    )


def import_row_topics(value: str) -> list[Topic]:
    """Topics by name or slug; “地点:綦江” names the kind and adds the term when it is new."""
    topics = []
    for raw in value.replace("；", ";").split(";"):
        raw = raw.strip()
        if not raw:
            continue
        kind = None
        name = raw
        for separator in (":", "："):
            if separator in raw:
                prefix, name = (s.strip() for s in raw.split(separator, 1))
                kind = _choice(prefix, Topic.Kind.choices, _("未知的主题词类别“%(value)s”"))
                break
        found = Topic.objects.filter(name=name)
        if kind:
            found = found.filter(kind=kind)
        topic = found.first() or Topic.objects.filter(slug=name).first()
        if topic is None and kind:
            topic = topic_get_or_create(kind=kind, name=name)
        if topic is None:
            raise ValidationError(
                _("未知的主题词“%(value)s”（新词请写成“地点:名称”“人物:名称”等形式）") % {"value": name}
            )
        topics.append(topic)
    return topics


def _import_row(*, row: dict, open_file, organisation: Organisation, user) -> Material:
    from portal.models import AccessLevel, HistoricalPeriod

    from .models import MaterialType

    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    filename, title = cell("filename"), cell("title")
    if not filename:
        raise ValidationError(_("缺少文件名"))
    if not title:
        raise ValidationError(_("缺少题名"))
    material_type = _choice(cell("type"), MaterialType.choices, _("未知的资料类型“%(value)s”"))
    period = (
        _choice(cell("period"), HistoricalPeriod.choices, _("未知的历史时期“%(value)s”"))
        if cell("period")
        else ""
    )
    access_level = (
        _choice(cell("access_level"), AccessLevel.choices, _("未知的访问级别“%(value)s”"))
        if cell("access_level")
        else AccessLevel.PUBLIC
    )
    date_from = _date(cell("date_from"), end=False)
    date_to = _date(cell("date_to"), end=True)
    topics = import_row_topics(cell("topics"))
    if Material.objects.filter(origin_organisation=organisation, title=title).exists():
        raise ValidationError(_("本单位已有同名资料“%(value)s”") % {"value": title})
    uploaded = open_file(filename)
    if uploaded is None:
        raise ValidationError(_("找不到文件“%(value)s”") % {"value": filename})
    with uploaded:
        return material_create(
            organisation=organisation,
            title=title,
            material_type=material_type,
            uploaded_file=uploaded,
            file_name=filename,
            user=user,
            topics=topics,
            period=period,
            access_level=access_level,
            date_from=date_from,
            date_to=date_to,
            description=cell("description"),
            collection=cell("collection"),
        )


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "；".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return "；".join(error.messages)


def materials_import(*, rows, open_file, organisation: Organisation, user=None, progress=None):
    """Import rows of metadata with their files; each row stands or falls alone.

    ``rows`` is a list of dicts keyed by IMPORT_COLUMNS, ``open_file(name)`` returns a
    Django File (or None when missing), ``progress(done, total, result)`` is called per row.
    """
    rows = list(rows)
    results = []
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        filename = (row.get("filename") or "").strip()
        try:
            # A failing row takes back everything it wrote, new topics included.
            with transaction.atomic():
                material = _import_row(row=row, open_file=open_file, organisation=organisation, user=user)
        except ValidationError as error:
            result = ImportRowResult(number, filename, False, _messages(error))
        except OSError as error:
            result = ImportRowResult(number, filename, False, str(error))
        else:
            result = ImportRowResult(
                number, filename, True, _("已导入《%(title)s》") % {"title": material.title}, material
            )
        results.append(result)
        if progress is not None:
            progress(len(results), len(rows), result)
    return results


def import_csv_rows(text: str) -> list[dict]:
    """Rows of a metadata CSV; ValidationError when required columns are missing."""
    import csv
    import io

    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in ("filename", "title", "type") if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(_("CSV 缺少列：%(columns)s") % {"columns": ", ".join(missing)})
    return list(reader)


# ---- text extraction ---------------------------------------------------------------------------

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


def _send_extract(file_id: int, attempt: int) -> None:
    from .tasks import extract_file_text

    try:
        extract_file_text.delay(file_id, attempt)
    except Exception:  # noqa: BLE001 - a broker that is down must not fail the upload
        # The version stays queued; `manage.py materials_extract --missing` picks it up.
        logger.warning("could not queue text extraction of material file %s", file_id)


def material_file_extract_queue(*, material_file: MaterialFile, send: bool = True) -> TextExtraction:
    """Mark the version queued and hand it to the region's extract queue once the transaction commits.

    ``send=False`` only marks it, for a caller that runs material_file_extract itself.
    """
    with transaction.atomic():
        extraction, _created = TextExtraction.objects.select_for_update().get_or_create(
            file=material_file, defaults={"sha256": material_file.sha256}
        )
        extraction.attempt += 1
        extraction.sha256 = material_file.sha256
        extraction.status = ExtractionStatus.QUEUED
        extraction.reason = extraction.detail = ""
        extraction.pages_total, extraction.pages_done = None, 0
        extraction.queued_at, extraction.started_at, extraction.finished_at = timezone.now(), None, None
        extraction.save()
    file_id, attempt = material_file.pk, extraction.attempt
    if send:
        transaction.on_commit(lambda: _send_extract(file_id, attempt))
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
    """Store the pages the child reports as they come (the admin shows the progress); return the outcome."""
    status, reason, detail = ExtractionStatus.DONE, "", ""
    limits = extraction_limits()
    for message in _extraction_messages(path=record.file.path, kind=kind, limits=limits):
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
    from .extraction import kind_of

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
