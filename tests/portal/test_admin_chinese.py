"""The zh admin a staff member uses, in Chinese only: Wagtail's untranslated strings come from the
project catalog (locale/zh_Hans), names are written family name first, and no avatar is fetched
from an outside service."""

import json
import re

import pytest

from django.apps import apps
from django.contrib.auth import get_user_model
from django.urls import reverse

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from events.models import Event
from materials.models import Material
from portal.models import StandardPage, Topic
from portal.page_mixins import EnglishVersion
from publicity.models import Story, StoryIndexPage
from research.models import Project
from tests.portal.admin_text import english_words
from training.models import Course, Session

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(home_page):
    users = get_user_model().objects
    return {"editor": users.get(username="cd_editor"), "superuser": users.get(username="admin")}


def _snippet_urls(model, instance) -> list[str]:
    viewset = model.snippet_viewset
    return [
        reverse(viewset.get_url_name("list")),
        reverse(viewset.get_url_name("add")),
        reverse(viewset.get_url_name("edit"), args=[instance.pk]),
    ]


def _admin_urls(home_page) -> list[str]:
    index = StoryIndexPage.objects.get()
    story = Story.objects.filter(live=True).first()
    standard = StandardPage.objects.first()
    urls = [
        "/admin/",
        f"/admin/pages/{home_page.pk}/",
        f"/admin/pages/{index.pk}/",
        f"/admin/pages/{story.pk}/edit/",
        f"/admin/pages/add/publicity/story/{index.pk}/",
        f"/admin/pages/{standard.pk}/edit/",
        f"/admin/pages/add/portal/standardpage/{home_page.pk}/",
        f"/admin/pages/{story.pk}/history/",
        f"/admin/pages/{story.pk}/copy/",
        f"/admin/pages/{story.pk}/move/",
        f"/admin/pages/{story.pk}/delete/",
        f"/admin/pages/{story.pk}/unpublish/",
        f"/admin/pages/{index.pk}/add_subpage/",
        f"/admin/pages/{story.pk}/workflow_history/",
        f"/admin/pages/{story.pk}/usage/",
        "/admin/pages/search/?q=党史",
        "/admin/reports/locked/",
        "/admin/reports/site-history/",
        "/admin/reports/aging-pages/",
        "/admin/reports/workflow/",
        "/admin/workflows/list/",
        "/admin/workflows/tasks/index/",
        "/admin/reports/page-types-usage/",
        "/admin/sites/",
        "/admin/redirects/",
        "/admin/collections/",
        "/admin/groups/",
        "/admin/staff_profiles/",
        "/admin/documents/",
        "/admin/images/",
        "/admin/account/",
        "/admin/users/",
    ]
    if get_document_model().objects.exists():
        urls.append(f"/admin/documents/edit/{get_document_model().objects.first().pk}/")
    if get_image_model().objects.exists():
        urls.append(f"/admin/images/{get_image_model().objects.first().pk}/")
    for model in (Material, Event, Project, Course, Session, Topic):
        urls += _snippet_urls(model, model.objects.first())
    return urls


def _usernames() -> set[str]:
    return set(get_user_model().objects.values_list("username", flat=True))


def _english_content() -> set[str]:
    """The words editors wrote in pages' English versions: content, not interface text."""
    words = set()
    for model in apps.get_models():
        if issubclass(model, EnglishVersion):
            for texts in model.objects.values_list("title_en", "introduction_en"):
                words |= set(re.findall(r"[A-Za-z]+", " ".join(texts)))
    return words


def _english_on(client, url, *, allowed) -> list[str]:
    response = client.get(url, follow=True)
    assert response.status_code == 200, url
    return [f"{url}: {found}" for found in english_words(response.content.decode(), allowed=allowed)]


def test_the_admin_pages_staff_use_show_no_english(client, home_page, people):
    # The topic listing shows each topic's code (qijiang, red-line): data, not interface text.
    allowed = _usernames() | set(Topic.objects.values_list("slug", flat=True)) | _english_content()
    problems = []
    for who in ("editor", "superuser"):
        client.force_login(people[who])
        for url in _admin_urls(home_page):
            if who == "editor" and client.get(url).status_code != 200:
                continue  # a page the editor may not open (the user listing, other units' records)
            problems += _english_on(client, url, allowed=allowed)
    assert problems == [], "\n".join(problems)


def test_validation_errors_and_save_messages_are_chinese(client, home_page, people):
    client.force_login(people["editor"])
    index = StoryIndexPage.objects.get()

    empty = {"title": "", "body-count": "0", "comments-TOTAL_FORMS": "0", "comments-INITIAL_FORMS": "0"}
    refused = client.post(f"/admin/pages/add/publicity/story/{index.pk}/", empty)

    html = refused.content.decode()
    assert refused.status_code == 200 and "存在验证错误，页面未能创建。" in html
    assert english_words(html, allowed=_usernames()) == []

    client.force_login(people["superuser"])
    topic = {"name": "红色交通线", "kind": "theme", "slug": "red-line", "description": ""}
    saved = client.post(reverse(Topic.snippet_viewset.get_url_name("add")), topic, follow=True)
    html = saved.content.decode()
    assert saved.status_code == 200 and re.search(r'class="success".*?红色交通线', html, re.S)
    # The listing it lands on shows each topic's code (qijiang, red-line): data, not interface text.
    codes = set(Topic.objects.values_list("slug", flat=True))
    assert english_words(html, allowed=_usernames() | codes) == []


def test_the_rich_text_placeholder_and_script_strings_are_chinese(client, people):
    """Draftail and the other admin scripts read their strings from the JavaScript catalog."""
    client.force_login(people["editor"])
    script = client.get("/admin/jsi18n/").content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", script, re.S).group(1))

    assert catalog["Write something or type ‘/’ to insert a block"] == "输入内容，或输入“/”插入内容块"
    assert catalog["Insert a block"] == "插入内容块"


def test_no_admin_page_loads_an_avatar_from_an_outside_service(client, home_page, people):
    client.force_login(people["editor"])
    for url in ("/admin/", "/admin/account/", f"/admin/pages/{StoryIndexPage.objects.get().pk}/"):
        html = client.get(url).content.decode()
        assert "gravatar" not in html.lower(), url
        # Every image and script the page loads comes from this site.
        outside = re.findall(r'(?:src|srcset)="(?:https?:)?//[^"]+"', html)
        assert outside == [], url


def test_names_are_written_family_name_first(client, home_page, people):
    editor = people["editor"]
    assert editor.get_full_name() == "曾编辑"

    client.force_login(editor)
    dashboard = client.get("/admin/").content.decode()
    props = re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', dashboard, re.S).group(1)
    assert "曾编辑" in json.dumps(json.loads(props), ensure_ascii=False)

    index = StoryIndexPage.objects.get()
    story = Story(
        title="成都召开党史学习座谈会",
        section=Story.objects.first().section,
        origin_organisation=editor.staff_profile.organisation,
        publication_date=Story.objects.first().publication_date,
        owner=editor,
        live=False,
    )
    index.add_child(instance=story)
    story.save_revision(user=editor, log_action=True)

    client.force_login(people["superuser"])
    explorer = client.get(f"/admin/pages/{index.pk}/").content.decode()
    history = client.get(f"/admin/pages/{story.pk}/history/").content.decode()
    users = client.get("/admin/users/").content.decode()
    for html in (explorer, history, users):
        assert "曾编辑" in html
        assert "编辑 曾" not in html
    assert Page.objects.get(pk=story.pk).owner.get_full_name() == "曾编辑"
