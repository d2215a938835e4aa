"""Keyset pagination of the public lists (portal.pagination, issue 18): materials and projects here,
stories in tests/publicity/test_story_pages.py."""

import datetime as dt
from urllib.parse import parse_qs

import pytest

from django.core import signing
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from materials.models import Material
from portal.pagination import _salt
from portal.services import staff_user_create_or_update
from research.models import Project
from tests.factories import OrganisationFactory
from tests.materials.factories import MaterialFactory
from tests.research.factories import ProjectFactory
from tests.support.clock import test_now as clock_now
from tests.support.pages import explain_sorted_by_index, page_links, walk

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture
def materials():
    """45 public materials in three runs sharing a deposit time, and 6 internal ones of another unit
    deposited at the same times (in the list's order, anonymous readers see only the public ones)."""
    owner = OrganisationFactory(region="sichuan")
    other = OrganisationFactory(region="chongqing")
    now = clock_now()
    public, hidden = [], []
    for run in range(3):
        at = now - dt.timedelta(days=run)
        for n in range(15):
            kind = "photo" if n % 3 == 0 else "archive"
            public.append(MaterialFactory(origin_organisation=owner, deposited_at=at, material_type=kind))
        for _ in range(2):
            hidden.append(
                MaterialFactory(origin_organisation=other, deposited_at=at, access_level="internal")
            )
    public.sort(key=lambda m: (m.deposited_at, m.pk), reverse=True)
    return {"public": public, "hidden": hidden, "other": other}


def test_walking_the_materials_by_cursor_visits_each_visible_record_once_in_order(client, materials):
    pages = walk(client, "/materials/", context_name="materials")
    assert [len(page) for page in pages] == [20, 20, 5]
    assert [m.pk for page in pages for m in page] == [m.pk for m in materials["public"]]


def test_walking_back_by_previous_links_gives_the_same_pages(client, materials):
    forward = walk(client, "/materials/", context_name="materials")
    last = page_links(client.get("/materials/").content.decode())["next"]
    last = page_links(client.get("/materials/" + last).content.decode())["next"]
    backward = walk(client, "/materials/", context_name="materials", start=last, rel="prev")
    assert [[m.pk for m in page] for page in reversed(backward)] == [[m.pk for m in page] for page in forward]
    first_again = client.get(
        "/materials/" + page_links(client.get("/materials/" + last).content.decode())["prev"]
    )
    assert first_again.context["page_obj"].number == 2


def test_a_unit_member_walks_the_records_of_their_unit_too(client, materials):
    member = staff_user_create_or_update(
        username="cq_reader", organisation=materials["other"], roles=["editor"]
    )
    client.force_login(member)
    seen = [m.pk for page in walk(client, "/materials/", context_name="materials") for m in page]
    expected = sorted(
        materials["public"] + materials["hidden"], key=lambda m: (m.deposited_at, m.pk), reverse=True
    )
    assert seen == [m.pk for m in expected]


def test_the_filters_are_kept_across_pages(client, materials):
    photos = [m.pk for m in materials["public"] if m.material_type == "photo"]
    archives = [m for m in materials["public"] if m.material_type == "archive"]
    assert len(archives) == 30
    pages = walk(client, "/materials/", context_name="materials", start="?type=archive")
    assert [m.pk for page in pages for m in page] == [m.pk for m in archives]
    assert not set(photos) & {m.pk for page in pages for m in page}
    second = page_links(client.get("/materials/?type=archive").content.decode())["next"]
    assert parse_qs(second[1:])["type"] == ["archive"]


def _next_cursor(client, path: str) -> str:
    return parse_qs(page_links(client.get(path).content.decode())["next"][1:])["after"][0]


@pytest.mark.parametrize("change", ["tampered", "garbage", "other list", "wrong value", "before garbage"])
def test_a_cursor_that_does_not_verify_gives_the_first_page(client, materials, change):
    cursor = _next_cursor(client, "/materials/")
    if change == "tampered":
        value = cursor[:5] + ("A" if cursor[5] != "A" else "B") + cursor[6:]
        params = {"after": value}
    elif change == "garbage":
        params = {"after": "%%%not-a-cursor"}
    elif change == "other list":
        ProjectFactory.create_batch(21)
        params = {"after": _next_cursor(client, "/research/")}
    elif change == "wrong value":
        params = {"after": signing.dumps([2, ["yesterday", "x"]], salt=_salt(Material), compress=True)}
    else:
        params = {"before": cursor + "x"}
    response = client.get("/materials/", params)
    assert response.status_code == 200
    page = response.context["page_obj"]
    assert [m.pk for m in page] == [m.pk for m in materials["public"][:20]]
    assert page.number == 1 and not page.has_previous


