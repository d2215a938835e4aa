"""Demo joint research projects and experts, from the facts of the seed bulletin (idempotent)."""

import datetime
import uuid

from django.contrib.auth import get_user_model
from django.utils import timezone

from portal.models import Topic

from .models import Expert, Milestone, Project, ProjectMember, ProjectOutput

# Stable ids, so the same demo record has the same global id in every database.
NAMESPACE = uuid.UUID("6f3f7a52-1c55-4b0e-9d7e-2b7c1a0e5d11")

TOPICS = [
    # kind, name, slug
    ("theme", "红岩精神", "hongyan-spirit"),
    ("theme", "中国革命精神谱系", "revolutionary-spirit"),
    ("theme", "长征", "long-march"),
    ("theme", "南方局历史", "southern-bureau"),
    ("theme", "成渝地区双城经济圈", "chengdu-chongqing-circle"),
    ("theme", "改革开放史", "reform-and-opening-history"),
    ("place", "綦江", "qijiang"),
    ("place", "红岩村", "hongyan-village"),
    ("person", "邓小平", "deng-xiaoping"),
]

# Milestones are (title, due date or days from today, state); relative ones keep the
# workspace showing something due soon and something overdue whenever the demo is seeded.
PROJECTS = {
    "chongqing": [
        {
            "title": "红岩精神与中国革命精神研究",
            "origin": "cq-municipal",
            "leads": ["cq-municipal", "sc-province"],
            "access_level": "public",
            "status": "active",
            "start_date": datetime.date(2020, 5, 28),
            "planned_end": datetime.date(2021, 6, 30),
            "topics": ["hongyan-spirit", "revolutionary-spirit", "southern-bureau", "hongyan-village"],
            "summary": (
                "聚焦红岩精神的科学内涵、红岩精神在中国革命精神谱系中的地位和红岩精神的当代价值，"
                "由重庆市委党史研究室牵头，会同四川省委党史研究室、西南大学、重庆红岩联线文化发展管理中心"
                "联合攻关，为筹办“红岩精神与中国革命精神学术研讨会”提供研究支撑。"
            ),
            "members": [
                ("cq_researcher", "", "cq-municipal", "lead"),
                ("cq_admin", "", "cq-municipal", "advisor"),
                ("qj_editor", "", "cq-qijiang", "member"),
                (None, "李研究", "sc-province", "member"),
            ],
            "milestones": [
                ("召开学术研讨会专家咨询会议", datetime.date(2020, 5, 28), "done"),
                ("形成南方局历史资料征集报告", -10, "in_progress"),
                ("完成研讨会论文征集与评审", 20, "planned"),
                ("召开红岩精神与中国革命精神学术研讨会", datetime.date(2021, 6, 30), "planned"),
            ],
            "outputs": [
                ("红岩精神与中国革命精神学术研讨会专家咨询会议纪要", "report", ""),
            ],
        },
        {
            "title": "中央红军长征过川渝史实研究",
            "origin": "cq-qijiang",
            "leads": ["cq-qijiang", "sc-province"],
            "access_level": "partners",
            "status": "active",
            "start_date": datetime.date(2020, 7, 1),
            "planned_end": datetime.date(2021, 12, 31),
            "topics": ["long-march", "qijiang"],
            "summary": (
                "綦江区是中央红军长征在重庆的唯一过境地。课题由綦江区委党史地方志研究室牵头，"
                "联合四川省委党史研究室梳理中央红军长征过川渝的史实，挖掘长征文化资源，"
                "为长征国家文化公园（重庆段）建设提供资政参考。"
            ),
            "members": [
                ("qj_editor", "", "cq-qijiang", "lead"),
                ("cq_researcher", "", "cq-municipal", "member"),
                (None, "李研究", "sc-province", "member"),
            ],
            "milestones": [
                ("赴川南、黔北征集长征史料", -3, "in_progress"),
                ("完成《红军长征在重庆史实（綦江）》修订稿", 12, "planned"),
            ],
            "outputs": [
                ("中央红军长征过綦江的群众路线", "paper", ""),
                ("遵义会议的重要屏障和前哨四渡赤水的战略节点和序曲——中央红军长征过綦江", "paper", ""),
                ("红军长征在重庆史实（綦江）", "report", ""),
            ],
        },
        {
            "title": "南方局历史资料整理（内部工作稿）",
            "origin": "cq-municipal",
            "leads": ["cq-municipal"],
            "access_level": "internal",
            "status": "proposed",
            "start_date": datetime.date(2020, 9, 1),
            "planned_end": datetime.date(2021, 9, 1),
            "topics": ["southern-bureau"],
            "summary": "市委党史研究室内部工作课题：整理中共中央南方局暨八路军驻重庆办事处旧址相关史料。",
            "members": [("cq_researcher", "", "cq-municipal", "lead")],
            "milestones": [("完成史料目录初稿", 30, "planned")],
            "outputs": [],
        },
    ],
    "sichuan": [
        {
            "title": "服务成渝地区双城经济圈建设党史资政研究",
            "origin": "sc-province",
            "leads": ["sc-province", "sc-chengdu", "cq-municipal"],
            "access_level": "public",
            "status": "active",
            "start_date": datetime.date(2020, 6, 1),
            "planned_end": datetime.date(2022, 6, 30),
            "topics": ["chengdu-chongqing-circle", "reform-and-opening-history"],
            "summary": (
                "发挥党史“以史鉴今、资政育人”作用，服务成渝地区双城经济圈建设。课题由四川省委党史研究室、"
                "成都市委党史研究室与重庆市委党史研究室共同牵头，梳理川渝两地合作发展的历史经验，形成资政报告。"
            ),
            "members": [
                ("sc_researcher", "", "sc-province", "lead"),
                ("sc_admin", "", "sc-province", "advisor"),
                ("cd_editor", "", "sc-chengdu", "member"),
                (None, "余研究", "cq-municipal", "member"),
            ],
            "milestones": [
                ("签署合作框架协议并召开第一次联席会议", datetime.date(2020, 5, 19), "done"),
                ("完成川渝合作历史经验调研", -5, "in_progress"),
                ("提交资政报告初稿", 25, "planned"),
            ],
            "outputs": [
                ("川渝党史部门合作框架协议要点", "policy_brief", ""),
            ],
        },
        {
            "title": "邓小平与川渝地区改革开放研究",
            "origin": "sc-guangan",
            "leads": ["sc-guangan", "cq-municipal"],
            "access_level": "partners",
            "status": "proposed",
            "start_date": datetime.date(2021, 1, 1),
            "planned_end": datetime.date(2022, 12, 31),
            "topics": ["reform-and-opening-history", "deng-xiaoping"],
            "summary": "研究邓小平同志与川渝地区改革开放的历史，由广安市委党史研究室与重庆市委党史研究室联合申报。",
            "members": [(None, "广安课题组", "sc-guangan", "lead")],
            "milestones": [("提交立项申报书", 15, "planned")],
            "outputs": [],
        },
        {
            "title": "四川省党史资料征编工作规划（内部工作稿）",
            "origin": "sc-province",
            "leads": ["sc-province"],
            "access_level": "internal",
            "status": "proposed",
            "start_date": datetime.date(2020, 10, 1),
            "planned_end": datetime.date(2021, 10, 1),
            "topics": [],
            "summary": "四川省委党史研究室内部工作课题：制定党史资料征编年度规划。",
            "members": [("sc_researcher", "", "sc-province", "lead")],
            "milestones": [("形成规划征求意见稿", 40, "planned")],
            "outputs": [],
        },
    ],
}

