"""What an editor and a reviewer meet in the admin: 我的报送 on the dashboard, 审核意见 and a
confirmation after each review decision, short slugs for new stories, one topic widget (stories,
materials, projects)."""

import re

import pytest

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

from wagtail.models import Page

from portal.models import Topic
from portal.services import staff_user_create_or_update
from publicity.models import Section, Story
from publicity.services import submission_workflow_ensure
from research.models import Project
from tests.factories import OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture
def people(story_index):
    municipal = OrganisationFactory(
        code="cq-municipal", name="重庆市委党史研究室", short_name="市委党史研究室", level="province"
    )
    qijiang = OrganisationFactory(code="cq-qijiang", name="綦江区委党史地方志研究室")
    make = staff_user_create_or_update
    submission_workflow_ensure(region="chongqing", index=story_index)
    return {
        "reviewer": make(
            username="cq_reviewer", organisation=municipal, roles=["reviewer"], full_name="周审核"
        ),
        "editor": make(username="qj_editor", organisation=qijiang, roles=["editor"], full_name="綦编辑"),
        "qijiang": qijiang,
    }


def _draft(index, *, title, organisation, owner, slug="draft") -> Story:
    story = Story(
        title=title,
        slug=slug,
        section=Section.objects.get(slug="news-briefs"),
        origin_organisation=organisation,
        publication_date=timezone.localdate(),
        live=False,
        owner=owner,
    )
    index.add_child(instance=story)
    story.save_revision(user=owner)
    return story


def test_an_editors_dashboard_lists_their_submissions_and_offers_to_submit(client, story_index, people):
    editor = people["editor"]
    pending = _draft(
        story_index, title="綦江召开座谈会", organisation=people["qijiang"], owner=editor, slug="a"
    )
    draft = _draft(story_index, title="綦江的草稿", organisation=people["qijiang"], owner=editor, slug="b")
    pending.get_workflow().start(pending, editor)

    client.force_login(editor)
    html = client.get("/admin/").content.decode()

    panel = html[html.index("我的报送") :]
    assert "我的报送" in html
    add_url = f"/admin/pages/add/publicity/story/{story_index.pk}/"
    assert f'href="{add_url}"' in panel and "报送信息" in panel
    rows = re.findall(r"<tr>(.*?)</tr>", panel, re.S)
    for title, status in ((pending.title, "待审核"), (draft.title, "草稿")):
        assert any(title in row and status in row for row in rows), (title, status)
    assert client.get(add_url).status_code == 200

    # Someone who neither submits nor owns stories gets no such panel.
    client.force_login(people["reviewer"])
    assert "我的报送" not in client.get("/admin/").content.decode()


def _act(client, user, story, action, comment=""):
    client.force_login(user)
    task_state = Story.objects.get(pk=story.pk).current_workflow_task_state
    return client.post(
        f"/admin/pages/workflow/action/{story.pk}/{action}/{task_state.pk}/",
        {"comment": comment},
        follow=True,
    )


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("approve", "已采用《綦江召开座谈会》。"),
        ("reject", "已将《綦江召开座谈会》退回报送单位修改。"),
        ("decline", "已对《綦江召开座谈会》作出不予采用决定。"),
    ],
)
def test_each_review_decision_is_confirmed(client, story_index, people, action, message):
    editor, reviewer = people["editor"], people["reviewer"]
    story = _draft(story_index, title="綦江召开座谈会", organisation=people["qijiang"], owner=editor)
    story.get_workflow().start(story, editor)
    task_state = story.current_workflow_task_state

    client.force_login(reviewer)
    modal = client.get(f"/admin/pages/workflow/action/{story.pk}/{action}/{task_state.pk}/").json()["html"]
    assert "审核意见" in modal and "评论" not in modal

    response = _act(client, reviewer, story, action, "请核实")

    assert response.redirect_chain[-1][0] == f"/admin/pages/{story.pk}/edit/"
    assert message in response.content.decode()
    task_state.refresh_from_db()
    assert task_state.finished_by == reviewer
    assert story.submission_events.last().comment == "请核实"
    # Only the reviewer who decided sees the confirmation.
    client.force_login(editor)
    assert client.get(f"/admin/publicity/review/{task_state.pk}/{action}/").status_code == 404


