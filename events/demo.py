"""Demo events drawn from the seed bulletin (重庆党史工作 2020年第3期).

Each region seeds the meetings its own organisations host, under stable global ids;
the partner's arrive by sync, so the ICS UIDs agree across sites.
"""

import uuid
from datetime import date, datetime

from portal.models import HomePage
from portal.services import singleton_page_ensure

from .models import EVENT_TIME_ZONE, ActionItem, Event, EventCalendarPage, EventException, EventMaterialLink

NAMESPACE = uuid.UUID("8b0b7f0e-2c1f-4f57-9a55-0d3c6f2b1e20")


def _at(*parts) -> datetime:
    return datetime(*parts, tzinfo=EVENT_TIME_ZONE)


EVENTS = [
    {
        "key": "first-joint-meeting-2020",
        "title": "川渝党史部门第一次联席会议",
        "event_type": "joint_meeting",
        "host": "sc-province",
        "co_hosts": ["cq-municipal", "sc-chengdu"],
        "starts_at": _at(2020, 5, 19, 9, 30),
        "ends_at": _at(2020, 5, 19, 12, 0),
        "city": "成都",
        "venue": "四川省委党史研究室会议室",
        "access_level": "public",
        "summary": (
            "重庆市委党史研究室在成都与四川省委党史研究室、成都市委党史研究室分别签署合作框架协议，"
            "并召开第一次联席会议，共商两地党史合作，服务成渝地区双城经济圈建设。"
        ),
        "agenda": (
            "<ol><li>签署川渝、成渝党史部门合作框架协议</li>"
            "<li>通报两地党史工作情况</li>"
            "<li>商议建立联席会议制度和协作事项</li></ol>"
        ),
        "participants": "四川省委党史研究室、成都市委党史研究室、重庆市委党史研究室负责同志及相关处室同志",
        "minutes": (
            "<p>会议商定建立联席会议制度，通过联席会议加强川渝两地各级党史部门的沟通联系，"
            "协同开展党史资料征编、党史研究、学术研讨、党史宣传教育、党史成果转化、人员培训培养等工作。</p>"
        ),
        "materials": [
            ("decision", "川渝党史部门合作框架协议要点", "/about/"),
        ],
        "actions": [
            ("建立联席会议制度，原则上每季度召开一次", "cq-municipal", date(2020, 8, 31), True),
            ("共同筹办“红岩精神与中国革命精神学术研讨会”", "cq-municipal", date(2021, 6, 30), True),
            ("制定党史干部专业化联合培养行动计划", "sc-province", date(2020, 12, 31), False),
        ],
    },
    {
        "key": "hongyan-consultation-2020",
        "title": "“红岩精神与中国革命精神学术研讨会”专家咨询会议",
        "event_type": "other",
        "host": "cq-municipal",
        "co_hosts": [],
        "starts_at": _at(2020, 5, 28, 14, 30),
        "ends_at": _at(2020, 5, 28, 17, 30),
        "city": "重庆",
        "venue": "重庆市委党史研究室",
        "access_level": "partners",
        "summary": (
            "市委党史研究室、西南大学、重庆红岩联线文化发展管理中心联合召开专家咨询会议，"
            "就办好研讨会的主题、组织和成果转化听取专家意见。"
        ),
        "agenda": "<ol><li>通报研讨会筹备方案</li><li>专家建言献策</li></ol>",
        "participants": "市委党史研究室、西南大学、重庆红岩联线文化发展管理中心负责同志及特邀专家",
        "minutes": "",
        "materials": [],
        "actions": [],
    },
    {
        "key": "hongyan-symposium-2021",
        "title": "红岩精神与中国革命精神学术研讨会",
        "event_type": "symposium",
        "host": "cq-municipal",
        "co_hosts": [],
        "starts_at": _at(2021, 6, 10, 9, 0),
        "ends_at": _at(2021, 6, 11, 17, 30),
        "city": "重庆",
        "venue": "西南大学",
        "access_level": "public",
        "summary": (
            "研讨会由重庆市委党史研究室、西南大学、重庆红岩联线文化发展管理中心联合主办，"
            "于2021年上半年在重庆召开。会议聚焦红岩精神的科学内涵、红岩精神在中国革命精神谱系中的地位"
            "和红岩精神的当代价值，立足重庆、面向全国邀请专家学者与会，入选论文择优汇编成册。"
        ),
        "agenda": (
            "<ol><li>开幕式及主旨报告</li><li>分组研讨：红岩精神的科学内涵</li>"
            "<li>分组研讨：红岩精神与中国革命精神谱系</li><li>闭幕式及成果发布</li></ol>"
        ),
        "participants": "川渝两地党史部门、高校和研究机构的专家学者，论文入选作者",
        "minutes": "",
        "materials": [],
        "actions": [],
    },
    {
        "key": "quarterly-joint-meeting",
        "title": "川渝党史部门季度联席会议",
        "event_type": "joint_meeting",
        "host": "cq-municipal",
        "co_hosts": ["sc-province", "sc-chengdu"],
        "starts_at": _at(2020, 8, 18, 9, 30),
        "ends_at": _at(2020, 8, 18, 11, 30),
        "city": "重庆、成都轮流",
        "venue": "两地党史研究室会议室（视频连线）",
        "online_url": "",
        "access_level": "public",
        "frequency": "MONTHLY",
        "interval": 3,
        "summary": (
            "按照合作框架协议建立的联席会议制度，两地党史部门每季度召开一次联席会议，"
            "通报工作进展，协调资料共享、联合研究、宣传教育和干部培训等协作事项。"
        ),
        "agenda": "<ol><li>上季度协作事项完成情况</li><li>下季度协作计划</li><li>其他事项</li></ol>",
        "participants": "两地省级、市级党史部门联络员，有关区县党史部门负责同志",
        "minutes": "",
        "materials": [],
        "actions": [],
        "exceptions": [
            (
                date(2021, 2, 18),
                "cancelled",
                None,
                None,
                "因春节后工作安排调整，本次会议取消，相关事项书面沟通",
            ),
            (
                date(2020, 11, 18),
                "moved",
                _at(2020, 11, 25, 9, 30),
                _at(2020, 11, 25, 11, 30),
                "改至11月25日召开",
            ),
        ],
    },
]


