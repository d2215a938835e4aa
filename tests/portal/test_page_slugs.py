"""A new page's address is short and readable (2026-06-15-1), not its percent-encoded Chinese title."""

import pytest

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

from wagtail.models import Page, get_page_models

from portal.models import StandardPage
from portal.page_forms import PortalCopyForm, PortalPageForm

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

TITLE = "川渝两地党史部门联合开展“重走长征路”主题宣传教育活动"


def test_every_page_type_editors_create_takes_the_short_address_rule():
    # The singletons (home, index pages, the calendar at /events/) are made by code with their own slugs.
    created_by_editors = [m for m in get_page_models() if m is not Page and m.max_count is None]
    assert {model.__name__ for model in created_by_editors} >= {"Story", "RedHeritageSite", "StandardPage"}
    for model in created_by_editors:
        assert issubclass(model.get_edit_handler().get_form_class(), PortalPageForm), model
        assert issubclass(model.copy_form_class, PortalCopyForm), model


def _standard_page_form(*, title, slug):
    return {
        "title": title,
        "slug": slug,
        "introduction": "",
        "body-count": "0",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }


def test_a_new_page_with_a_chinese_title_is_addressed_by_date_and_number(client, home_page):
    client.force_login(get_user_model().objects.get(username="admin"))
    add_url = f"/admin/pages/add/portal/standardpage/{home_page.pk}/"
    today = f"{timezone.localdate():%Y-%m-%d}"

    # What the admin's script fills in from the title (the Chinese title itself), then a slug left empty.
    for slug, expected in ((slugify(TITLE, allow_unicode=True), f"{today}-1"), ("", f"{today}-2")):
        response = client.post(add_url, _standard_page_form(title=TITLE, slug=slug))
        assert response.status_code == 302, response.content.decode()[:2000]
        page = StandardPage.objects.get(slug=expected)
        assert page.url_path == f"{home_page.url_path}{expected}/"

    typed = client.post(add_url, _standard_page_form(title="工作机构", slug="about-us"))
    assert typed.status_code == 302 and StandardPage.objects.filter(slug="about-us").exists()

    # A page already saved keeps its address when it is edited.
    page = StandardPage.objects.get(slug=f"{today}-1")
    revised = _standard_page_form(title=f"{TITLE}（修订）", slug=page.slug)
    edited = client.post(f"/admin/pages/{page.pk}/edit/", revised)
    assert edited.status_code == 302
    assert StandardPage.objects.get(pk=page.pk).slug == f"{today}-1"


def test_the_slug_field_says_what_an_empty_or_chinese_slug_becomes(client, home_page):
    client.force_login(get_user_model().objects.get(username="admin"))
    html = client.get(f"/admin/pages/add/portal/standardpage/{home_page.pk}/").content.decode()
    assert "留空或含中文时自动使用“日期-序号”" in html


def test_a_copy_is_offered_and_given_the_next_date_number_address(client, home_page):
    client.force_login(get_user_model().objects.get(username="admin"))
    today = f"{timezone.localdate():%Y-%m-%d}"
    original = home_page.add_child(instance=StandardPage(title=TITLE, slug=f"{today}-1"))
    copy_url = f"/admin/pages/{original.pk}/copy/"

    # Wagtail would offer the original's slug, which is taken under the same parent.
    form = client.get(copy_url).context["form"]
    assert form["new_slug"].value() == f"{today}-2"

    def copy(slug):
        data = {"new_title": TITLE, "new_slug": slug, "new_parent_page": home_page.pk}
        response = client.post(copy_url, data)
        assert response.status_code == 302, response.content.decode()[:2000]

    for slug, expected in ((f"{today}-2", f"{today}-2"), ("", f"{today}-3"), ("重走长征路", f"{today}-4")):
        copy(slug)
        assert StandardPage.objects.child_of(home_page).filter(slug=expected).exists(), expected
    copy("long-march")
    assert StandardPage.objects.child_of(home_page).filter(slug="long-march").exists()
