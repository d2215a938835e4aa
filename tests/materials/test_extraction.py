"""Reading the text of file versions: every format, per page, with limits and clear failures.

The files are made here (tests/materials/documents.py); the extraction runs for real, in
its child process (small plain text in the worker), with Debian's pdftoppm and Tesseract for
the scanned pages.
"""

import io
import json

import pytest

from django.core.files.base import ContentFile
from django.core.management import call_command

from materials.models import ExtractionStatus, MaterialFilePage, TextExtraction
from materials.selectors import material_files_to_extract
from materials.services import material_create, material_file_add
from materials.services.extraction import material_file_extract
from sync import registry

from . import documents as docs

pytestmark = pytest.mark.django_db


def deposit(organisation, name: str, data: bytes, *, title: str = "川渝党史协作档案", **fields):
    material = material_create(
        organisation=organisation,
        title=title,
        material_type="archive",
        uploaded_file=ContentFile(data, name=name),
        **fields,
    )
    return material, material.current_file


def extract(record) -> TextExtraction:
    extraction = material_file_extract(file_id=record.pk)
    extraction.refresh_from_db()
    return extraction


def pages_of(record) -> list[MaterialFilePage]:
    return list(record.pages.order_by("number"))


def test_an_upload_is_queued_for_extraction_and_does_not_wait_for_it(own_organisation):
    _material, record = deposit(own_organisation, "协议.docx", docs.docx([docs.page_text(1)]))
    extraction = TextExtraction.objects.get(file=record)
    assert extraction.status == ExtractionStatus.QUEUED
    assert extraction.status_display == "排队中"
    assert extraction.sha256 == record.sha256
    assert not record.pages.exists()


def test_a_text_layer_pdf_is_read_page_by_page_without_ocr(own_organisation):
    _material, record = deposit(
        own_organisation, "座谈会纪要.pdf", docs.text_layer_pdf([docs.page_text(n) for n in (1, 2, 3)])
    )
    extraction = extract(record)
    assert extraction.status == ExtractionStatus.DONE, extraction.status_display
    assert extraction.status_display == "完成"
    assert (extraction.pages_total, extraction.pages_done) == (3, 3)
    pages = pages_of(record)
    assert [p.number for p in pages] == [1, 2, 3]
    assert {p.method for p in pages} == {"text_layer"}
    for page in pages:
        assert docs.character_accuracy(page.text, docs.page_text(page.number)) == 1.0
        assert page.confidence is None


def test_docx_ofd_xlsx_pptx_and_plain_text_are_read(own_organisation):
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "目录"
    workbook.active.append(["编号", "题名"])
    workbook.active.append([1, "中央红军长征途经綦江的历史"])
    workbook.create_sheet("说明").append(["红岩精神与南方局的光辉历程"])
    xlsx = io.BytesIO()
    workbook.save(xlsx)
    cases = {
        "协议.docx": (docs.docx([docs.page_text(1), docs.page_text(2), docs.page_text(3)]), 3),
        "公文.ofd": (docs.ofd([docs.page_text(1), docs.page_text(3)]), 2),
        "目录.xlsx": (xlsx.getvalue(), 2),
        "说明.txt": ((docs.page_text(1) + "\f" + docs.page_text(2)).encode(), 2),
        "名录.csv": ("编号,题名\n1,红岩精神与南方局的光辉历程\n".encode(), 1),
    }
    for index, (name, (data, count)) in enumerate(cases.items()):
        _material, record = deposit(own_organisation, name, data, title=f"资料{index}")
        extraction = extract(record)
        assert extraction.status == ExtractionStatus.DONE, (name, extraction.status_display)
        pages = pages_of(record)
        assert len(pages) == count, name
        assert all(p.method == "text_layer" for p in pages)
        text = "\n".join(p.text for p in pages)
        if name == "协议.docx":
            assert pages[2].text == docs.page_text(3)
            assert docs.PAGE3_PHRASE in pages[2].text and docs.PAGE3_PHRASE not in pages[0].text
        if name == "公文.ofd":
            assert pages[0].text == docs.page_text(1)
            assert pages[1].text == docs.page_text(3)
        if name == "目录.xlsx":
            assert "中央红军长征途经綦江的历史" in pages[0].text
            assert "红岩精神" in pages[1].text
        if name == "说明.txt":
            assert pages[1].text == docs.page_text(2)  # a form feed between pages
        if name == "名录.csv":
            assert "红岩精神与南方局的光辉历程" in text


