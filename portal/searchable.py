"""A model's searchable text, declared once.

`search_text` names the attributes (fields, properties or methods) a reader searches, the
title first. Wagtail's index (searchable_fields in search_fields), the jieba segments of the
database backend (search_segments) and the Elasticsearch documents (search_title and
search_body, read by search.sources) all derive from it.
"""

from typing import ClassVar

from wagtail.search import index

from .segmentation import segment_for_index


def searchable_fields(search_text: tuple[str, ...], *, base: list = ()) -> list:
    """Wagtail search fields for a model's search_text, with its segments for the database backend.

    Fields the base already searches (a page's boosted title) keep their own definition.
    """
    taken = {field.field_name for field in base if isinstance(field, index.SearchField)}
    added = [index.SearchField(name) for name in search_text if name not in taken]
    return [*base, *added, index.SearchField("search_segments")]


def _texts(value) -> list[str]:
    if callable(value):
        value = value()
    if hasattr(value, "stream_block"):  # a StreamField's value
        value = value.stream_block.get_searchable_content(value)
    if isinstance(value, list | tuple):
        return [text for item in value for text in _texts(item)]
    return [str(value)] if value else []


class Searchable:
    """Mixin for a model whose searchable text is declared in search_text."""

    search_text: ClassVar[tuple[str, ...]] = ()

    def search_title(self) -> str:
        return str(getattr(self, self.search_text[0]) or "")

    def search_body(self) -> str:
        return "\n".join(text for name in self.search_text[1:] for text in _texts(getattr(self, name)))

    def search_segments(self) -> str:
        return segment_for_index(*(text for name in self.search_text for text in _texts(getattr(self, name))))
