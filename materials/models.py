import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.search import index

from portal.dates import date_display
from portal.models import HistoricalPeriod, Topic
from portal.records.models import SharedRecord
from portal.searchable import Searchable, searchable_fields
from portal.segmentation import segment_for_index

from .storage import private_storage

TEXT_SEGMENTS_MAX = 200_000
# A line break between two Chinese characters is where the page ran out, not a word boundary.
_CJK_LINE_BREAK = re.compile(r"(?<=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])\s*\n\s*(?=[\u3400-\u9fff])")


class MaterialType(models.TextChoices):
    ARCHIVE = "archive", _("档案")
    LITERATURE = "literature", _("文献")
    PHOTO = "photo", _("图片")
    AUDIOVISUAL = "audiovisual", _("音像")
    PAPER = "paper", _("论文")
    REPORT = "report", _("研究报告")
    OTHER = "other", _("其他")


class Material(Searchable, index.Indexed, SharedRecord):
    """An archive, document, photo, recording or research result shared between the regions."""

    # The public list's order (portal.pagination reads it), the last term unique; the index below matches.
    LISTING_ORDER = ("-deposited_at", "-pk")

    title = models.CharField(_("题名"), max_length=255)
    description = models.TextField(_("内容提要"), blank=True)
    material_type = models.CharField(_("类型"), max_length=16, choices=MaterialType.choices)
    period = models.CharField(_("历史时期"), max_length=32, choices=HistoricalPeriod.choices, blank=True)
    date_from = models.DateField(
        _("起始日期"), null=True, blank=True, help_text=_("资料所记录的日期或起始日期")
    )
    date_to = models.DateField(
        _("截止日期"), null=True, blank=True, help_text=_("日期范围的截止日期，可留空")
    )
    topics = models.ManyToManyField(
        Topic,
        verbose_name=_("地点、人物和事件"),
        blank=True,
        related_name="materials",
    )
    collection = models.CharField(_("来源全宗/收藏"), max_length=255, blank=True)
    deposited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    deposited_at = models.DateTimeField(_("提交时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    search_text = ("title", "description", "collection")
    search_fields = [
        *searchable_fields(search_text),
        index.SearchField("text_segments"),
        index.AutocompleteField("title"),
        index.FilterField("material_type"),
        index.FilterField("period"),
        index.FilterField("access_level"),
        index.FilterField("origin_region"),
        index.FilterField("origin_organisation"),
    ]

    class Meta:
        verbose_name = _("党史资料")
        verbose_name_plural = _("党史资料")
        ordering = ["-deposited_at", "-pk"]
        indexes = [
            models.Index(fields=["access_level", "material_type", "period"]),
            # LISTING_ORDER: a page is read off the index, from its cursor on, not sorted.
            models.Index(fields=["-deposited_at", "-id"], name="material_listing_order"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValidationError({"date_to": _("截止日期不能早于起始日期。")})

    def get_absolute_url(self):
        return reverse("materials:detail", kwargs={"global_id": self.global_id})

    @property
    def current_file(self):
        """The newest version; older ones stay retrievable under their version number."""
        return self.files.order_by("-version").first()

    @staticmethod
    def indexed_files_prefetch() -> models.Prefetch:
        current = MaterialFile.objects.order_by("-version").prefetch_related(
            models.Prefetch("pages", queryset=MaterialFilePage.objects.order_by("number"))
        )[:1]
        return models.Prefetch("files", queryset=current, to_attr="_indexed_files")

    @classmethod
    def get_indexed_objects(cls):
        """Records indexed together (a rebuild, a transaction's saves) read their files in one query."""
        return super().get_indexed_objects().prefetch_related(cls.indexed_files_prefetch())

    def get_indexed_instance(self):
        """Wagtail's index reads text_segments once per column: the current file and its pages are
        read once, up front, and its words segmented once (text_segments), not a query each time."""
        if self.pk is not None and not hasattr(self, "_indexed_files"):
            models.prefetch_related_objects([self], self.indexed_files_prefetch())
        return self

    def text_pages(self) -> list[dict]:
        """The current file's text page by page, each with a link to the file at that page.

        What search indexes (search/sources.py reads it): corrections in place of what was read,
        and the current version only, so a reader finds a document once.
        """
        if hasattr(self, "_indexed_files"):
            current = self._indexed_files[0] if self._indexed_files else None
        elif "files" in getattr(self, "_prefetched_objects_cache", {}):
            current = max(self.files.all(), key=lambda f: f.version, default=None)
        else:
            current = self.current_file
        if current is None:
            return []
        url = current.get_absolute_url()
        pdf = current.content_type.split(";")[0] == "application/pdf"
        pages = []
        prefetched = "pages" in getattr(current, "_prefetched_objects_cache", {})
        for page in current.pages.all() if prefetched else current.pages.order_by("number"):
            text = _CJK_LINE_BREAK.sub("", page.searchable_text.strip())
            if text:
                link = f"{url}?inline=1#page={page.number}" if pdf else url
                pages.append({"number": page.number, "text": text, "url": link})
        return pages

    def text_segments(self) -> str:
        if hasattr(self, "_indexed_segments"):
            return self._indexed_segments
        # Distinct words only, and bounded: PostgreSQL refuses a tsvector over 1 MB, and OCR
        # noise on a long scan must not make the record unsaveable.
        words = segment_for_index(*(page["text"] for page in self.text_pages()))
        words = words[:TEXT_SEGMENTS_MAX].rsplit(" ", 1)[0] if len(words) > TEXT_SEGMENTS_MAX else words
        if hasattr(self, "_indexed_files"):
            self._indexed_segments = words  # the instance prepared for indexing only
        return words

    @property
    def date_display(self) -> str:
        """The material's date or span in the one date format (2020年6月9日 – 2020年6月30日)."""
        if self.date_from and self.date_to and self.date_to != self.date_from:
            return f"{date_display(self.date_from)} – {date_display(self.date_to)}"
        return date_display(self.date_from or self.date_to)


def material_file_path(instance, filename: str) -> str:
    # Random names: the original name is kept in the row, never in the path.
    return f"materials/{instance.material.global_id}/{uuid.uuid4().hex}"


class MaterialFile(models.Model):
    """One stored version of a material's file."""

    material = models.ForeignKey(
        Material, verbose_name=_("资料"), on_delete=models.CASCADE, related_name="files"
    )
    version = models.PositiveIntegerField(_("版本"))
    file = models.FileField(_("文件"), storage=private_storage, upload_to=material_file_path, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content_type = models.CharField(_("文件类型"), max_length=128)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("资料文件")
        verbose_name_plural = _("资料文件")
        ordering = ["material", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["material", "version"], name="material_file_version_unique"),
        ]

    def __str__(self):
        return f"{self.original_name} (v{self.version})"

    def get_absolute_url(self):
        return reverse(
            "materials:download",
            kwargs={"global_id": self.material.global_id, "version": self.version},
        )


class DownloadLog(models.Model):
    """Who downloaded which non-public file, and when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    material = models.ForeignKey(
        Material, verbose_name=_("资料"), on_delete=models.CASCADE, related_name="download_logs"
    )
    file = models.ForeignKey(
        MaterialFile, verbose_name=_("文件"), on_delete=models.CASCADE, related_name="download_logs"
    )
    version = models.PositiveIntegerField(_("版本"))
    access_level = models.CharField(_("访问级别"), max_length=16)
    downloaded_at = models.DateTimeField(_("下载时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("下载记录")
        verbose_name_plural = _("下载记录")
        ordering = ["-downloaded_at"]

    def __str__(self):
        return f"{self.user} · {self.material} v{self.version}"


class ExtractionStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("识别中")
    DONE = "done", _("完成")
    LIMITED = "limited", _("超出限制")
    FAILED = "failed", _("失败")
    SKIPPED = "skipped", _("无文字可提取")


class ExtractionReason(models.TextChoices):
    ENCRYPTED = "encrypted", _("文件已加密，无法读取")
    BROKEN = "broken", _("文件已损坏或无法解析")
    UNSUPPORTED = "unsupported", _("此类文件没有可提取的文字")
    OCR_MISSING = "ocr_missing", _("本机未安装文字识别程序")
    OCR_FAILED = "ocr_failed", _("文字识别出错")
    CRASHED = "crashed", _("提取进程异常退出")
    MISSING = "missing", _("文件尚未存入本地区")
    PAGES = "pages", _("超过页数上限")
    TIME = "time", _("超过时间上限")
    MEMORY = "memory", _("超过内存上限")
    SIZE = "size", _("文件内容超过大小上限")


class TextExtraction(models.Model):
    """Where reading a file version's text stands. Kept in this region only: never synced."""

    file = models.OneToOneField(
        MaterialFile, verbose_name=_("文件"), on_delete=models.CASCADE, related_name="extraction"
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, help_text=_("所识别文件内容的摘要"))
    status = models.CharField(
        _("状态"), max_length=16, choices=ExtractionStatus.choices, default=ExtractionStatus.QUEUED
    )
    reason = models.CharField(_("原因"), max_length=16, choices=ExtractionReason.choices, blank=True)
    detail = models.CharField(_("详情"), max_length=500, blank=True)
    pages_total = models.PositiveIntegerField(_("总页数"), null=True, blank=True)
    pages_done = models.PositiveIntegerField(_("已处理页数"), default=0)
    # Each queueing takes a new attempt number; a task for an older attempt does nothing.
    attempt = models.PositiveIntegerField(_("次数"), default=0)
    queued_at = models.DateTimeField(_("排队时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("文本识别")
        verbose_name_plural = _("文本识别")
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.file} · {self.status_display}"

    @property
    def reason_display(self) -> str:
        if not self.reason:
            return ""
        text = str(self.get_reason_display())
        if self.reason == ExtractionReason.PAGES and self.detail.isdigit() and self.pages_total:
            text = _("共 %(found)s 页，超过上限，只识别了前 %(limit)s 页") % {
                "found": self.detail,
                "limit": self.pages_total,
            }
        elif self.detail:
            text = f"{text}（{self.detail}）"
        return text

    @property
    def status_display(self) -> str:
        """排队中 / 识别中 3/12页 / 完成 / 失败：原因."""
        label = self.get_status_display()
        if self.status == ExtractionStatus.RUNNING and self.pages_total:
            return _("%(label)s %(done)s/%(total)s页") % {
                "label": label,
                "done": self.pages_done,
                "total": self.pages_total,
            }
        if self.reason and self.status in (ExtractionStatus.FAILED, ExtractionStatus.LIMITED):
            return f"{label}：{self.reason_display}"
        return str(label)


class PageMethod(models.TextChoices):
    TEXT_LAYER = "text_layer", _("文本层")
    OCR = "ocr", _("文字识别")


class MaterialFilePage(models.Model):
    """The text of one page of a file version, read from its text layer or by OCR, with staff's correction."""

    file = models.ForeignKey(
        MaterialFile, verbose_name=_("文件"), on_delete=models.CASCADE, related_name="pages"
    )
    number = models.PositiveIntegerField(_("页码"))
    text = models.TextField(_("提取文本"), blank=True)
    method = models.CharField(_("方式"), max_length=16, choices=PageMethod.choices)
    confidence = models.FloatField(_("识别置信度"), null=True, blank=True)
    corrected_text = models.TextField(_("校对文本"), blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("校对人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    corrected_at = models.DateTimeField(_("校对时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("文件页文本")
        verbose_name_plural = _("文件页文本")
        ordering = ["file", "number"]
        constraints = [models.UniqueConstraint(fields=["file", "number"], name="material_file_page_unique")]

    def __str__(self):
        return f"{self.file} p.{self.number}"

    @property
    def searchable_text(self) -> str:
        """A correction replaces what was read."""
        return self.corrected_text or self.text
