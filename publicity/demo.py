"""Demo stories and red-heritage sites, written for the portal from the facts of the seed bulletin."""

import datetime
from decimal import Decimal

from portal.models import Topic

from .demo_pictures import site_picture_blocks, story_picture_blocks
from .models import RedHeritageSite, Section, Story
from .services import red_heritage_index_ensure, story_index_ensure, submission_workflow_ensure

TOPICS = [
    ("theme", "红岩精神", "hongyan-spirit"),
    ("place", "红岩村", "hongyan-village"),
    ("event", "中央红军长征", "long-march"),
    ("theme", "川渝党史合作", "sichuan-chongqing-cooperation"),
]

# region, slug, section slug, unit code, department, title, date, topics, paragraphs
STORIES = [
    (
        "chongqing",
        "demo-cooperation-agreement",
        "work-news",
        "cq-municipal",
        "宣教处",
        "川渝两地党史部门在成都签署合作框架协议",
        datetime.date(2020, 5, 19),
        ["sichuan-chongqing-cooperation"],
        [
            "2020年5月19日，重庆市委党史研究室分别与四川省委党史研究室、成都市委党史研究室签署合作框架协议，随后召开第一次联席会议。",
            "协议约定两地建立联席会议制度，共享党史资料和研究成果，协同开展课题研究、学术交流、宣传教育和干部培训，并在各自官方网站和新媒体上互推互展对方的红色景点。",
        ],
    ),
    (
        "chongqing",
        "demo-hongyan-reading",
        "work-news",
        "cq-municipal",
        "宣教处",
        "市委党史研究室在红岩村开展读书分享活动",
        datetime.date(2020, 5, 15),
        ["hongyan-village", "hongyan-spirit"],
        [
            "研究室党员干部来到红岩村，参观中共中央南方局暨八路军驻重庆办事处旧址，重温入党誓词。",
            "随后举行的读书分享会上，八位同志结合学习体会作了交流，标志着“读党史、守初心、担使命”活动全面启动。",
        ],
    ),
    (
        "chongqing",
        "demo-qijiang-long-march",
        "experience",
        "cq-qijiang",
        "",
        "綦江区保护利用长征文化资源的做法",
        datetime.date(2020, 6, 1),
        ["long-march"],
        [
            "綦江是中央红军长征途经重庆的唯一地区。区党史部门与贵州相关地区搭建渝黔党史研究合作平台，形成一批研究论文和资政建议。",
            "区里还通过党史讲座、党史期刊和宣传教育片，把长征故事讲进农村、社区、机关、学校和军营。",
        ],
    ),
    (
        "chongqing",
        "demo-youyang-exhibition",
        "news-briefs",
        "cq-youyang",
        "",
        "酉阳举办赵世炎烈士生平事迹主题展",
        datetime.date(2020, 6, 5),
        [],
        [
            "酉阳县委党史研究室与县红色景区管委会联合举办赵世炎烈士生平事迹展，分五个版块讲述他短暂而光辉的一生，参观者累计超过二十万人次。"
        ],
    ),
    (
        "sichuan",
        "demo-chengdu-joint-meeting",
        "work-news",
        "sc-province",
        "",
        "川渝党史部门召开第一次联席会议",
        datetime.date(2020, 5, 19),
        ["sichuan-chongqing-cooperation"],
        [
            "四川省委党史研究室与重庆市委党史研究室在成都召开第一次联席会议，商定以“一家亲”的感情推动常态化合作。",
            "双方将共同记录、研究和宣传国家战略在川渝地区的生动实践，鼓励各市（州）、区（县）党史部门对口交流。",
        ],
    ),
    (
        "sichuan",
        "demo-yaan-visit-jiangjin",
        "news-briefs",
        "sc-yaan",
        "",
        "雅安市委党史研究室到江津交流",
        datetime.date(2020, 6, 3),
        [],
        [
            "雅安市委党史研究室一行参观聂帅陈列馆和陈独秀旧居后，与江津区委党史研究室座谈，商定在史料收集和革命遗址保护利用方面加强合作。"
        ],
    ),
]