def test_old_page_links_still_work(client, materials):
    public = [m.pk for m in materials["public"]]
    second = client.get("/materials/", {"page": 2})
    assert [m.pk for m in second.context["materials"]] == public[20:40]
    assert "第 2 页，共 3 页" in second.content.decode()
    links = page_links(second.content.decode())
    assert "after=" in links["next"] and "before=" in links["prev"]
    assert [m.pk for m in client.get("/materials/" + links["next"]).context["materials"]] == public[40:]
    assert [m.pk for m in client.get("/materials/" + links["prev"]).context["materials"]] == public[:20]
    assert [m.pk for m in client.get("/materials/?page=abc").context["materials"]] == public[:20]
    assert [m.pk for m in client.get("/materials/?page=999").context["materials"]] == public[40:]
    english = client.get("/en/materials/", {"page": 2}).content.decode()
    assert "Page 2 of 3" in english and 'rel="next" href="?after=' in english


def test_walking_projects_keeps_ties_on_date_and_title_and_projects_without_a_date(client):
    owner = OrganisationFactory(region="sichuan")
    days = [None, dt.date(2024, 3, 1), dt.date(2023, 9, 1)]
    for n in range(27):
        ProjectFactory(origin_organisation=owner, start_date=days[n % 3], title=f"课题{'AB'[n % 2]}")
    ProjectFactory(origin_organisation=owner, title="课题A", access_level="internal")
    visible = Project.objects.filter(access_level="public")
    expected = sorted(
        visible,
        key=lambda p: (p.start_date is not None, -(p.start_date or dt.date.min).toordinal(), p.title, -p.pk),
    )
    pages = walk(client, "/research/", context_name="projects")
    assert [len(page) for page in pages] == [20, 7]
    assert [p.pk for page in pages for p in page] == [p.pk for p in expected]
    # Back from page 2 (dated projects) to page 1, which starts with the projects without a date.
    second = page_links(client.get("/research/").content.decode())["next"]
    back = walk(client, "/research/", context_name="projects", start=second, rel="prev")
    assert [p.pk for page in reversed(back) for p in page] == [p.pk for p in expected]


def test_the_count_is_cached_per_content_generation_reader_and_filters(
    client, materials, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_FILTER_CACHE_SECONDS = 60
    cache.clear()

    def shown(params=None) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/materials/", params or {})
        counts = [q for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT")]
        return response.context["page_obj"].count, len(counts)

    assert shown() == (45, 1)
    assert shown() == (45, 0)
    assert shown({"type": "photo"}) == (15, 1)
    assert shown({"q": "长" * 201}) == (0, 0)  # a keyword no record could hold: nothing to count
    client.force_login(
        staff_user_create_or_update(username="cq", organisation=materials["other"], roles=["editor"])
    )
    assert shown() == (51, 1)
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        MaterialFactory(origin_organisation=materials["other"])
    assert shown() == (46, 1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
@pytest.mark.parametrize("path", ["/materials/", "/research/"])
def test_a_deep_page_is_read_off_the_listing_index_from_its_cursor(client, materials, path):
    ProjectFactory.create_batch(45, origin_organisation=OrganisationFactory())
    cursor = _next_cursor(client, path)
    table = "materials_material" if path == "/materials/" else "research_project"
    with CaptureQueriesContext(connection) as queries:
        client.get(path, {"after": cursor})
    [sql] = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(f'SELECT "{table}"."id"')]
    assert "OFFSET" not in sql and "LIMIT 21" in sql and "DISTINCT" not in sql
    plan = explain_sorted_by_index(sql)
    index = "material_listing_order" if table == "materials_material" else "project_listing_order"
    assert f"Index Scan using {index}" in plan, plan
    assert "Sort" not in plan, plan
    column = "deposited_at" if table == "materials_material" else "start_date"
    cond = next(line for line in plan.splitlines() if "Index Cond" in line)
    assert f"{column} <=" in cond, plan
