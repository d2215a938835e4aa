"""Bulk import of materials from a CSV sheet and the files it names."""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from portal.models import AccessLevel, HistoricalPeriod, Organisation, Topic
from portal.services import topic_get_or_create
from portal.text import chinese_punctuation_normalise

from ..models import Material, MaterialType
from . import material_create

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
    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    def prose(name: str) -> str:
        return chinese_punctuation_normalise(cell(name))

    filename, title = cell("filename"), prose("title")
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
    # A material imported before titles were normalised carries the title as the sheet wrote it.
    if Material.objects.filter(origin_organisation=organisation, title__in={title, cell("title")}).exists():
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
            description=prose("description"),
            collection=prose("collection"),
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
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in ("filename", "title", "type") if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(_("CSV 缺少列：%(columns)s") % {"columns": ", ".join(missing)})
    return list(reader)
