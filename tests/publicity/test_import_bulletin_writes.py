import io
from pathlib import Path

import pytest

from django.core.management import call_command

from portal.models import Organisation
from publicity.models import BulletinIssue, Story

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

SEED = Path(__file__).parent / "data" / "chongqing_bulletin_2020_03.txt"


def _import() -> str:
    out = io.StringIO()
    call_command("import_bulletin", str(SEED), stdout=out)
    return out.getvalue()


def _stories():
    return list(Story.objects.select_related("section", "origin_organisation").order_by("bulletin_order"))


def test_known_organisations_are_reused(story_index):
    Organisation.objects.create(
        code="cq-qijiang",
        name="綦江区委党史地方志研究室",
        short_name="綦江区委党史地方志研究室",
        region="chongqing",
        level="district",
    )
    _import()

    assert Story.objects.filter(origin_organisation__code="cq-qijiang").count() == 2
    assert Organisation.objects.filter(name="綦江区委党史地方志研究室").count() == 1


def test_reimport_changes_nothing_but_versions(story_index):
    _import()
    first = {s.title: (s.pk, s.global_id) for s in _stories()}
    organisations = Organisation.objects.count()

    output = _import()

    assert "0 created, 14 updated, 0 organisations created" in output
    assert {s.title: (s.pk, s.global_id) for s in _stories()} == first
    assert Organisation.objects.count() == organisations
    assert BulletinIssue.objects.count() == 1
    # Each publication: its save, then the address it is syndicated under (publicity.services).
    assert all(s.version == 5 for s in _stories())


def test_unreadable_parts_are_reported(story_index, tmp_path):
    broken = tmp_path / "broken.txt"
    broken.write_text(
        "重庆党史工作\n\n第4期 (总第199期)\n\n2020年7月1日\n\n【工作动态】\n\n"
        "某某工作会议召开\n\n会议研究了工作。\n\n【信息短波】\n\n(渝中区委党史研究室供稿)\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("import_bulletin", str(broken), stdout=out)

    report = out.getvalue()
    assert "2 problem(s)" in report
    assert "《某某工作会议召开》没有供稿单位" in report
    assert "没有正文的供稿行" in report
    assert not Story.objects.filter(title="某某工作会议召开").exists()


def test_reimport_finds_stories_stored_with_the_titles_as_printed(story_index):
    """Stories imported before titles were normalised carry the half-width quotes of the seed."""
    _import()
    normalised = "市委党史研究室举办“读党史、守初心、担使命”读书分享活动"
    printed = '市委党史研究室举办"读党史、守初心、担使命"读书分享活动'
    story = Story.objects.get(title=normalised)
    Story.objects.filter(pk=story.pk).update(title=printed, draft_title=printed)

    output = _import()

    assert "0 created, 14 updated" in output
    assert Story.objects.count() == 14
    story.refresh_from_db()
    assert story.title == normalised
