from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.models import Level
from portal.selectors import staff_organisation

from . import admin_views
from .models import BulletinIssue, RedHeritageSite, Section, Story


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
