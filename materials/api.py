"""Read API for materials, mounted on the public API at /api/materials/ (portal.api's style)."""

import datetime
import uuid

from ninja import FilterSchema, Query, Router, Schema
from ninja.pagination import paginate

from portal.api import PUBLIC_READ, PublicPagination, SharedRecordSchema, TopicRef, found_or_404

from . import filters as listing
from .selectors import material_get, material_list

router = Router(tags=["materials"], auth=PUBLIC_READ)


class FileOut(Schema):
    version: int
    original_name: str
    size: int
    sha256: str
    content_type: str
    uploaded_at: datetime.datetime
    download_url: str

    @staticmethod
    def resolve_download_url(record) -> str:
        return record.get_absolute_url()


class MaterialOut(SharedRecordSchema):
    title: str
    description: str
    type: str
    type_label: str
    period: str
    date_from: datetime.date | None
    date_to: datetime.date | None
    topics: list[TopicRef]
    collection: str
    deposited_at: datetime.datetime
    url: str
    current_file: FileOut | None

    @staticmethod
    def resolve_type(material) -> str:
        return material.material_type

    @staticmethod
    def resolve_type_label(material) -> str:
        return str(material.get_material_type_display())

    @staticmethod
    def resolve_topics(material):
        return list(material.topics.all())

    @staticmethod
    def resolve_url(material) -> str:
        return material.get_absolute_url()

    @staticmethod
    def resolve_current_file(material):
        files = sorted(material.files.all(), key=lambda f: -f.version)
        return files[0] if files else None


class MaterialDetailOut(MaterialOut):
    files: list[FileOut]

    @staticmethod
    def resolve_files(material):
        return list(material.files.order_by("-version"))


class MaterialFilters(FilterSchema):
    q: str | None = None
    type: str | None = None
    period: str | None = None
    topic: str | None = None
    place: str | None = None
    person: str | None = None
    event: str | None = None
    organisation: str | None = None
    region: str | None = None


@router.get("/", response=list[MaterialOut], url_name="materials_list", operation_id="materials_list")
@paginate(PublicPagination)
def list_materials(request, filters: Query[MaterialFilters]):
    """Materials the caller may see (public to everyone; partners and internal by access level)."""
    wanted = {key: value for key, value in filters.model_dump().items() if value}
    return material_list(user=request.user, filters=listing.MaterialFilters(wanted, user=request.user))


@router.get(
    "/{uuid:global_id}/",
    response=MaterialDetailOut,
    url_name="materials_detail",
    operation_id="materials_detail",
)
def get_material(request, global_id: uuid.UUID):
    return found_or_404(material_get(user=request.user, global_id=global_id))
