import pytest

from research.models import Expert, Project

pytestmark = pytest.mark.django_db


def test_demo_seeds_joint_projects_of_both_regions_idempotently(home_page, client, settings):
    from io import StringIO

    from django.core.management import call_command

    counts = (Project.objects.count(), Expert.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Project.objects.count(), Expert.objects.count()) == counts

    project = Project.objects.get(title="服务成渝地区双城经济圈建设党史资政研究")
    assert {o.region for o in project.lead_organisations.all()} == {"sichuan", "chongqing"}
    html = client.get("/research/").content.decode()
    assert "服务成渝地区双城经济圈建设党史资政研究" in html
    assert "四川省党史资料征编工作规划" not in html  # internal
    assert client.get("/en/research/").status_code == 200


def test_demo_of_the_chongqing_site(db, settings):
    from io import StringIO

    from django.core.management import call_command
    from django.utils import translation

    settings.PORTAL_REGION = "chongqing"
    # An earlier request under /en/ may leave English active in this thread.
    with translation.override("zh-hans"):
        call_command("seed_demo", stdout=StringIO())
    project = Project.objects.get(title="红岩精神与中国革命精神研究")
    assert project.origin_organisation.name == "重庆市委党史研究室"
    assert "四川省委党史研究室" in {o.name for o in project.lead_organisations.all()}
    assert project.milestones.filter(state="in_progress").exists()
    pan = Expert.objects.get(name="潘洵")
    assert pan.affiliation == "西南大学" and pan.projects.filter(pk=project.pk).exists()
    assert Project.objects.get(title="中央红军长征过川渝史实研究").outputs.count() == 3
