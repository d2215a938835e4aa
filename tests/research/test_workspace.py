"""The project workspace: members only; leads plan milestones and record outputs."""

import datetime

import pytest

from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from research import services
from research.models import Milestone, ProjectMember, ProjectOutput
from tests.materials.factories import MaterialFactory

from .conftest import staff
from .factories import MilestoneFactory, ProjectFactory, ProjectMemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def today():
    """Read at call time: the fixed clock is set per test, after this module is imported."""
    return timezone.localdate()


@pytest.fixture
def team(organisations):
    """A partners-level project with a lead, a plain member (of the partner region) and an outsider."""
    project = ProjectFactory(
        title="中央红军长征过川渝史实研究",
        access_level="partners",
        origin_organisation=organisations["own"],
        lead_organisations=[organisations["own"], organisations["partner"]],
    )
    lead = staff("lead", organisations["own"])
    member = staff("member", organisations["partner"])
    outsider = staff("outsider", organisations["same_region"])
    ProjectMemberFactory(project=project, user=lead, role="lead")
    ProjectMemberFactory(project=project, user=member, organisation=organisations["partner"], role="member")
    clients = {}
    for name, user in [("lead", lead), ("member", member), ("outsider", outsider)]:
        clients[name] = Client()
        clients[name].force_login(user)
    return {"project": project, "users": {"lead": lead, "member": member}, "clients": clients}


def workspace_url(project):
    return f"/research/{project.global_id}/workspace/"


def test_workspace_is_for_members_only(team, client):
    url = workspace_url(team["project"])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    outsider = team["clients"]["outsider"].get(url)
    assert outsider.status_code == 403
    assert "只有课题组成员可以进入课题工作台" in outsider.content.decode()
    member = team["clients"]["member"].get(url)
    assert member.status_code == 200
    html = member.content.decode()
    assert "课题工作台" in html and "测试省委党史研究室" in html


def test_detail_page_links_members_to_their_workspace(team):
    project = team["project"]
    member_html = team["clients"]["member"].get(f"/research/{project.global_id}/").content.decode()
    outsider_html = team["clients"]["outsider"].get(f"/research/{project.global_id}/").content.decode()
    assert workspace_url(project) in member_html
    assert workspace_url(project) not in outsider_html


def test_workspace_shows_milestones_due_soon_and_recent_outputs(team):
    project = team["project"]
    MilestoneFactory(project=project, title="提交中期报告", due_date=today() + datetime.timedelta(days=5))
    MilestoneFactory(project=project, title="结项验收", due_date=today() + datetime.timedelta(days=300))
    MilestoneFactory(
        project=project,
        title="已取消的调研",
        due_date=today() + datetime.timedelta(days=3),
        state="cancelled",
    )
    ProjectOutput.objects.create(project=project, title="中央红军长征过綦江的群众路线", kind="paper")
    html = team["clients"]["member"].get(workspace_url(project)).content.decode()
    assert "提交中期报告" in html
    assert "结项验收" not in html
    assert "已取消的调研" not in html
    assert "中央红军长征过綦江的群众路线" in html


def test_overdue_milestones_are_highlighted_for_leads_only(team):
    project = team["project"]
    MilestoneFactory(project=project, title="征集川南史料", due_date=today() - datetime.timedelta(days=4))
    MilestoneFactory(
        project=project, title="早已完成的节点", due_date=today() - datetime.timedelta(days=40), state="done"
    )
    lead_html = team["clients"]["lead"].get(workspace_url(project)).content.decode()
    assert "已逾期节点" in lead_html
    assert 'class="milestone milestone--overdue"><strong>征集川南史料' in lead_html
    assert "早已完成的节点" not in lead_html
    member_html = team["clients"]["member"].get(workspace_url(project)).content.decode()
    assert "征集川南史料" not in member_html and "已逾期节点" not in member_html


