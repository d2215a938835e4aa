"""Uploads are judged by their content; a rejected one explains why and leaves nothing behind."""

import io
import zipfile

import pytest

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from materials.models import Material, MaterialFile
from materials.services import material_create
from materials.validators import check_upload

from .conftest import pdf_upload, stored_files
from .factories import ELF, PDF, PE, PNG, SHELL

pytestmark = pytest.mark.django_db


def deposit(organisation, upload):
    return material_create(
        organisation=organisation, title="綦江抗战史料", material_type="archive", uploaded_file=upload
    )


def zip_bytes(*entries: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for entry in entries:
            archive.writestr(entry, "<xml/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("报告.pdf", ELF, "ELF"),
        ("报告.pdf", PE, "Windows PE"),
        ("报告.pdf", b"\xcf\xfa\xed\xfe" + b"\x00" * 60, "Mach-O"),
        ("报告.pdf", SHELL, "脚本"),
    ],
)
def test_a_renamed_executable_is_refused_and_nothing_is_left(
    own_organisation, private_media, name, content, reason
):
    with pytest.raises(ValidationError) as refused:
        deposit(own_organisation, ContentFile(content, name=name))
    message = " ".join(refused.value.messages)
    assert "可执行程序" in message and reason in message
    assert not Material.objects.exists() and not MaterialFile.objects.exists()
    assert stored_files(private_media) == []


def test_a_file_of_the_wrong_type_is_refused(own_organisation, private_media):
    with pytest.raises(ValidationError) as refused:
        deposit(own_organisation, ContentFile(b"\x00\x01\x02\x03binary", name="资料.pdf"))
    assert "不支持的文件类型" in refused.value.messages[0]
    assert "PDF" in refused.value.messages[0]  # the message lists what is allowed
    assert not Material.objects.exists() and stored_files(private_media) == []


def test_the_type_whitelist_comes_from_settings(own_organisation, settings, private_media):
    settings.MATERIALS_ALLOWED_TYPES = ["pdf"]
    with pytest.raises(ValidationError) as refused:
        deposit(own_organisation, ContentFile(PNG, name="照片.png"))
    assert "PNG" in refused.value.messages[0]
    assert not Material.objects.exists() and stored_files(private_media) == []


def test_an_oversize_file_is_refused(own_organisation, settings, private_media):
    settings.MATERIALS_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError) as refused:
        deposit(own_organisation, pdf_upload(content=PDF + b"0" * 2048))
    assert "超过了上限" in refused.value.messages[0] and "1.0" in refused.value.messages[0]
    assert not Material.objects.exists() and stored_files(private_media) == []


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("会议纪要.ofd", zip_bytes("OFD.xml", "Doc_0/Document.xml"), "application/ofd"),
        ("论文.docx", zip_bytes("[Content_Types].xml", "word/document.xml"), "wordprocessingml"),
        ("统计.xlsx", zip_bytes("xl/workbook.xml"), "spreadsheetml"),
        ("名单.csv", "姓名,单位\n刘德惠,九龙坡\n".encode(), "text/csv"),
        ("说明.txt", "璧山红色故事".encode(), "text/plain"),
        ("照片.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 32, "image/jpeg"),
        ("录音.mp3", b"ID3\x03\x00" + b"\x00" * 32, "audio/mpeg"),
        ("影像.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 32, "video/mp4"),
        ("扫描件.tif", b"II*\x00" + b"\x00" * 32, "image/tiff"),
        # Judged by content, not by name: a PDF called .docx is still a PDF.
        ("误命名.docx", PDF, "application/pdf"),
    ],
)
def test_accepted_types_are_recognised_by_content(name, content, content_type):
    checked = check_upload(ContentFile(content, name=name))
    assert content_type in checked.content_type


def test_a_plain_zip_is_not_an_ofd(own_organisation):
    with pytest.raises(ValidationError) as refused:
        check_upload(ContentFile(zip_bytes("readme.txt"), name="伪装.ofd"))
    assert "ZIP" in refused.value.messages[0]


def test_stored_file_records_size_and_sha256(own_organisation, private_media):
    import hashlib

    material = deposit(own_organisation, pdf_upload())
    record = material.current_file
    assert record.size == len(PDF)
    assert record.sha256 == hashlib.sha256(PDF).hexdigest()
    assert record.original_name == "资料.pdf"
    assert len(stored_files(private_media)) == 1


def test_a_deposit_asks_the_database_nothing_it_already_knows(own_organisation, private_media):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        deposit(own_organisation, pdf_upload())
    reads = [query["sql"] for query in captured.captured_queries if query["sql"].startswith("SELECT")]
    # The organisation is a row the caller holds, and a new uuid4 needs no uniqueness query.
    assert not [sql for sql in reads if '"portal_organisation"' in sql], reads
    assert not [sql for sql in reads if '"global_id" =' in sql], reads


def test_a_deposit_needs_a_stored_unit_and_depositor_and_a_given_global_id_must_be_free(own_organisation):
    from portal.models import Organisation
    from tests.factories import UserFactory

    def refused(**values):
        with pytest.raises(ValidationError) as refusal:
            material_create(
                **{"organisation": own_organisation, "title": "綦江", "material_type": "archive", **values}
            )
        return refusal.value.message_dict

    assert "origin_organisation" in refused(organisation=None)
    assert "origin_organisation" in refused(organisation=Organisation(code="unsaved", name="未保存单位"))
    unsaved = UserFactory.build()
    assert "deposited_by" in refused(user=unsaved)
    taken = deposit(own_organisation, pdf_upload())
    assert "global_id" in refused(global_id=taken.global_id)
    assert Material.objects.count() == 1


def test_a_deposit_with_a_file_is_five_statements_and_its_messages_leave_in_one_batch(
    own_organisation, private_media, settings, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.task_backends import _CommitBatch

    # Wagtail's jobs as in production: queued for the worker, not run in the request.
    settings.TASKS = {"default": {"BACKEND": "portal.task_backends.CeleryTaskBackend"}}
    with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks() as callbacks:
        deposit(own_organisation, pdf_upload())
    statements = [" ".join(query["sql"].split(" ", 3)[:3]) for query in captured.captured_queries]
    # The record, its file, its extraction, the lock taken once and the one change: the ChangeLog row
    # is built from the material in hand, not from the row read back.
    assert [sql for sql in statements if not sql.startswith(("SAVEPOINT", "RELEASE"))] == [
        'INSERT INTO "materials_material"',
        'INSERT INTO "materials_materialfile"',
        'INSERT INTO "materials_textextraction"',
        "SELECT pg_advisory_xact_lock(7320001)",
        'INSERT INTO "sync_changelog"',
    ], statements
    # The text extraction leaves at commit in the deposit's batch; Wagtail's jobs and the search index,
    # which read the committed record, in the transaction's: one batch in production, where the
    # deposit is the outermost block; two here, where the test's own savepoint sits between them.
    batches = [callback for callback in callbacks if isinstance(callback, _CommitBatch)]
    assert len(batches) == 2
    names = [
        (bool(batch.jobs), [send[0].name for send in batch.sends], [task.name for task in batch.collected])
        for batch in batches
    ]
    assert sorted(names) == [
        (False, ["materials.extract_file_text"], []),
        (True, [], ["search.index_records"]),
    ]
