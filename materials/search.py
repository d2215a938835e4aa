"""What materials contributes to the search index (registered from apps.py)."""

from django.conf import settings
from django.utils import translation

from search.sources import Source, url_of, year_of

from .models import Material, MaterialType


def _fields(m) -> dict:
    # The text inside the current file, page by page (Material.text_pages): the record's
    # access level is the download's, so the index filter covers the text too.
    with translation.override(settings.LANGUAGE_CODE):
        pages = m.text_pages()
    return {
        "type": m.material_type,
        "period": m.period or None,
        "year": year_of(m.date_from or m.date_to),
        "url": url_of("materials:detail", global_id=m.global_id),
        "published_at": m.deposited_at,
        "pages": pages,
    }


SOURCES = (
    # The current file and its pages prefetched: a rebuild, or a sync batch, reads each material's
    # text without a query of its own.
    Source(
        Material,
        _fields,
        topics_field="topics",
        types=dict(MaterialType.choices),
        queryset=lambda qs: qs.prefetch_related(Material.indexed_files_prefetch()),
    ),
)
