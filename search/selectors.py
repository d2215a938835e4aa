from wagtail.models import Page

from .segmentation import segment_query


def page_search(*, query: str, limit: int = 50):
    """Live public pages matching the query, on Wagtail's database backend.

    The indexed text holds jieba's words (see segmentation.py), so the query is
    cut the same way and every word must match.
    """
    words = segment_query(query)
    if not words:
        return Page.objects.none()
    return Page.objects.live().public().specific().search(words, operator="and")[:limit]
