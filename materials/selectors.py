"""Reads for the materials repository; every one of them applies the access rule."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from wagtail.search.backends import get_search_backend

from portal.access import can_view, visible_to
from portal.models import Topic
from portal.records.filters import RecordFilters
from portal.segmentation import segment_query

from .models import ExtractionStatus, Material, MaterialFile, TextExtraction

SEARCH_LIMIT = 1000


def material_list(*, user, filters: RecordFilters | None = None) -> QuerySet[Material]:
    """Materials this reader may see, narrowed by the listing's filters (materials.filters)."""
    materials = visible_to(user, Material.objects.all())
    if filters is not None:
        materials = filters.apply(materials)
    return (
        materials.select_related("origin_organisation")
        .prefetch_related(
            Prefetch("topics", queryset=Topic.objects.order_by("kind", "name")),
            Prefetch("files", queryset=MaterialFile.objects.order_by("-version")),
        )
        .order_by(*Material.LISTING_ORDER)
    )


def material_get(*, user, global_id) -> Material | None:
    material = (
        Material.objects.select_related("origin_organisation", "deposited_by")
        .filter(global_id=global_id)
        .first()
    )
    if material is None or not can_view(user, material):
        return None
    return material


def material_file_get(*, user, global_id, version: int | None = None) -> MaterialFile | None:
    material = material_get(user=user, global_id=global_id)
    if material is None:
        return None
    files = material.files.order_by("-version")
    if version is not None:
        files = files.filter(version=version)
    record = files.first()
    if record is not None:
        record.material = material
    return record


def topics_used(*, user, kind: str | None = None) -> QuerySet[Topic]:
    """Topics (of a kind) that tag at least one material the reader may see (for filter menus)."""
    visible = visible_to(user, Material.objects.all()).values("pk")
    topics = Topic.objects.filter(materials__in=visible)
    if kind is not None:
        topics = topics.filter(kind=kind)
    return topics.distinct().order_by("kind", "name")


def material_search_ids(*, query: str) -> list[int]:
    """Ids of materials whose text matches every word; callers apply the access rule."""
    words = segment_query(query[:200])
    if not words:
        return []
    results = get_search_backend().search(words, Material, operator="and")
    return [m.pk for m in results[:SEARCH_LIMIT]]


def material_files_to_extract(*, everything: bool = False) -> QuerySet[MaterialFile]:
    """File versions whose text has not been read for their current content (all of them with ``everything``).

    Queued ones count as missing: their task may have been lost with a broker that was down.
    """
    files = MaterialFile.objects.select_related("material").order_by("pk")
    if everything:
        return files
    done = TextExtraction.objects.filter(file=OuterRef("pk"), sha256=OuterRef("sha256")).exclude(
        status__in=[ExtractionStatus.QUEUED, ExtractionStatus.RUNNING]
    )
    return files.exclude(Exists(done))


def material_file_admin_get(*, user, file_id: int) -> MaterialFile | None:
    """A file version of a material the staff member's organisation owns (the admin edits no other)."""
    from portal.viewsets import organisation_scope

    materials = organisation_scope(user=user, queryset=Material.objects.all())
    return MaterialFile.objects.select_related("material").filter(pk=file_id, material__in=materials).first()