def test_lead_adds_a_milestone_and_an_output(team):
    project = team["project"]
    lead = team["clients"]["lead"]
    project.refresh_from_db()
    version = project.version
    response = lead.post(
        workspace_url(project),
        {
            "action": "milestone",
            "milestone-title": "完成史料汇编",
            "milestone-due_date": str(today() + datetime.timedelta(days=10)),
        },
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "已添加节点“完成史料汇编”" in html
    assert '<li class="milestone">完成史料汇编' in html

    response = lead.post(
        workspace_url(project),
        {
            "action": "output",
            "output-title": "红军长征在重庆史实（綦江）",
            "output-kind": "report",
            "output-url": "https://example.org/qijiang",
            "output-material_global_id": "",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "已添加成果“红军长征在重庆史实（綦江）”" in html
    output = ProjectOutput.objects.get(project=project)
    assert output.added_by == team["users"]["lead"]
    assert output.kind == "report"
    project.refresh_from_db()
    assert project.version == version + 2  # each change is a new version for sync
    # The output is public to every reader of the project, not only the team.
    detail = team["clients"]["outsider"].get(f"/research/{project.global_id}/").content.decode()
    assert "红军长征在重庆史实（綦江）" in detail


def test_an_output_names_only_a_material_its_lead_may_read(team, organisations):
    project = team["project"]
    lead = team["clients"]["lead"]
    hidden = MaterialFactory(access_level="internal", origin_organisation=organisations["same_region"])
    shared = MaterialFactory(access_level="partners", origin_organisation=organisations["partner"])

    def post_output(title, material):
        return lead.post(
            workspace_url(project),
            {
                "action": "output",
                "output-title": title,
                "output-kind": "report",
                "output-url": "",
                "output-material_global_id": str(material.global_id),
            },
            follow=True,
        )

    refused = post_output("借用他单位内部资料", hidden)
    assert refused.status_code == 400
    assert "这个编号不对应您可以查阅的记录。" in refused.content.decode()
    assert not ProjectOutput.objects.filter(project=project).exists()

    accepted = post_output("引用协作单位资料", shared)
    assert "已添加成果“引用协作单位资料”" in accepted.content.decode()
    assert ProjectOutput.objects.get(project=project).material_global_id == shared.global_id


def test_lead_sees_clear_errors_for_an_incomplete_milestone(team):
    response = team["clients"]["lead"].post(
        workspace_url(team["project"]),
        {"action": "milestone", "milestone-title": "", "milestone-due_date": "not-a-date"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "必需字段" in html
    assert "输入一个有效的日期。" in html
    assert not Milestone.objects.filter(project=team["project"]).exists()


def test_a_member_who_is_not_a_lead_cannot_add_milestones_or_outputs(team):
    project = team["project"]
    member = team["clients"]["member"]
    page = member.get(workspace_url(project)).content.decode()
    assert "添加节点" not in page and "添加成果" not in page
    response = member.post(
        workspace_url(project),
        {"action": "milestone", "milestone-title": "越权节点", "milestone-due_date": str(today())},
    )
    assert response.status_code == 403
    response = member.post(
        workspace_url(project), {"action": "output", "output-title": "越权成果", "output-kind": "paper"}
    )
    assert response.status_code == 403
    assert not Milestone.objects.filter(project=project).exists()
    assert not ProjectOutput.objects.filter(project=project).exists()
    with pytest.raises(PermissionDenied):
        services.milestone_add(
            project=project, title="越权节点", due_date=today(), user=team["users"]["member"]
        )


def test_workspace_forms_require_csrf(team):
    lead = Client(enforce_csrf_checks=True)
    lead.force_login(team["users"]["lead"])
    response = lead.post(
        workspace_url(team["project"]),
        {"action": "milestone", "milestone-title": "无令牌", "milestone-due_date": str(today())},
    )
    assert response.status_code == 403
    assert not Milestone.objects.filter(title="无令牌").exists()


def test_lead_marks_an_overdue_milestone_done(team):
    project = team["project"]
    milestone = MilestoneFactory(
        project=project, title="征集川南史料", due_date=today() - datetime.timedelta(days=4)
    )
    url = f"/research/{project.global_id}/workspace/milestones/{milestone.pk}/complete/"
    assert team["clients"]["member"].post(url).status_code == 403
    response = team["clients"]["lead"].post(url, follow=True)
    assert "节点“征集川南史料”已完成" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.state == "done" and milestone.completed_at is not None


def test_project_create_makes_the_creator_a_lead_and_needs_a_lead_organisation(organisations):
    from django.core.exceptions import ValidationError

    creator = staff("creator", organisations["partner"])
    project = services.project_create(
        title="成渝地区双城经济圈建设党史资政研究",
        origin_organisation=organisations["partner"],
        lead_organisations=[organisations["partner"], organisations["own"]],
        created_by=creator,
    )
    assert ProjectMember.objects.get(project=project, user=creator).role == "lead"
    assert project.access_level == "partners"
    with pytest.raises(ValidationError):
        services.project_create(
            title="无牵头单位", origin_organisation=organisations["own"], lead_organisations=[]
        )
    with pytest.raises(ValidationError):
        services.project_create(
            title="日期颠倒",
            origin_organisation=organisations["own"],
            lead_organisations=[organisations["own"]],
            start_date=datetime.date(2021, 1, 1),
            planned_end=datetime.date(2020, 1, 1),
        )


def test_member_add_is_for_leads(team, organisations):
    project = team["project"]
    newcomer = staff("newcomer", organisations["same_region"])
    with pytest.raises(PermissionDenied):
        services.member_add(project=project, user=newcomer, added_by=team["users"]["member"])
    member = services.member_add(project=project, user=newcomer, added_by=team["users"]["lead"])
    assert member.organisation == organisations["same_region"] and member.role == "member"
    assert team["clients"]["lead"].get(workspace_url(project)).status_code == 200
    partner_name = services.member_add(
        project=project, full_name="王研究", organisation=organisations["partner"], role="advisor"
    )
    assert partner_name.display_name == "王研究"


def test_lead_adds_members_of_this_site_and_of_the_partner_region(team, organisations):
    project = team["project"]
    newcomer = staff("newcomer", organisations["same_region"])
    lead = team["clients"]["lead"]
    url = workspace_url(project)
    response = lead.post(
        url, {"action": "member", "member-user": newcomer.pk, "member-role": "member"}, follow=True
    )
    assert "已将“测试人员”加入课题组" in response.content.decode()
    newcomer_client = Client()
    newcomer_client.force_login(newcomer)
    assert newcomer_client.get(url).status_code == 200

    # Partner-region staff have no account here: a name and an organisation will do, not a name alone.
    response = lead.post(url, {"action": "member", "member-full_name": "王研究", "member-role": "advisor"})
    assert response.status_code == 400 and "请指定成员所在单位" in response.content.decode()
    lead.post(
        url,
        {
            "action": "member",
            "member-full_name": "王研究",
            "member-organisation": organisations["partner"].pk,
            "member-role": "advisor",
        },
    )
    advisor = ProjectMember.objects.get(project=project, full_name="王研究")
    assert advisor.role == "advisor" and advisor.user is None
    response = team["clients"]["member"].post(url, {"action": "member", "member-full_name": "越权成员"})
    assert response.status_code == 403