# region, slug, unit code, title, place, history, visiting information, address, latitude, longitude
# (WGS-84; 红岩 as the memorial publishes it, the two 故里 near their memorial halls).
RED_SITES = [
    (
        "chongqing",
        "hongyan-village",
        "cq-municipal",
        "红岩村 中共中央南方局暨八路军驻重庆办事处旧址",
        "重庆市渝中区红岩村",
        "<p>抗日战争时期和解放战争初期，中共中央南方局和八路军驻重庆办事处在这里办公，周恩来等同志在此领导国民党统治区的工作，孕育了红岩精神。</p>",
        "全年开放，免费参观；团体参观请提前预约。",
        "重庆市渝中区红岩村52号（红岩革命纪念馆）",
        "29.563000",
        "106.499000",
    ),
    (
        "sichuan",
        "deng-xiaoping-hometown",
        "sc-guangan",
        "邓小平故里",
        "四川省广安市广安区协兴镇",
        "<p>邓小平同志的出生地和青少年时期生活的地方，保存有故居、纪念馆等，是全国爱国主义教育示范基地。</p>",
        "纪念馆周一闭馆，其余时间开放。",
        "四川省广安市广安区协兴镇牌坊村（邓小平故里管理局）",
        "30.498000",
        "106.689000",
    ),
    (
        "sichuan",
        "zhu-de-hometown",
        "sc-province",
        "朱德故里",
        "四川省南充市仪陇县马鞍镇",
        "<p>朱德同志的诞生地和青少年时期生活的地方，有朱德故居、朱德同志故居纪念馆和琳琅山等，是全国重点文物保护单位。</p>",
        "朱德故居免费开放；纪念馆周一闭馆。",
        "四川省南充市仪陇县马鞍镇琳琅村（朱德故里景区）",
        "31.524000",
        "106.394000",
    ),
]


def paragraph_blocks(paragraphs: list[str]) -> list[dict]:
    return [{"type": "paragraph", "value": f"<p>{text}</p>"} for text in paragraphs]


def seed(*, region: str, organisations: dict, stdout) -> None:
    """Demo content of this module for the region (idempotent)."""
    index = story_index_ensure()
    sites_index = red_heritage_index_ensure()
    topics = {}
    for kind, name, slug in TOPICS:
        topic = Topic.objects.filter(kind=kind, name=name).first() or Topic.objects.filter(slug=slug).first()
        topics[slug] = topic or Topic.objects.create(kind=kind, name=name, slug=slug)
    sections = {section.slug: section for section in Section.objects.all()}
    stories = 0
    for story_region, slug, section, unit, department, title, date, tags, paragraphs in STORIES:
        if story_region != region or unit not in organisations:
            continue
        story = Story.objects.child_of(index).filter(slug=slug).first()
        values = {
            "title": title,
            "section": sections[section],
            "origin_organisation": organisations[unit],
            "contributing_department": department,
            "publication_date": date,
            "summary": paragraphs[0],
            # The picture follows the opening paragraph; its first image is the story's thumbnail.
            "body": [
                *paragraph_blocks(paragraphs[:1]),
                *story_picture_blocks(slug),
                *paragraph_blocks(paragraphs[1:]),
            ],
        }
        if story is None:
            story = Story(slug=slug, **values)
            index.add_child(instance=story)
        else:
            for key, value in values.items():
                setattr(story, key, value)
        story.topics.set([topics[tag] for tag in tags])
        story.save_revision().publish()
        stories += 1
    for site_region, slug, unit, title, place, history, visiting, address, latitude, longitude in RED_SITES:
        if site_region != region or unit not in organisations:
            continue
        site = RedHeritageSite.objects.child_of(sites_index).filter(slug=slug).first()
        values = {
            "title": title,
            "place": place,
            "history": history,
            "visiting_information": visiting,
            "origin_organisation": organisations[unit],
            "address": address,
            "latitude": Decimal(latitude),
            "longitude": Decimal(longitude),
            "images": site_picture_blocks(slug, title),
        }
        if site is None:
            site = RedHeritageSite(slug=slug, **values)
            sites_index.add_child(instance=site)
        else:
            for key, value in values.items():
                setattr(site, key, value)
        if slug == "hongyan-village":
            site.related_stories.set(Story.objects.filter(slug="demo-hongyan-reading"))
        site.save_revision().publish()
    submission_workflow_ensure(region=region, index=index)
    stdout.write(f"publicity: {region}: {stories} demo stories, story list at {index.url}")
