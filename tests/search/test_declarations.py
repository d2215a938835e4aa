"""One declaration, read everywhere: the access rule and each model's searchable text."""

import pytest

from django.contrib.auth.models import AnonymousUser

from portal.access import reader_for, visible_to
from portal.models import AccessLevel
from research.models import Expert
from search.selectors import content_search
from search.sources import record_document, source_for

from . import factories as f

pytestmark = pytest.mark.django_db

LEVELS = list(AccessLevel.values)


@pytest.fixture
def records(qijiang, chengdu):
    return {
        (owner.code, level): f.project(f"档案课题{owner.pk}{level}", owner, access_level=level)
        for owner in (qijiang, chengdu)
        for level in LEVELS
    }


@pytest.mark.parametrize("who", ["anonymous", "member", "outsider_staff", "superuser"])
def test_queryset_index_and_record_checks_agree(who, records, qijiang, chengdu, settings):
    """The database filter, the Elasticsearch filter and the single-record check all derive from Reader."""
    from tests.factories import UserFactory

    user = {
        "anonymous": lambda: AnonymousUser(),
        "member": lambda: f.staff("qj_member", qijiang),
        "outsider_staff": lambda: f.staff("cd_member", chengdu),
        "superuser": lambda: UserFactory(username="root", is_superuser=True, is_staff=True),
    }[who]()
    reader = reader_for(user)
    by_rule = {
        r.title
        for r in records.values()
        if reader.allows(level=r.access_level, owner_id=r.origin_organisation_id)
    }
    from research.models import Project

    by_queryset = set(visible_to(user, Project.objects.all()).values_list("title", flat=True))
    found = content_search(query="档案课题", user=user)
    # Answered by the Elasticsearch filter itself, not by the database fallback.
    assert found.backend == "elasticsearch"
    by_index = {hit["title"] for hit in found.hits}
    assert by_queryset == by_rule
    assert by_index == by_rule
    expected = {"anonymous": 2, "member": 5, "outsider_staff": 5, "superuser": 6}[who]
    assert len(by_rule) == expected


def test_searchable_text_is_declared_once_for_index_segments_and_document(qijiang):
    expert = f.expert("李四光", qijiang, bio="研究川东地质与红色档案。")
    names = Expert.search_text
    searched = {field.field_name for field in Expert.get_searchable_search_fields()}
    assert set(names) | {"search_segments"} <= searched

    document = record_document(source_for("research.Expert"), expert)
    assert document["title"] == expert.search_title() == "李四光"
    # The workplace (the expert's organisation) is in the document's body and in the segments.
    assert qijiang.name in document["body"]
    assert set(expert.search_body().split("\n")) == {expert.title, qijiang.name, expert.bio} - {""}
    segments = expert.search_segments().split()
    assert "綦江" in segments and "地质" in segments