# name, organisation code or None, affiliation, title, field slugs, bio, project titles
EXPERTS = {
    "chongqing": [
        (
            "潘洵",
            None,
            "西南大学",
            "西南大学党委副书记、教授",
            ["hongyan-spirit", "revolutionary-spirit", "southern-bureau"],
            "长期从事抗日战争时期重庆历史和红岩精神研究，参与筹办“红岩精神与中国革命精神学术研讨会”。",
            ["红岩精神与中国革命精神研究"],
        ),
        (
            "余研究",
            "cq-municipal",
            "",
            "南方局研究室研究员",
            ["southern-bureau", "long-march"],
            "重庆市委党史研究室南方局研究室研究员。",
            ["红岩精神与中国革命精神研究", "中央红军长征过川渝史实研究"],
        ),
    ],
    "sichuan": [
        (
            "李研究",
            "sc-province",
            "",
            "研究一处研究员",
            ["long-march", "chengdu-chongqing-circle"],
            "四川省委党史研究室研究一处研究员，参与川渝党史合作课题。",
            ["服务成渝地区双城经济圈建设党史资政研究"],
        ),
        (
            "刘晓晨",
            "sc-province",
            "",
            "四川省委党史研究室主任",
            ["reform-and-opening-history", "chengdu-chongqing-circle"],
            "负责川渝党史部门合作框架协议的组织实施。",
            ["服务成渝地区双城经济圈建设党史资政研究"],
        ),
    ],
}


