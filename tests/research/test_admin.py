"""Editors manage projects and the expert pool in the Wagtail admin."""

import pytest

from django.contrib.auth import get_user_model

from research.models import Project

from .factories import ExpertFactory, MilestoneFactory, ProjectMemberFactory, ProjectOutputFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, projects):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "pass-word-123")
    client.force_login(user)
    project = projects["public"]
    ProjectMemberFactory(project=project, full_name="王研究")
    MilestoneFactory(project=project, title="中期检查")
    ProjectOutputFactory(project=project, title="研讨会论文集")
    ExpertFactory(name="潘洵")
    return client


@pytest.mark.parametrize(
    ("model", "text"),
    [
        ("project", "公开课题"),
        ("projectmember", "王研究"),
        ("milestone", "中期检查"),
        ("projectoutput", "研讨会论文集"),
        ("expert", "潘洵"),
    ],
)
def test_admin_lists_and_add_forms_work(admin_client, model, text):
    listing = admin_client.get(f"/admin/snippets/research/{model}/")
    assert listing.status_code == 200
    assert text in listing.content.decode()
    assert admin_client.get(f"/admin/snippets/research/{model}/add/").status_code == 200


def test_admin_requires_a_lead_organisation(admin_client, organisations):
    data = {
        "title": "无牵头单位的课题",
        "summary": "",
        "status": "proposed",
        # This deployment's region (sichuan): a project is never owned by the partner region here.
        "origin_organisation": organisations["partner"].pk,
        "access_level": "partners",
    }
    response = admin_client.post("/admin/snippets/research/project/add/", data)
    assert response.status_code == 200
    assert not Project.objects.filter(title="无牵头单位的课题").exists()
    data["lead_organisations"] = [organisations["own"].pk, organisations["partner"].pk]
    response = admin_client.post("/admin/snippets/research/project/add/", data)
    assert response.status_code == 302
    project = Project.objects.get(title="无牵头单位的课题")
    assert project.lead_organisations.count() == 2
    assert project.origin_region == "sichuan"
