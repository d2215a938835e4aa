"""The page cache's generation moves once per committed transaction that changed content."""

import pytest

from django.db import transaction

from portal.page_cache import page_cache_generation, page_cache_invalidate

pytestmark = pytest.mark.django_db(transaction=True)


def test_one_transaction_of_many_changes_moves_the_generation_once():
    before = page_cache_generation()
    with transaction.atomic():
        for _ in range(5):
            page_cache_invalidate()
    assert page_cache_generation() == before + 1


def test_a_change_after_a_rolled_back_savepoint_still_moves_the_generation():
    before = page_cache_generation()
    with transaction.atomic():
        try:
            with transaction.atomic():
                page_cache_invalidate()  # its bump goes with the savepoint
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        assert page_cache_generation() == before
        page_cache_invalidate()
    assert page_cache_generation() == before + 1


def test_a_transaction_rolled_back_whole_leaves_the_generation():
    before = page_cache_generation()
    with pytest.raises(RuntimeError), transaction.atomic():
        page_cache_invalidate()
        raise RuntimeError("rolled back")
    assert page_cache_generation() == before
