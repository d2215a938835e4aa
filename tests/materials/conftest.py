import pytest

from django.core.files.base import ContentFile
from django.utils import translation

from portal.services import staff_user_create_or_update
from tests.factories import OrganisationFactory

from .factories import PDF


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Each test stores files in its own MEDIA_ROOT; returns the private files' root."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media" / "private"


@pytest.fixture(autouse=True)
def chinese():
    """Messages are asserted in Chinese; a request under /en/ leaves English active in the thread."""
    with translation.override("zh-hans"):
        yield


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def own_organisation(db):
    return OrganisationFactory(code="cq-qijiang", name="綦江区委党史地方志研究室", region="chongqing")


@pytest.fixture
def sibling_organisation(db):
    """Another organisation of the same region: a partner, not the owner."""
    return OrganisationFactory(code="cq-bishan", name="璧山区委党史研究室", region="chongqing")


@pytest.fixture
def partner_organisation(db):
    return OrganisationFactory(code="sc-chengdu", name="成都市委党史研究室", region="sichuan", level="city")


@pytest.fixture
def own_editor(own_organisation):
    return staff_user_create_or_update(
        username="qj_editor", organisation=own_organisation, roles=["editor"], password="pass-word-123"
    )


@pytest.fixture
def partner_staff(partner_organisation):
    return staff_user_create_or_update(
        username="cd_researcher",
        organisation=partner_organisation,
        roles=["researcher"],
        password="pass-word-123",
    )


def pdf_upload(name="资料.pdf", content=PDF):
    return ContentFile(content, name=name)


@pytest.fixture
def extracted_minutes(own_organisation):
    """A three-page Word minute whose text extraction has run, as the worker leaves it."""
    from materials.services import material_create
    from materials.services.extraction import material_file_extract

    from . import documents as docs

    material = material_create(
        organisation=own_organisation,
        title="川渝党史协作纪要",
        material_type="archive",
        uploaded_file=ContentFile(docs.docx([docs.page_text(n) for n in (1, 2, 3)]), name="纪要.docx"),
    )
    material_file_extract(file_id=material.current_file.pk)
    return material