def _topic(kind: str, name: str, slug: str) -> Topic:
    # Other modules seed the same vocabulary: match by (kind, name) first, then by slug.
    topic = Topic.objects.filter(kind=kind, name=name).first() or Topic.objects.filter(slug=slug).first()
    if topic is None:
        topic = Topic.objects.create(kind=kind, name=name, slug=slug)
    return topic


def _due(value) -> datetime.date:
    if isinstance(value, int):
        return timezone.localdate() + datetime.timedelta(days=value)
    return value


def seed(*, region: str, organisations: dict, stdout) -> None:
    """Demo content of this module for the region (idempotent)."""
    topics = {slug: _topic(kind, name, slug) for kind, name, slug in TOPICS}
    users = get_user_model().objects
    projects = {}
    for spec in PROJECTS.get(region, []):
        project, _created = Project.objects.get_or_create(
            global_id=uuid.uuid5(NAMESPACE, f"project:{spec['title']}"),
            defaults={
                "title": spec["title"],
                "summary": spec["summary"],
                "origin_organisation": organisations[spec["origin"]],
                "access_level": spec["access_level"],
                "status": spec["status"],
                "start_date": spec["start_date"],
                "planned_end": spec["planned_end"],
            },
        )
        project.lead_organisations.set([organisations[code] for code in spec["leads"]])
        project.topics.set([topics[slug] for slug in spec["topics"]])
        for username, full_name, org_code, role in spec["members"]:
            user = users.filter(username=username).first() if username else None
            lookup = {"user": user} if user else {"user": None, "full_name": full_name}
            if not ProjectMember.objects.filter(project=project, **lookup).exists():
                ProjectMember.objects.create(
                    project=project,
                    user=user,
                    full_name=full_name,
                    organisation=organisations[org_code],
                    role=role,
                )
        for title, due, state in spec["milestones"]:
            milestone = Milestone.objects.filter(project=project, title=title).first()
            if milestone is None:
                Milestone.objects.create(
                    project=project,
                    title=title,
                    due_date=_due(due),
                    state=state,
                    completed_at=timezone.now() if state == "done" else None,
                )
            elif isinstance(due, int) and milestone.is_open() and milestone.due_date != _due(due):
                milestone.due_date = _due(due)
                milestone.save()
        for title, kind, url in spec["outputs"]:
            if not ProjectOutput.objects.filter(project=project, title=title).exists():
                ProjectOutput.objects.create(project=project, title=title, kind=kind, url=url)
        projects[spec["title"]] = project

    for name, org_code, affiliation, title, fields, bio, project_titles in EXPERTS.get(region, []):
        organisation = organisations[org_code] if org_code else None
        expert, _created = Expert.objects.get_or_create(
            global_id=uuid.uuid5(NAMESPACE, f"expert:{name}"),
            defaults={
                "name": name,
                "organisation": organisation,
                "affiliation": affiliation,
                "title": title,
                "bio": bio,
                "origin_organisation": organisation or organisations[PROJECTS[region][0]["origin"]],
            },
        )
        expert.fields.set([topics[slug] for slug in fields])
        expert.projects.set([projects[t] for t in project_titles if t in projects])
    stdout.write(
        f"research: {region}: {len(PROJECTS.get(region, []))} demo projects, "
        f"{len(EXPERTS.get(region, []))} experts"
    )
