"""Wagtail's search index reads a material's current file and its pages once, not once per column."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.search import index

from materials.models import Material

pytestmark = pytest.mark.django_db


def test_indexing_a_material_reads_its_file_and_pages_once(extracted_minutes):
    material = extracted_minutes
    fresh = Material.objects.get(pk=material.pk)  # as the index task reads it

    with CaptureQueriesContext(connection) as queries:
        index.insert_or_update_object(fresh)

    sql = [query["sql"] for query in queries.captured_queries]
    assert len([q for q in sql if 'FROM "materials_materialfile"' in q]) == 1
    assert len([q for q in sql if 'FROM "materials_materialfilepage"' in q]) == 1
    # What was indexed is what the material reads without the prefetch.
    plain = Material.objects.get(pk=material.pk)
    assert fresh.text_segments() == plain.text_segments() and "重庆" in fresh.text_segments()
    assert fresh.text_pages() == plain.text_pages() and len(fresh.text_pages()) == 3