def _story_form(story_index, people, *, title, slug, topics=()):
    return {
        "title": title,
        "slug": slug,
        "section": Section.objects.get(slug="news-briefs").pk,
        "origin_organisation": people["qijiang"].pk,
        "publication_date": "2020-06-09",
        "body-count": "0",
        "topics": [topic.pk for topic in topics],
        "access_level": "public",
        "offered_to_partner": "on",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }


def test_new_stories_get_short_date_number_slugs_and_old_ones_keep_theirs(client, story_index, people):
    title = "川渝两地党史部门联合开展“重走长征路”主题宣传教育活动并召开工作推进会"
    old = _draft(
        story_index, title="旧稿件", organisation=people["qijiang"], owner=people["editor"], slug="旧稿件"
    )
    client.force_login(people["editor"])
    add_url = f"/admin/pages/add/publicity/story/{story_index.pk}/"

    for expected in ("2020-06-09-1", "2020-06-09-2"):
        # What the admin's script fills in from the title: the Chinese title itself.
        form = _story_form(story_index, people, title=title, slug=slugify(title, allow_unicode=True))
        response = client.post(add_url, form)
        assert response.status_code == 302
        story = Story.objects.get(title=title, slug=expected)
        assert story.url_path.endswith(f"/{expected}/")

    typed = client.post(add_url, _story_form(story_index, people, title="另一篇", slug="cq-meeting"))
    assert typed.status_code == 302 and Story.objects.filter(slug="cq-meeting").exists()

    edit = _story_form(story_index, people, title="旧稿件（修订）", slug="旧稿件")
    client.post(f"/admin/pages/{old.pk}/edit/", edit)
    assert Page.objects.get(pk=old.pk).slug == "旧稿件"


def _topics_widget(html: str) -> str:
    widgets = re.findall(r'<div class="portal-searchable-select".*?</div>\s*</div>', html, re.S)
    topics = [widget for widget in widgets if 'name="topics"' in widget]
    assert topics, "the topics field is not the searchable multi-select"
    assert "/static/portal/js/searchable-select.js" in html
    assert '<select name="topics"' not in html
    return topics[0]


def test_stories_materials_and_projects_share_one_topics_widget_and_save_it(client, story_index, people):
    topics = [Topic.objects.create(kind="theme", name=f"主题{n}", slug=f"theme-{n}") for n in range(3)]
    client.force_login(people["editor"])
    story_add = f"/admin/pages/add/publicity/story/{story_index.pk}/"
    forms = {"story": client.get(story_add).content.decode()}
    superuser = get_user_model().objects.create_superuser("root-admin", password="pw-123456")
    client.force_login(superuser)
    forms["material"] = client.get("/admin/snippets/materials/material/add/").content.decode()
    forms["project"] = client.get("/admin/snippets/research/project/add/").content.decode()

    widgets = {name: _topics_widget(html) for name, html in forms.items()}
    for widget in widgets.values():
        assert 'type="checkbox"' in widget and "主题1" in widget
    # The same markup on all three forms: the filter box and the chosen line above one list of boxes.
    assert len({re.sub(r"<label.*", "", widget, flags=re.S) for widget in widgets.values()}) == 1

    # What is ticked is saved, on a story and on a project.
    chosen = [topics[0], topics[2]]
    client.force_login(people["editor"])
    story_form = _story_form(story_index, people, title="綦江主题稿件", slug="topics-story", topics=chosen)
    assert client.post(story_add, story_form).status_code == 302
    assert set(Story.objects.get(slug="topics-story").topics.all()) == set(chosen)

    client.force_login(superuser)
    # A project is owned by a unit of this deployment's region.
    own = OrganisationFactory(code="own-office", name="本地区党史研究室", region=settings.PORTAL_REGION)
    project = {
        "title": "川渝红色交通线研究",
        "summary": "",
        "status": "proposed",
        "lead_organisations": [own.pk],
        "topics": [topic.pk for topic in chosen],
        "origin_organisation": own.pk,
        "access_level": "partners",
    }
    saved = client.post("/admin/snippets/research/project/add/", project)
    assert saved.status_code == 302, saved.context["form"].errors
    assert set(Project.objects.get(title="川渝红色交通线研究").topics.all()) == set(chosen)