def event_global_id(key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, key)


def calendar_page_ensure() -> EventCalendarPage | None:
    """The menu entry for the calendar, under the home page."""
    return singleton_page_ensure(
        model=EventCalendarPage,
        parent=HomePage.objects.first(),
        title="联席会议日历",
        slug="events",
        introduction="川渝两地党史部门的联席会议、学术研讨会、论坛和考察交流。",
        title_en="Joint meetings calendar",
        introduction_en="Joint meetings, symposia, forums and study visits of the party-history offices of both regions.",
    )


_SEEDED = (
    "title",
    "event_type",
    "starts_at",
    "ends_at",
    "city",
    "venue",
    "access_level",
    "summary",
    "agenda",
    "participants",
    "minutes",
)


def seed(*, region: str, organisations: dict, stdout) -> None:
    """Demo content of this module for the region (idempotent)."""
    calendar_page_ensure()
    for spec in EVENTS:
        host = organisations[spec["host"]]
        if host.region != region:
            continue  # the partner's meetings arrive by sync, as read-only copies
        event = Event.objects.filter(global_id=event_global_id(spec["key"])).first() or Event(
            global_id=event_global_id(spec["key"])
        )
        event.origin_region = host.region
        event.origin_organisation = host
        for field in _SEEDED:
            setattr(event, field, spec[field])
        event.online_url = spec.get("online_url", "")
        event.frequency = spec.get("frequency", "")
        event.interval = spec.get("interval", 1)
        # Written field by field, so seeding again leaves the version (the calendar's SEQUENCE) alone.
        written = ["origin_region", "origin_organisation", *_SEEDED, "online_url", "frequency", "interval"]
        event.save(update_fields=None if event._state.adding else written)
        event.co_hosts.set([organisations[code] for code in spec["co_hosts"]])
        event.save(update_fields=[*written, "co_hosts"])  # a ParentalManyToManyField is kept until saved
        for original_date, kind, new_start, new_end, note in spec.get("exceptions", []):
            EventException.objects.update_or_create(
                event=event,
                original_date=original_date,
                defaults={"kind": kind, "new_starts_at": new_start, "new_ends_at": new_end, "note": note},
            )
        for order, (kind, title, url) in enumerate(spec["materials"]):
            EventMaterialLink.objects.update_or_create(
                event=event, title=title, defaults={"kind": kind, "url": url, "sort_order": order}
            )
        for order, (text, owner, due, done) in enumerate(spec["actions"]):
            ActionItem.objects.update_or_create(
                event=event,
                text=text,
                defaults={
                    "owner_organisation": organisations[owner],
                    "due_date": due,
                    "done": done,
                    "sort_order": order,
                },
            )
    stdout.write(f"events: {region}: {sum(organisations[e['host']].region == region for e in EVENTS)} demo events")
