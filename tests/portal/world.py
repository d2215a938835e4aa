"""One small region for access tests: organisations, every kind of reader, one record per access level.

Everything is owned by 成都 (the "owner" organisation of this region, Sichuan). Readers:
- anonymous;
- no_profile: signed in, no staff profile;
- owner_role: staff of the owning organisation with every role;
- owner_norole: staff of the owning organisation without any role group;
- same_region: staff of another organisation of this region, with every role;
- partner: a partner-region (Chongqing) staff member with an account here;
- superuser.
"""

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wagtail.models import Page, PageViewRestriction, Site

from portal.models import Organisation, OrganisationIndexPage, StaffProfile
from portal.roles import Role
from portal.services import (
    organisation_groups_ensure,
    organisation_page_ensure,
    singleton_page_ensure,
    staff_user_create_or_update,
)

LEVELS = ("public", "partners", "internal")
READERS = ("anonymous", "no_profile", "owner_role", "owner_norole", "same_region", "partner", "superuser")
PASSWORD = "pass-word-123"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
LABEL = {"public": "公开", "partners": "协作", "internal": "内部"}


def allowed(reader: str, level: str) -> bool:
    """DESIGN.md §3, written out by hand: the test's own statement of the rule."""
    if level == "public":
        return True
    if level == "partners":
        return reader in ("owner_role", "owner_norole", "same_region", "partner", "superuser")
    return reader in ("owner_role", "owner_norole", "superuser")


@dataclass
class World:
    owner: Organisation
    other: Organisation
    partner_org: Organisation
    users: dict = field(default_factory=dict)
    records: dict = field(default_factory=dict)  # kind -> level -> record
    extra: dict = field(default_factory=dict)

    def title(self, kind: str, level: str) -> str:
        record = self.records[kind][level]
        return getattr(record, "title", None) or record.name