def test_a_pptx_is_read_slide_by_slide(own_organisation):
    slide = (
        '<p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><p:cSld><p:spTree><p:sp><p:txBody>'
        "<a:p><a:r><a:t>{}</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>"
    )
    rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    # Slide 2 comes first in the presentation: the order is the presentation's, not the file names'.
    data = docs._zip(
        {
            "[Content_Types].xml": "<Types/>",
            "ppt/presentation.xml": (
                f'<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
                f'xmlns:r="{rels}"><p:sldIdLst><p:sldId id="256" r:id="rId3"/><p:sldId id="257" r:id="rId2"/>'
                "</p:sldIdLst></p:presentation>"
            ),
            "ppt/_rels/presentation.xml.rels": (
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId2" Target="slides/slide1.xml"/>'
                '<Relationship Id="rId3" Target="slides/slide2.xml"/></Relationships>'
            ),
            "ppt/slides/slide1.xml": slide.format("联合开展红色资源保护利用研究"),
            "ppt/slides/slide2.xml": slide.format("川渝党史工作协作座谈会"),
        }
    )
    _material, record = deposit(own_organisation, "汇报.pptx", data)
    assert extract(record).status == ExtractionStatus.DONE
    assert [p.text for p in pages_of(record)] == ["川渝党史工作协作座谈会", "联合开展红色资源保护利用研究"]


def test_a_pdf_with_a_partial_text_layer_gets_ocr_on_the_scanned_page_only(own_organisation):
    scan = docs.render_page(docs.PAGES[2][:2])
    pdf = docs.text_layer_pdf([docs.page_text(1), None], scans={2: scan})
    _material, record = deposit(own_organisation, "部分扫描.pdf", pdf)
    extraction = extract(record)
    assert extraction.status == ExtractionStatus.DONE, extraction.status_display
    first, second = pages_of(record)
    assert (first.method, second.method) == ("text_layer", "ocr")
    assert first.text == docs.page_text(1)
    assert second.confidence is not None and second.confidence > 60
    assert docs.character_accuracy(second.text, "\n".join(docs.PAGES[2][:2])) >= 0.9, second.text


def test_png_and_multi_page_tiff_scans_are_read_by_ocr(own_organisation):
    image = docs.skewed(docs.render_page(docs.PAGES[1][:2]), 2.5)
    _material, record = deposit(own_organisation, "扫描件.png", docs.png_bytes(image))
    assert extract(record).status == ExtractionStatus.DONE
    (page,) = pages_of(record)
    assert page.method == "ocr"
    assert docs.character_accuracy(page.text, "\n".join(docs.PAGES[1][:2])) >= 0.9, page.text

    # A TIFF holds one page per frame; strips of two lines keep OCR quick.
    frames = [docs.render_page(docs.PAGES[n][3:]).crop((0, 0, docs.PAGE_SIZE[0], 500)) for n in (0, 2)]
    tiff = io.BytesIO()
    frames[0].save(tiff, format="TIFF", save_all=True, append_images=frames[1:], dpi=(docs.DPI, docs.DPI))
    _material, record = deposit(own_organisation, "两页.tiff", tiff.getvalue(), title="TIFF 扫描件")
    assert extract(record).status == ExtractionStatus.DONE
    first, second = pages_of(record)
    assert docs.character_accuracy(first.text, "\n".join(docs.PAGES[0][3:])) >= 0.9, first.text
    assert docs.character_accuracy(second.text, "\n".join(docs.PAGES[2][3:])) >= 0.9, second.text


def test_broken_and_encrypted_files_get_a_clear_status(own_organisation):
    from pypdf import PdfWriter

    _material, broken = deposit(
        own_organisation, "损坏.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 200, title="损坏的文件"
    )
    extraction = extract(broken)
    assert extraction.status == ExtractionStatus.FAILED
    assert extraction.status_display.startswith("失败：文件已损坏或无法解析")

    writer = PdfWriter(clone_from=io.BytesIO(docs.text_layer_pdf([docs.page_text(1)])))
    writer.encrypt(user_password="secret-1935", owner_password="owner", algorithm="RC4-128")
    locked = io.BytesIO()
    writer.write(locked)
    _material, encrypted = deposit(own_organisation, "加密.pdf", locked.getvalue(), title="加密的文件")
    extraction = extract(encrypted)
    assert extraction.status == ExtractionStatus.FAILED
    assert extraction.status_display == "失败：文件已加密，无法读取"
    assert not encrypted.pages.exists()

    _material, zipped = deposit(
        own_organisation, "坏文档.docx", docs._zip({"word/document.xml": "<w:document"})
    )
    assert extract(zipped).status == ExtractionStatus.FAILED


def test_limits_mark_the_file_and_keep_what_was_read(own_organisation, settings):
    settings.MATERIALS_EXTRACT_MAX_PAGES = 2
    _material, record = deposit(
        own_organisation, "长文档.docx", docs.docx([docs.page_text(n) for n in (1, 2, 3)])
    )
    extraction = extract(record)
    assert extraction.status == ExtractionStatus.LIMITED
    assert extraction.status_display == "超出限制：共 3 页，超过上限，只识别了前 2 页"
    assert [p.number for p in pages_of(record)] == [1, 2]

    settings.MATERIALS_EXTRACT_MAX_PAGES = 500
    # Far shorter than any OCR of a page takes, however fast the machine.
    settings.MATERIALS_EXTRACT_SECONDS = 0.05
    _material, scan = deposit(
        own_organisation,
        "大扫描件.png",
        docs.png_bytes(docs.noisy(docs.render_page(docs.PAGES[0]))),
        title="扫描",
    )
    extraction = extract(scan)
    assert extraction.status == ExtractionStatus.LIMITED
    assert extraction.status_display == "超出限制：超过时间上限（0.05 秒）"

    settings.MATERIALS_EXTRACT_SECONDS = 60
    settings.MATERIALS_EXTRACT_MEMORY_MB = 10  # not even the interpreter fits
    _material, small = deposit(own_organisation, "小文档.docx", docs.docx(["一页"]), title="内存")
    extraction = extract(small)
    assert extraction.status == ExtractionStatus.LIMITED
    assert extraction.status_display == "超出限制：超过内存上限（10 MB）"


