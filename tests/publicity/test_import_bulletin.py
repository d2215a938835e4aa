import datetime
import re

import pytest

from portal.models import Organisation
from portal.text import CJK
from publicity.models import BulletinIssue, Story

from .conftest import SEED

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

# (section, title, contributing unit as printed, unit organisation's name) for every item, in order.
# The seed prints half-width quotes in Chinese titles; the stories carry full-width ones.
EXPECTED = [
    ("工作动态", "市委党史研究室专题研究 2020 年意识形态工作", "市委党史研究室宣教处", "重庆市委党史研究室"),
    (
        "工作动态",
        "市委党史研究室举办“读党史、守初心、担使命”读书分享活动",
        "市委党史研究室宣教处",
        "重庆市委党史研究室",
    ),
    (
        "工作动态",
        "川渝、成渝党史部门签署战略合作协议协同推进两地党史工作",
        "市委党史研究室宣教处",
        "重庆市委党史研究室",
    ),
    (
        "工作动态",
        "市委党史研究室与有关部门联合召开“红岩精神与中国革命精神学术研讨会”专家咨询会议",
        "市委党史研究室南方局研究室",
        "重庆市委党史研究室",
    ),
    ("工作动态", "市委党史研究室进一步加强党史信息工作", "市委党史研究室宣教处", "重庆市委党史研究室"),
    ("工作动态", "沙坪坝区史志工作机构调整", "沙坪坝区委党史研究室", "沙坪坝区委党史研究室"),
    (
        "工作动态",
        "九龙坡区委党史研究室强化工作联动推动陶家镇党史工作上台阶",
        "九龙坡区委党史研究室",
        "九龙坡区委党史研究室",
    ),
    # The seed misprints 璧山 as 壁山 on the 供稿 line; the unit is 璧山's office.
    ("工作动态", "璧山区委党史研究室用好红色资源讲好党史故事", "璧山区委党史研究室", "璧山区委党史研究室"),
    (
        "经验交流",
        "綦江区扎实推进长征文化资源保护利用工作",
        "綦江区委党史地方志研究室",
        "綦江区委党史地方志研究室",
    ),
    (
        "信息短波",
        "渝中区委党史研究室赴九龙坡区周贡植故居参观学习",
        "渝中区委党史研究室",
        "渝中区委党史研究室",
    ),
    (
        "信息短波",
        "四川省雅安市委党史研究室主任师伟一行近日到江津区调研",
        "江津区委党史研究室",
        "江津区委党史研究室",
    ),
    (
        "信息短波",
        "南川区史志办日前实地走访奚成烈士墓、奚成广场、红五星校门、奚成图书馆等",
        "南川区史志办",
        "南川区史志办",
    ),
    (
        "信息短波",
        "綦江区委党史地方志研究室、区退役军人事务局、区文化旅游委日前联合召开綦江区第三批"
        "国家级抗战纪念设施、遗址和著名抗日英烈、英雄群体申报工作座谈会",
        "綦江区委党史地方志研究室",
        "綦江区委党史地方志研究室",
    ),
    (
        "信息短波",
        "酉阳县委党史研究室联合县红色景区管委会开展“浩气如虹烁古今——赵世炎烈士生平事迹发展”主题党史展览",
        "酉阳县委党史研究室",
        "酉阳县委党史研究室",
    ),
]


def _stories():
    return list(Story.objects.select_related("section", "origin_organisation").order_by("bulletin_order"))


def test_every_item_of_the_seed_bulletin_is_imported(imported_seed):
    output = imported_seed

    stories = _stories()
    assert [
        (s.section.name, s.title, s.contributor_line, s.origin_organisation.name) for s in stories
    ] == EXPECTED
    assert all(s.live for s in stories)
    assert "14 created" in output
    assert "every part of the file was read" in output


def test_imported_stories_are_addressed_by_the_bulletins_date_and_their_order(imported_seed):
    # The same short address an editor's new story gets: the date, then a number.
    assert [s.slug for s in _stories()] == [f"2020-06-09-{n}" for n in range(1, len(EXPECTED) + 1)]


def test_import_reads_the_masthead_and_the_distribution_block(imported_seed):
    issue = BulletinIssue.objects.get()
    assert (issue.title, issue.number, issue.total_number) == ("重庆党史工作", 3, 198)
    assert issue.date == datetime.date(2020, 6, 9)
    assert issue.region == "chongqing"
    assert issue.compiler == "中共重庆市委党史研究室"
    assert issue.distribution_report == "中央党史和文献研究院"
    assert issue.distribution_send.startswith("市级有关部门领导")
    assert "万盛经开区党史研究室" in issue.distribution_issue
    assert issue.editor_line.startswith("责编: 余敬春")
    assert issue.stories.count() == 14


def test_bodies_are_whole_paragraphs_without_print_artefacts(imported_seed):
    study = Story.objects.get(bulletin_order=1)
    text = "".join(study.body_text())
    # Wrapped lines ("重要 论述") and a paragraph cut by a page break ("宣传\n\n力度") are joined.
    assert "重要论述，审议了" in text
    assert "加大党史正面宣传力度，围绕" in text
    assert "供稿" not in text
    bishan = Story.objects.get(bulletin_order=8)
    assert [p[:4] for p in bishan.body_text()[1:]] == ["一是推进", "二是开展", "三是运用"]
    qijiang = Story.objects.get(section__name="经验交流")
    assert qijiang.body_text()[0].startswith("綦江区是中央红军长征在重庆的唯一过境地")


def test_imported_chinese_text_has_full_width_punctuation(imported_seed):
    printed = SEED.read_text(encoding="utf-8")
    assert "5月15日上午,市委党史研究室" in printed and '为什么"能"' in printed

    stories = _stories()
    study = stories[0]
    assert study.summary.startswith("5月15日上午，市委党史研究室召开室务会，集中学习")
    assert "为什么“能”、马克思主义为什么“行”" in "".join(study.body_text())
    half_width_beside_chinese = re.compile(rf'{CJK.pattern}[,;:?!()"]|[,;:?!()"]{CJK.pattern}')
    for story in stories:
        for text in [story.title, story.summary, *story.body_text()]:
            assert not half_width_beside_chinese.search(text), text


def test_missing_organisations_are_created_with_a_guessed_level(imported_seed):
    municipal = Organisation.objects.get(name="重庆市委党史研究室")
    assert (municipal.region, municipal.level, municipal.short_name) == (
        "chongqing",
        "province",
        "市委党史研究室",
    )
    youyang = Organisation.objects.get(name="酉阳县委党史研究室")
    assert (youyang.region, youyang.level) == ("chongqing", "district")
    assert not Organisation.objects.filter(name__startswith="壁山").exists()