def build_world() -> World:
    from events.models import Event
    from materials.services import material_create
    from portal.models import HomePage
    from publicity.models import BulletinIssue, RedHeritageSite, Section, Story
    from publicity.services import red_heritage_index_ensure, story_index_ensure, submission_workflow_ensure
    from research.models import Expert, Milestone, Project, ProjectMember, ProjectOutput
    from training.models import Certificate, Course, Eligibility, Enrolment, Session

    owner = Organisation.objects.create(
        code="sc-matrix-owner",
        name="矩阵成都市委党史研究室",
        short_name="矩阵成都",
        region="sichuan",
        level="city",
    )
    other = Organisation.objects.create(
        code="sc-matrix-other",
        name="矩阵绵阳市委党史研究室",
        short_name="矩阵绵阳",
        region="sichuan",
        level="city",
    )
    partner_org = Organisation.objects.create(
        code="cq-matrix-partner",
        name="矩阵綦江区委党史研究室",
        short_name="矩阵綦江",
        region="chongqing",
        level="district",
    )
    for organisation in (owner, other, partner_org):
        organisation_groups_ensure(organisation=organisation)
    world = World(owner=owner, other=other, partner_org=partner_org)
    roles = [role.value for role in Role]
    user_model = get_user_model()
    world.users = {
        "anonymous": None,
        "no_profile": user_model.objects.create_user("matrix_plain", password=PASSWORD),
        "owner_role": staff_user_create_or_update(
            username="matrix_owner", organisation=owner, roles=roles, password=PASSWORD, full_name="成编辑"
        ),
        "owner_norole": staff_user_create_or_update(
            username="matrix_member", organisation=owner, roles=[], password=PASSWORD, full_name="成成员"
        ),
        "same_region": staff_user_create_or_update(
            username="matrix_other", organisation=other, roles=roles, password=PASSWORD, full_name="绵编辑"
        ),
        "partner": staff_user_create_or_update(
            username="matrix_partner",
            organisation=partner_org,
            roles=roles,
            password=PASSWORD,
            full_name="渝编辑",
        ),
        "superuser": user_model.objects.create_superuser("matrix_root", password=PASSWORD),
    }
    StaffProfile.objects.filter(user=world.users["owner_norole"]).update(position="干部")

    # A site of its own: the home page, the story index and the red-heritage index.
    root = Page.get_first_root_node()
    home = HomePage(title="矩阵首页", slug="matrix-home")
    root.add_child(instance=home)
    home.save_revision().publish()
    Site.objects.all().delete()
    Site.objects.create(hostname="testserver", port=80, root_page=home, is_default_site=True)
    stories = story_index_ensure(home=home)
    # As in production: every editor of the region may add and change stories in the index.
    submission_workflow_ensure(region="sichuan", index=stories)
    sites = red_heritage_index_ensure(home=home)
    # The owner's own page, which lists its records of every module.
    units = singleton_page_ensure(
        model=OrganisationIndexPage, parent=home, title="矩阵成员单位", slug="units"
    )
    owner_page = organisation_page_ensure(organisation=owner, parent=units)
    section = Section.objects.order_by("order").first()
    issue = BulletinIssue.objects.create(
        title="矩阵党史工作", region="sichuan", year=2020, number=3, date=datetime.date(2020, 6, 30)
    )
    world.extra.update(home=home, story_index=stories, site_index=sites, issue=issue, owner_page=owner_page)

    now = timezone.now()
    kinds = ("material", "project", "expert", "event", "course", "story", "site", "milestone", "session")
    for kind in kinds + ("output", "member", "pending_story"):
        world.records[kind] = {}
    for level in LEVELS:
        label = LABEL[level]
        world.records["material"][level] = material_create(
            organisation=owner,
            title=f"矩阵{label}资料",
            material_type="archive",
            access_level=level,
            uploaded_file=SimpleUploadedFile("doc.pdf", PDF, content_type="application/pdf"),
        )
        project = Project.objects.create(
            title=f"矩阵{label}课题", summary="矩阵课题简介", origin_organisation=owner, access_level=level
        )
        project.lead_organisations.set([owner])
        world.records["project"][level] = project
        ProjectMember.objects.create(
            project=project, user=world.users["owner_role"], organisation=owner, role=ProjectMember.Role.LEAD
        )
        world.records["milestone"][level] = Milestone.objects.create(
            project=project, title=f"矩阵{label}节点", due_date=datetime.date(2030, 1, 1)
        )
        world.records["output"][level] = ProjectOutput.objects.create(
            project=project, title=f"矩阵{label}成果"
        )
        world.records["member"][level] = ProjectMember.objects.create(
            project=project, full_name=f"矩阵{label}组员", organisation=owner
        )
        expert = Expert.objects.create(
            name=f"矩阵{label}专家", affiliation="矩阵大学", origin_organisation=owner, access_level=level
        )
        world.records["expert"][level] = expert
        world.records["event"][level] = Event.objects.create(
            title=f"矩阵{label}会议",
            event_type="joint_meeting",
            origin_organisation=owner,
            starts_at=now + datetime.timedelta(days=10),
            ends_at=now + datetime.timedelta(days=10, hours=2),
            city="成都",
            venue="矩阵会议室",
            access_level=level,
        )
        # Held a month ago: what the past events' pages list.
        world.extra.setdefault("past_event", {})[level] = Event.objects.create(
            title=f"矩阵{label}往期会议",
            event_type="joint_meeting",
            origin_organisation=owner,
            starts_at=now - datetime.timedelta(days=30),
            ends_at=now - datetime.timedelta(days=30, hours=-2),
            city="成都",
            venue="矩阵会议室",
            access_level=level,
        )
        course = Course.objects.create(
            title=f"矩阵{label}培训课程", summary="矩阵课程", origin_organisation=owner, access_level=level
        )
        world.records["course"][level] = course
        session = Session.objects.create(
            course=course,
            title=f"矩阵{label}班次",
            starts_on=datetime.date(2030, 5, 6),
            ends_on=datetime.date(2030, 5, 8),
            venue="矩阵党校",
            capacity=5,
            enrolment_opens=now - datetime.timedelta(days=1),
            enrolment_closes=now + datetime.timedelta(days=7),
            eligibility=Eligibility.BOTH_REGIONS,
        )
        world.records["session"][level] = session
        enrolment = Enrolment.objects.create(
            session=session,
            user=world.users["owner_norole"],
            organisation=owner,
            state=Enrolment.State.ENROLLED,
            owner_region="sichuan",
            requested_from_region="sichuan",
        )
        world.extra[f"certificate:{level}"] = Certificate.objects.create(enrolment=enrolment, issued_at=now)
        world.extra[f"enrolment:{level}"] = enrolment
        # ASCII slugs: a refused reader's own request path (echoed in language links) holds no title.
        story = Story(
            slug=f"matrix-{level}-story",
            title=f"矩阵{label}稿件",
            section=section,
            origin_organisation=owner,
            publication_date=datetime.date(2020, 6, 9),
            summary="矩阵稿件摘要",
            access_level=level,
            bulletin_issue=issue,
            bulletin_order=LEVELS.index(level) + 1,
        )
        stories.add_child(instance=story)
        story.save_revision().publish()
        world.records["story"][level] = story
        site = RedHeritageSite(
            slug=f"matrix-{level}-site",
            title=f"矩阵{label}景点",
            place="矩阵地点",
            origin_organisation=owner,
            access_level=level,
        )
        sites.add_child(instance=site)
        site.save_revision().publish()
        world.records["site"][level] = site
        # A draft on top of the live page: revisions and previews must obey the rule too.
        world.extra[f"draft:{level}"] = story.save_revision()
        pending = Story(
            slug=f"matrix-{level}-pending",
            title=f"矩阵{label}待编稿件",
            section=section,
            origin_organisation=owner,
            publication_date=datetime.date(2020, 6, 10),
            access_level=level,
        )
        stories.add_child(instance=pending)
        pending.save_revision().publish()
        world.records["pending_story"][level] = pending
    held = world.extra["past_event"]["public"].starts_at
    world.extra["past_year"] = held.astimezone(ZoneInfo("Asia/Shanghai")).year
    # Internal pages carry a restriction that only marks them as not public.
    assert not PageViewRestriction.objects.filter(restriction_type="groups").exists()
    return world
