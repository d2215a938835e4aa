from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.models import Level
from portal.selectors import staff_organisation

from . import admin_views
from .models import BulletinIssue, RedHeritageSite, Section, Story, StoryIndexPage
from .selectors import story_submissions_of


class SectionViewSet(SnippetViewSet):
    model = Section
    icon = "list-ul"
    menu_label = _("栏目")
    list_display = ["name", "slug", "order"]


class BulletinIssueViewSet(SnippetViewSet):
    model = BulletinIssue
    icon = "doc-full-inverse"
    menu_label = _("工作简报")
    list_display = ["__str__", "date", "region"]
    list_filter = ["region", "year"]


register_snippet(SectionViewSet)
register_snippet(BulletinIssueViewSet)


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("publicity/quarterly/", admin_views.quarterly_report, name="publicity_quarterly_report"),
        path(
            "publicity/bulletins/<int:pk>/compile/",
            admin_views.bulletin_compile,
            name="publicity_bulletin_compile",
        ),
        path(
            "publicity/review/<int:task_state_id>/<str:action_name>/",
            admin_views.review_done,
            name="publicity_review_done",
        ),
    ]


class QuarterlyReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("publicity.view_submissionevent")


@hooks.register("register_reports_menu_item")
def register_quarterly_report_menu_item():
    return QuarterlyReportMenuItem(
        _("信息报送季度通报"), reverse("publicity_quarterly_report"), icon_name="table", order=900
    )


@hooks.register("before_edit_page")
def refuse_editing_replicas(request, page):
    """A story cross-posted from the partner region is edited only where it came from."""
    specific = page.specific
    if isinstance(specific, RedHeritageSite) and specific.is_replica:
        messages.error(request, _("该红色景点来自协作地区，只能在来源地区修改。"))
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    if not isinstance(specific, Story):
        return None
    if specific.is_replica:
        messages.error(request, _("该稿件转载自协作地区，只能在来源地区修改。"))
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    # District and city editors edit their own unit's stories; province-level staff review all.
    organisation = staff_organisation(user=request.user)
    if (
        not request.user.is_superuser
        and organisation is not None
        and organisation.level != Level.PROVINCE
        and specific.origin_organisation_id != organisation.pk
    ):
        messages.error(request, _("只能修改本单位的稿件。"))
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None


@hooks.register("register_snippet_listing_buttons")
def bulletin_issue_buttons(snippet, user, next_url=None):
    if not isinstance(snippet, BulletinIssue):
        return []
    buttons = [
        ListingButton(_("网页版"), reverse("publicity:bulletin_issue", args=[snippet.pk]), priority=10),
        ListingButton(_("PDF"), reverse("publicity:bulletin_issue_pdf", args=[snippet.pk]), priority=20),
    ]
    if user.has_perm("publicity.change_bulletinissue"):
        buttons.append(
            ListingButton(
                _("编入稿件"), reverse("publicity_bulletin_compile", args=[snippet.pk]), priority=30
            )
        )
    return buttons


@hooks.register("after_edit_page")
def confirm_review_from_editor(request, page):
    """A reviewer may decide from the edit view (save and approve): confirm that decision too."""
    action_name = request.POST.get("workflow-action-name", "")
    if isinstance(page.specific, Story) and action_name in ("approve", "reject", "decline"):
        messages.success(
            request, admin_views.review_message(action_name=action_name, title=page.get_admin_display_title())
        )


class MySubmissionsPanel(Component):
    """我的报送: an editor's own stories with their status, and the way to submit a new one."""

    name = "my_submissions"
    template_name = "publicity/admin/my_submissions_panel.html"
    order = 50

    def __init__(self, *, submissions, add_url: str):
        self.submissions, self.add_url = submissions, add_url

    def get_context_data(self, parent_context):
        return {"submissions": self.submissions, "add_url": self.add_url}


@hooks.register("construct_homepage_panels")
def add_my_submissions_panel(request, panels):
    index = StoryIndexPage.objects.first()
    can_submit = index is not None and index.permissions_for_user(request.user).can_add_subpage()
    submissions = story_submissions_of(user=request.user)
    if not (can_submit or submissions):
        return
    add_url = reverse("wagtailadmin_pages:add", args=("publicity", "story", index.pk)) if can_submit else ""
    panels.append(MySubmissionsPanel(submissions=submissions, add_url=add_url))
