"""Demo content: the joint cadre-training course of the region's provincial-level office."""

import datetime
import uuid

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .models import Certificate, Course, Eligibility, Enrolment, Session, Sitting
from .services import attendance_record, certificate_issue, enrolment_create

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
COURSE_TITLE = "川渝党史干部专业化联合培训班"
COURSE_SUMMARY = (
    "落实川渝党史部门合作框架协议“党史培训和学习交流”的约定，实施党史干部专业化联合培养行动计划。"
    "培训面向两地省、市、区县三级党史部门干部，围绕党史资料征编、专题研究、口述史采集、"
    "党史宣传教育和红色资源保护利用等内容，采取专题授课、现场教学和交流研讨相结合的方式。"
)

REGIONS = {
    "sichuan": {
        "organiser": "sc-province",
        "organiser_user": "sc_admin",
        "trainee_users": ["cd_editor", "ya_editor"],
        "past": {
            "title": "2020年第一期（成都）",
            "venue": "四川省委党校（成都市青羊区光华村街）",
            "starts_on": datetime.date(2020, 10, 12),
            "trainer_names": "四川省委党史研究室研究一处专家、成都市委党史研究室专家",
        },
        "upcoming": {
            "title": "第二期（广安 · 邓小平故里现场教学）",
            "venue": "广安市委党校",
            "trainer_names": "四川省委党史研究室、重庆市委党史研究室特邀专家",
        },
        "sittings": [
            "开班式暨川渝党史协作专题报告",
            "党史资料征集与整理方法",
            "口述史采访与编研实务",
            "党史宣传教育与红色资源保护利用",
            "现场教学与结业座谈",
        ],
        "invited": [],
    },
    "chongqing": {
        "organiser": "cq-municipal",
        "organiser_user": "cq_trainer",
        "trainee_users": ["qj_editor", "bs_editor"],
        "past": {
            "title": "2020年第一期（重庆）",
            "venue": "重庆市委党校（重庆市九龙坡区白鹤路）",
            "starts_on": datetime.date(2020, 11, 9),
            "trainer_names": "重庆市委党史研究室南方局研究室专家、红岩革命纪念馆讲解员",
        },
        "upcoming": {
            "title": "第二期（綦江 · 受邀单位专题班）",
            "venue": "綦江区委党校",
            "trainer_names": "重庆市委党史研究室、綦江区委党史地方志研究室专家",
        },
        "sittings": [
            "开班式暨红岩精神专题报告",
            "南方局党史资料的征集与研究",
            "区县党史编研工作交流",
            "红色资源保护利用与宣传推介",
            "现场教学与结业座谈",
        ],
        "invited": ["cq-qijiang", "cq-bishan", "sc-chengdu", "sc-guangan"],
    },
}


def _stable_id(region: str, name: str) -> uuid.UUID:
    # The same demo record has the same global id on every reseed and in both regions.
    return uuid.uuid5(uuid.NAMESPACE_URL, f"chuanyu-portal:training:{region}:{name}")


def _sittings(session: Session, titles: list[str]) -> None:
    for day, title in enumerate(titles):
        date = session.starts_on + datetime.timedelta(days=day)
        starts = datetime.datetime.combine(date, datetime.time(9, 0), tzinfo=SHANGHAI)
        Sitting.objects.update_or_create(
            session=session,
            title=title,
            defaults={"starts_at": starts, "ends_at": starts + datetime.timedelta(hours=3)},
        )


def _session(
    course, key, region, *, title, venue, starts_on, trainer_names, opens, closes, capacity, eligibility
):
    session, _ = Session.objects.update_or_create(
        global_id=_stable_id(region, key),
        defaults={
            "course": course,
            "title": title,
            "venue": venue,
            "starts_on": starts_on,
            "ends_on": starts_on + datetime.timedelta(days=4),
            "trainer_names": trainer_names,
            "enrolment_opens": opens,
            "enrolment_closes": closes,
            "capacity": capacity,
            "eligibility": eligibility,
        },
    )
    return session


@transaction.atomic
def seed(*, region: str, organisations: dict, stdout) -> None:
    """Demo content of this module for the region (idempotent)."""
    spec = REGIONS[region]
    course, _ = Course.objects.update_or_create(
        global_id=_stable_id(region, "course"),
        defaults={
            "title": COURSE_TITLE,
            "summary": COURSE_SUMMARY,
            "origin_organisation": organisations[spec["organiser"]],
            "completion_min_attendance_percent": 80,
            "access_level": "public",
        },
    )
    past = spec["past"]
    opens = datetime.datetime.combine(past["starts_on"], datetime.time(9), tzinfo=SHANGHAI)
    finished = _session(
        course,
        "session-2020",
        region,
        title=past["title"],
        venue=past["venue"],
        starts_on=past["starts_on"],
        trainer_names=past["trainer_names"],
        opens=opens - datetime.timedelta(days=40),
        closes=opens - datetime.timedelta(days=7),
        capacity=40,
        eligibility=Eligibility.BOTH_REGIONS,
    )
    _sittings(finished, spec["sittings"])

    # The next session opens for enrolment when the demo is seeded.
    today = timezone.localdate()
    upcoming_spec = spec["upcoming"]
    upcoming = Session.objects.filter(global_id=_stable_id(region, "session-next")).first()
    if upcoming is None or upcoming.enrolment_closes < timezone.now():
        upcoming = _session(
            course,
            "session-next",
            region,
            title=upcoming_spec["title"],
            venue=upcoming_spec["venue"],
            starts_on=today + datetime.timedelta(days=30),
            trainer_names=upcoming_spec["trainer_names"],
            # Round office hours, as a trainer would set them, not the moment of seeding.
            opens=_office_hour(today - datetime.timedelta(days=1), 9),
            closes=_office_hour(today + datetime.timedelta(days=21), 17),
            capacity=30,
            eligibility=Eligibility.INVITATION if spec["invited"] else Eligibility.BOTH_REGIONS,
        )
        upcoming.sittings.all().delete()
    _sittings(upcoming, spec["sittings"][:3])
    upcoming.invited_organisations.set([organisations[code] for code in spec["invited"]])

    # Two trainees of the finished session completed it and hold certificates.
    users = get_user_model().objects
    organiser = users.filter(username=spec["organiser_user"]).first()
    for username in spec["trainee_users"]:
        user = users.filter(username=username).first()
        if user is None or organiser is None:
            continue
        enrolment = finished.enrolments.filter(user=user).first()
        if enrolment is None:
            enrolment = enrolment_create(
                session_id=finished.pk, user=user, now=opens - datetime.timedelta(days=20)
            )
        if enrolment.state != Enrolment.State.ENROLLED:
            continue
        for sitting in finished.sittings.all():
            attendance_record(
                enrolment_id=enrolment.pk, sitting_id=sitting.pk, present=True, recorded_by=organiser
            )
        certificate_issue(
            enrolment_id=enrolment.pk,
            issued_by=organiser,
            now=datetime.datetime.combine(
                past["starts_on"] + datetime.timedelta(days=4), datetime.time(17), SHANGHAI
            ),
        )
    codes = ", ".join(Certificate.objects.filter(enrolment__session=finished).values_list("code", flat=True))
    stdout.write(
        f"training: {course.title}: {course.sessions.count()} sessions at /training/; "
        f"certificates {codes or '-'}"
    )


def _office_hour(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
