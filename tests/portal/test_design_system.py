"""The design system (issue 17): colours come from portal.css's tokens, every public button is a
``.button``, messages and empty lists render through the shared includes."""

import re
from pathlib import Path

import pytest

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.shortcuts import render
from django.test import RequestFactory

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "portal",
    "accounts",
    "audit",
    "events",
    "materials",
    "publicity",
    "research",
    "search",
    "sync",
    "training",
)
TOKENS = ROOT / "portal" / "static" / "css" / "portal.css"
# A colour written out: #rgb, #rrggbb (with alpha), rgb()/rgba()/hsl()/hsla(), or a named colour.
COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?)\(|:\s*(?:white|black|red|grey|gray)\b", re.I)
ROOT_BLOCK = re.compile(r"^:root\s*\{[^}]*\}", re.M)
STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style>|\bstyle=\"([^\"]*)\"", re.S)
EXTENDS = re.compile(r"{%\s*extends\s+\"([^\"]+)\"")
CONTROL = re.compile(r"<button\b[^>]*>|<input\b[^>]*type=\"submit\"[^>]*>")
CLASSES = re.compile(r"\bclass=\"([^\"]*)\"")


def _stylesheets():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.css")):
            if "vendor" not in path.parts:
                yield path


def _templates():
    by_name = {}
    for app in APPS:
        for path in sorted((ROOT / app / "templates").rglob("*.html")):
            by_name[path.relative_to(ROOT / app / "templates").as_posix()] = path
    return by_name


def _is_admin(name: str, by_name: dict) -> bool:
    """Templates of Wagtail's admin (its own styles): under an admin/ folder or extending its base."""
    seen = set()
    while name not in seen:
        seen.add(name)
        if name.startswith("wagtailadmin/") or "/admin/" in f"/{name}":
            return True
        path = by_name.get(name)
        found = EXTENDS.search(path.read_text(encoding="utf-8")) if path else None
        if not found:
            return False
        name = found.group(1)
    return False


def _public_templates():
    by_name = _templates()
    return {name: path for name, path in by_name.items() if not _is_admin(name, by_name)}


def test_colours_are_written_once_as_tokens():
    """(a) No stylesheet or public template writes a colour; portal.css's :root block names them all."""
    found = []
    for path in _stylesheets():
        text = path.read_text(encoding="utf-8")
        if path == TOKENS:
            assert ROOT_BLOCK.search(text), "portal.css starts with the :root token block"
            text = ROOT_BLOCK.sub("", text, count=1)
        found += [f"{path.relative_to(ROOT)}: {match.group(0)}" for match in COLOUR.finditer(text)]
    for name, path in _public_templates().items():
        for block in STYLE_BLOCK.finditer(path.read_text(encoding="utf-8")):
            css = block.group(1) or block.group(2)
            found += [f"{name}: {match.group(0)}" for match in COLOUR.finditer(css)]
    assert found == []
    tokens = ROOT_BLOCK.search(TOKENS.read_text(encoding="utf-8")).group(0)
    for name in ("red", "red-dark", "ink", "muted", "paper", "surface", "line", "focus"):
        assert f"--{name}:" in tokens
    for kind in ("success", "info", "warning", "danger"):
        assert f"--{kind}:" in tokens and f"--{kind}-light:" in tokens
    assert "--radius:" in tokens and "--space-1:" in tokens


def test_every_public_button_is_the_shared_button():
    """(b) Every <button> and submit input of a public template carries the .button class."""
    bare = []
    for name, path in _public_templates().items():
        for control in CONTROL.finditer(path.read_text(encoding="utf-8")):
            classes = CLASSES.search(control.group(0))
            if not classes or "button" not in classes.group(1).split():
                bare.append(f"{name}: {control.group(0)}")
    assert bare == []


def test_only_the_shared_include_lists_messages():
    """(c) No public template but portal/includes/messages.html walks the messages itself."""
    own = [
        name
        for name, path in _public_templates().items()
        if name != "portal/includes/messages.html"
        and re.search(r"{%\s*(?:for \w+ in|if) messages\b", path.read_text(encoding="utf-8"))
    ]
    assert own == []


@pytest.mark.django_db
def test_base_shows_each_message_once_with_its_role(site_home):
    request = RequestFactory().get("/research/")
    SessionMiddleware(lambda request: None).process_request(request)
    MessageMiddleware(lambda request: None).process_request(request)
    request.user = AnonymousUser()
    messages.success(request, "已添加节点。")
    messages.error(request, "未知操作。")

    html = render(request, "research/forbidden.html", {"message": "无权访问"}).content.decode()

    assert html.count('class="messages"') == 1
    assert '<p class="message message--success" role="status">已添加节点。</p>' in html
    assert '<p class="message message--error" role="alert">未知操作。</p>' in html
    assert html.index('class="messages"') < html.index("<h1>")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/materials/",
        "/research/",
        "/research/experts/",
        "/events/",
        "/events/past/",
        "/training/",
        "/bulletins/",
    ],
)
def test_an_empty_list_shows_the_shared_empty_state(client, site_home, path):
    """(d) A list with nothing in it says so in the shared .empty-state box, and only once."""
    html = client.get(path).content.decode()
    assert html.count('class="empty-state"') == 1, path
    assert 'class="empty-state__title"' in html


@pytest.mark.django_db
def test_an_empty_story_index_shows_the_shared_empty_state(client, site_home):
    from publicity.services import story_index_ensure

    story_index_ensure(home=site_home)
    html = client.get("/stories/").content.decode()
    assert html.count('class="empty-state"') == 1
    assert "暂无稿件。" in html


TOPIC_LOOP = re.compile(r"{%\s*for\s+\w+\s+in\s+[\w.]*\btopics\b[^%]*%}|{%\s*for\s+topic\s+in\b[^%]*%}")


def test_topic_tags_are_written_once():
    """(e) No public template walks a record's topics but portal/includes/tags.html: a topic is a .tag
    link to its list, filtered by it, in every module."""
    own = [
        f"{name}: {loop.group(0)}"
        for name, path in _public_templates().items()
        if name != "portal/includes/tags.html"
        for loop in TOPIC_LOOP.finditer(path.read_text(encoding="utf-8"))
    ]
    assert own == []


@pytest.mark.django_db
def test_a_storys_topics_are_tags_that_filter_the_story_list(client, site_home, settings):
    from bs4 import BeautifulSoup

    from portal.models import Topic
    from publicity.services import story_index_ensure
    from tests.publicity.factories import story_create

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    index = story_index_ensure(home=site_home)
    story = story_create(index=index, title="綦江推进长征")
    story_create(index=index, title="无主题的稿件")
    story.topics.set(
        [
            Topic.objects.create(kind="event", name="中央红军长征", slug="long-march"),
            Topic.objects.create(kind="place", name="綦江", slug="qijiang"),
        ]
    )
    story.save_revision().publish()

    page = BeautifulSoup(client.get(story.url).content, "html.parser")
    tags = page.select("ul.tags li > a.tag")
    assert [tag.get_text() for tag in tags] == ["中央红军长征", "綦江"]
    hrefs = sorted(tag["href"] for tag in tags)
    assert hrefs == [f"{index.url}?topic=long-march", f"{index.url}?topic=qijiang"]
    for tag in tags:
        listed = client.get(tag["href"]).content.decode()
        assert "綦江推进长征" in listed and "无主题的稿件" not in listed
