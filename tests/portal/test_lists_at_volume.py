"""Record lists at volume: no DISTINCT, pagination everywhere, cached filter menus (issue 18).

Keyset pagination itself: tests/portal/test_keyset_pagination.py."""

import pytest

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from materials.filters import MaterialFilters
from materials.selectors import material_list
from portal.pagination import keyset_page
from portal.services import topic_get_or_create
from research.filters import ExpertFilters, ProjectFilters
from research.selectors import expert_list, project_list
from tests.factories import OrganisationFactory
from tests.materials.factories import MaterialFactory
from tests.research.factories import ExpertFactory, ProjectFactory
from tests.support.pages import page_links
from tests.training.factories import CourseFactory
from training.selectors import course_list

pytestmark = pytest.mark.django_db


def listed_once(queryset) -> tuple[list, list[str]]:
    """The first page of a list as its page would read it, and every SQL statement that took."""
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with CaptureQueriesContext(connection) as queries:
        page = keyset_page(request, queryset, page_size=20)
        rows = list(page.object_list)
        assert page.count == len(rows)
    return rows, [query["sql"] for query in queries.captured_queries]


def assert_no_distinct(statements: list[str]):
    assert statements
    assert not [sql for sql in statements if "DISTINCT" in sql.upper()]


def test_a_material_matching_several_tags_is_listed_once_without_distinct():
    organisation = OrganisationFactory(region="sichuan")
    qijiang = topic_get_or_create(kind="place", name="綦江")
    liu = topic_get_or_create(kind="person", name="刘德惠")
    material = MaterialFactory(origin_organisation=organisation, origin_region="sichuan")
    material.topics.set([qijiang, liu, topic_get_or_create(kind="event", name="綦江暴动")])
    MaterialFactory(origin_organisation=organisation)  # tagged with nothing: filtered out

    filters = MaterialFilters(
        {"place": qijiang.slug, "person": liu.slug, "topic": qijiang.slug, "region": "sichuan"},
        user=AnonymousUser(),
    )
    rows, statements = listed_once(material_list(user=AnonymousUser(), filters=filters))
    assert rows == [material]
    assert_no_distinct(statements)


def test_a_project_led_by_two_offices_of_the_region_is_listed_once_without_distinct():
    chengdu = OrganisationFactory(region="sichuan")
    mianyang = OrganisationFactory(region="sichuan")
    theme = topic_get_or_create(kind="theme", name="三线建设")
    project = ProjectFactory(lead_organisations=[chengdu, mianyang], topics=[theme])
    ProjectFactory()  # led from Chongqing

    filters = ProjectFilters({"region": "sichuan", "topic": theme.slug}, user=AnonymousUser())
    rows, statements = listed_once(project_list(user=AnonymousUser(), filters=filters))
    assert rows == [project]
    assert_no_distinct(statements)


def test_an_expert_whose_several_fields_match_is_listed_once_without_distinct():
    fields = [topic_get_or_create(kind="theme", name=name) for name in ("长征史", "长征精神")]
    expert = ExpertFactory(fields=fields, access_level="public")
    ExpertFactory(fields=[topic_get_or_create(kind="theme", name="抗战史")], access_level="public")

    filters = ExpertFilters({"q": "长征"}, user=AnonymousUser())
    rows, statements = listed_once(expert_list(user=AnonymousUser(), filters=filters))
    assert rows == [expert]
    assert_no_distinct(statements)


def test_the_materials_page_counts_and_lists_without_distinct(client):
    organisation = OrganisationFactory(region="sichuan")
    qijiang = topic_get_or_create(kind="place", name="綦江")
    MaterialFactory(title="綦江档案", origin_organisation=organisation).topics.set([qijiang])
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/materials/", {"place": qijiang.slug})
    assert response.status_code == 200 and "綦江档案" in response.content.decode()
    listing = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith(("SELECT COUNT", 'SELECT "materials_material"'))
    ]
    assert len(listing) == 2
    assert_no_distinct(listing)


def _listing_index_columns(queryset) -> list[tuple[str, str]]:
    """The (column, ASC/DESC) pairs a list's ORDER BY asks for."""
    meta = queryset.model._meta
    wanted = []
    for term in queryset.query.order_by:
        name = term.lstrip("-")
        column = meta.pk.column if name == "pk" else meta.get_field(name).column
        wanted.append((column, "DESC" if term.startswith("-") else "ASC"))
    return wanted


def test_each_list_has_an_index_matching_its_order():
    from publicity.models import Story

    anonymous = AnonymousUser()
    lists = {
        "material_listing_order": material_list(user=anonymous),
        "story_listing_order": Story.objects.listed(user=anonymous),
        "project_listing_order": project_list(user=anonymous),
        "expert_listing_order": expert_list(user=anonymous),
        "course_listing_order": course_list(user=anonymous),
    }
    for name, queryset in lists.items():
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, queryset.model._meta.db_table)
        index = constraints[name]
        assert list(zip(index["columns"], index["orders"], strict=True)) == _listing_index_columns(queryset)


def test_the_research_list_is_paginated_and_keeps_the_filters(client):
    for number in range(25):
        ProjectFactory(title=f"川渝课题第{number:02d}号", status="active")
    ProjectFactory(title="已结题课题", status="completed")

    first = client.get("/research/", {"status": "active"}).content.decode()
    assert first.count('class="card project"') == 20
    assert "共 25 个课题" in first and "第 1 页，共 2 页" in first
    assert 'href="?status=active&amp;after=' in first
    second = client.get("/research/" + page_links(first)["next"]).content.decode()
    assert second.count('class="card project"') == 5 and 'rel="prev"' in second
    assert "第 2 页，共 2 页" in second
    assert "已结题课题" not in first + second


@pytest.mark.parametrize(
    ("path", "card", "make"),
    [
        (
            "/research/experts/",
            'class="card expert"',
            lambda n: ExpertFactory(name=f"专家{n:02d}", access_level="public"),
        ),
        ("/training/", 'class="card training-course"', lambda n: CourseFactory(title=f"培训课程{n:02d}")),
    ],
)
def test_the_expert_pool_and_the_training_list_are_paginated(client, path, card, make):
    for number in range(23):
        make(number)

    first = client.get(path).content.decode()
    assert first.count(card) == 20 and "第 1 页，共 2 页" in first
    second = client.get(path + page_links(first)["next"]).content.decode()
    assert second.count(card) == 3 and "第 2 页，共 2 页" in second and 'rel="prev"' in second
    assert 'rel="next"' not in second
