"""Wagtail's database search index on PostgreSQL: a save sets its own entries' title norms only."""

import subprocess
import sys

import pytest
from modelsearch.index import insert_or_update_object

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from search.wagtail_backend import PortalPostgresSearchBackend
from tests.conftest import ROOT
from tests.portal.test_settings import GOOD_PRODUCTION_ENV

from .factories import material, organisation

BACKEND_NAME = (
    "import django; django.setup(); from wagtail.search.backends import get_search_backend; "
    "print(type(get_search_backend()).__qualname__)"
)


def test_the_test_settings_and_the_production_settings_both_use_the_portals_backend():
    assert type(get_search_backend()) is PortalPostgresSearchBackend
    env = {**GOOD_PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "portal.settings.production"}
    result = subprocess.run(
        [sys.executable, "-c", BACKEND_NAME], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "PortalPostgresSearchBackend", result.stderr


@pytest.mark.django_db
def test_indexing_a_record_touches_only_its_own_entries():
    org = organisation("sc-wagtail-index", name="宜宾市委党史研究室", region="sichuan")
    for title in ("赵一曼", "李硕勋烈士生平", "宜宾地区革命斗争史料汇编"):
        insert_or_update_object(material(title, org))
    saved = material("中共宜宾地方史", org)
    with CaptureQueriesContext(connection) as captured:
        insert_or_update_object(saved)
    index_queries = [q["sql"] for q in captured.captured_queries if IndexEntry._meta.db_table in q["sql"]]
    # No average over the whole index (it is cached), no rewrite of every entry at the default norm.
    assert not [sql for sql in index_queries if "AVG(" in sql.upper()]
    updates = [sql for sql in index_queries if sql.lstrip().upper().startswith("UPDATE")]
    assert updates and all(f"'{saved.pk}'" in sql for sql in updates), updates