def test_small_plain_text_is_read_in_the_worker_and_larger_text_in_the_limited_child(
    own_organisation, settings
):
    settings.MATERIALS_EXTRACT_MEMORY_MB = 10  # the child cannot even start its interpreter
    small_text = docs.page_text(1) + "\f" + docs.page_text(2)
    _material, small = deposit(own_organisation, "短说明.txt", small_text.encode(), title="短")
    extraction = extract(small)
    assert extraction.status == ExtractionStatus.DONE
    assert [p.text for p in pages_of(small)] == [docs.page_text(1), docs.page_text(2)]

    large_text = (docs.page_text(3) + "\n") * (1024 * 1024 // len(docs.page_text(3).encode()) + 1)
    assert len(large_text.encode()) > 1024 * 1024
    _material, large = deposit(own_organisation, "长说明.txt", large_text.encode(), title="长")
    extraction = extract(large)
    assert extraction.status == ExtractionStatus.LIMITED
    assert extraction.status_display == "超出限制：超过内存上限（10 MB）"


def test_running_shows_progress_and_a_new_version_is_extracted_for_itself(own_organisation):
    material, first = deposit(own_organisation, "v1.docx", docs.docx([docs.page_text(1)]))
    extraction = TextExtraction.objects.get(file=first)
    extraction.status, extraction.pages_total, extraction.pages_done = "running", 12, 3
    assert extraction.status_display == "识别中 3/12页"
    second = material_file_add(
        material=material, uploaded_file=ContentFile(docs.docx(["二"]), name="v2.docx")
    )
    assert TextExtraction.objects.get(file=second).status == ExtractionStatus.QUEUED
    assert set(material_files_to_extract()) == {first, second}
    extract(first)
    assert list(material_files_to_extract()) == [second]


def test_backfill_command_reads_missing_versions_with_a_progress_bar(own_organisation):
    _material, record = deposit(own_organisation, "旧档案.docx", docs.docx([docs.page_text(2)]))
    TextExtraction.objects.filter(file=record).delete()  # uploaded before this feature
    out = io.StringIO()
    call_command("materials_extract", "--missing", stdout=out)
    assert "[##############################] 1/1" in out.getvalue()
    assert "完成" in out.getvalue()
    assert pages_of(record)[0].text == docs.page_text(2)
    out = io.StringIO()
    call_command("materials_extract", stdout=out)
    assert "没有需要识别的文件" in out.getvalue()
    out = io.StringIO()
    call_command("materials_extract", "--all", stdout=out)
    assert "1/1" in out.getvalue()


def test_a_correction_survives_a_new_run_and_no_text_goes_into_the_sync_feed(own_organisation):
    from materials.services.extraction import material_file_page_correct

    material, record = deposit(
        own_organisation, "纪要.docx", docs.docx([docs.page_text(1), docs.page_text(2)])
    )
    extract(record)
    page = record.pages.get(number=2)
    material_file_page_correct(page=page, text="中央红军长征途经綦江（校对）")
    extract(record)
    page.refresh_from_db()
    assert page.corrected_text == "中央红军长征途经綦江（校对）"
    assert page.text == docs.page_text(2)
    assert material.text_pages()[1]["text"] == "中央红军长征途经綦江（校对）"

    spec = registry.spec_for_model(type(material))
    payload = json.dumps(registry.serialise(spec, material), ensure_ascii=False)
    assert "綦江" not in payload and "川渝党史工作协作座谈会" not in payload
    assert "纪要.docx" in payload  # the file itself does travel


def test_a_replicated_copy_is_extracted_by_the_region_holding_it(own_organisation):
    from materials.models import Material, MaterialFile

    # Sync stores a partner's file and saves the row with save_base(), as the origin's state.
    material = Material.objects.create(
        title="成都送来的资料", material_type="archive", origin_organisation=own_organisation
    )
    data = docs.docx([docs.page_text(3)])
    row = MaterialFile(
        material=material, version=1, original_name="复本.docx", size=len(data), sha256="a" * 64,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )  # fmt: skip
    row.file.save("复本.docx", ContentFile(data), save=False)
    row.save_base()
    assert TextExtraction.objects.get(file=row).status == ExtractionStatus.QUEUED
    assert extract(row).status == ExtractionStatus.DONE
    row.save_base()  # the same content applied again is not read again
    assert TextExtraction.objects.get(file=row).status == ExtractionStatus.DONE
