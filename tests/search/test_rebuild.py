"""search_rebuild fills a new index and swaps the alias; readers never see an empty index."""

import io
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from django.core.management import call_command

from search import services
from search.documents import building_alias_name, connect
from search.selectors import content_search

from . import factories as f
from .conftest import titles

pytestmark = [pytest.mark.django_db, pytest.mark.services]


def alias_targets(name):
    client = connect()
    return sorted(client.indices.get_alias(name=name)) if client.indices.exists_alias(name=name) else []


def test_rebuild_swaps_the_alias_and_search_answers_throughout(search_index, corpus, qijiang):
    old_indexes = alias_targets(search_index)
    seen_during_rebuild = []

    def progress(done):
        if not seen_during_rebuild:
            # Mid-rebuild: the old index still answers, and a new change reaches both indexes.
            seen_during_rebuild.extend(titles(content_search(query="长征")))
            f.material("綦江石壕红军烈士墓", qijiang)

    new_index, written = services.index_rebuild(progress=progress, chunk_size=2)

    assert "中央红军长征过綦江" in seen_during_rebuild
    assert written == 5
    assert alias_targets(search_index) == [new_index] and new_index not in old_indexes
    assert alias_targets(building_alias_name()) == []
    assert not any(connect().indices.exists(index=name) for name in old_indexes)
    assert "中央红军长征过綦江" in titles(content_search(query="长征"))
    assert titles(content_search(query="石壕")) == ["綦江石壕红军烈士墓"]


def test_rebuild_command_reports_progress(search_index, corpus):
    out = io.StringIO()
    call_command("search_rebuild", stdout=out)
    text = out.getvalue()
    assert "5/5" in text and "100%" in text
    assert "documents" in text
    assert titles(content_search(query="红岩精神")) == ["弘扬红岩精神学术研讨会"]


def test_workers_indexing_at_once_on_a_new_site_make_one_index_behind_the_alias(
    search_index, settings, corpus
):
    settings.SEARCH_INDEX_PREFIX = f"{settings.SEARCH_INDEX_PREFIX}-fresh"  # no index yet
    start = threading.Barrier(8)

    def first_write():
        start.wait()
        return services.index_ensure()

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            aliases = set(pool.map(lambda _n: first_write(), range(8)))
        assert len(alias_targets(services.alias_name())) == 1
        # Elasticsearch takes writes through the alias (it refuses them over two indices).
        material = corpus["qijiang"]
        assert services.record_index(label=material._meta.label, pk=material.pk)
    finally:
        services.indexes_drop()
    assert aliases == {services.alias_name()}
