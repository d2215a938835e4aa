from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail.models import TaskState

from portal.models import Region

from .models import BulletinIssue
from .reports import quarterly_columns, quarterly_totals, quarterly_values, quarterly_xlsx
from .selectors import bulletin_compile_candidates, submission_quarterly_report
from .services import bulletin_issue_compile


def _period(request) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        quarter = int(request.GET.get("quarter", (today.month - 1) // 3 + 1))
    except ValueError:
        year, quarter = today.year, (today.month - 1) // 3 + 1
    return year, min(max(quarter, 1), 4)


def quarterly_report(request):
    if not request.user.has_perm("publicity.view_submissionevent"):
        raise PermissionDenied
    year, quarter = _period(request)
    region = request.GET.get("region", "")
    region = region if region in Region.values else ""
    rows = submission_quarterly_report(year=year, quarter=quarter, region=region)
    if request.GET.get("export") == "xlsx":
        response = HttpResponse(
            quarterly_xlsx(rows=rows, year=year, quarter=quarter),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="submissions-{year}-q{quarter}.xlsx"'
        return response
    peak = max([max(r.submitted, r.published) for r in rows] or [1]) or 1
    table = [
        {
            "values": quarterly_values(row),
            # Each bar carries its name and figure, so the chart does not depend on colour.
            "bars": [
                {"name": _("报送"), "value": row.submitted, "pct": round(100 * row.submitted / peak)},
                {"name": _("采用"), "value": row.accepted, "pct": round(100 * row.accepted / peak)},
                {"name": _("发布"), "value": row.published, "pct": round(100 * row.published / peak)},
            ],
        }
        for row in rows
    ]
    return render(
        request,
        "publicity/admin/quarterly_report.html",
        {
            "title": _("信息报送季度通报"),
            "year": year,
            "quarter": quarter,
            "region": region,
            "regions": Region.choices,
            "quarters": [1, 2, 3, 4],
            "columns": quarterly_columns(),
            "table": table,
            "totals": quarterly_totals(rows),
            "peak": peak,
        },
    )


def bulletin_compile(request, pk: int):
    """编入稿件: put the region's accepted stories not yet in a bulletin into this issue."""
    if not request.user.has_perm("publicity.change_bulletinissue"):
        raise PermissionDenied
    issue = get_object_or_404(BulletinIssue, pk=pk)
    if request.method != "POST":
        return render(
            request,
            "publicity/admin/bulletin_compile.html",
            {
                "title": _("编入稿件"),
                "issue": issue,
                "candidates": bulletin_compile_candidates(issue=issue, user=request.user),
            },
        )
    added = bulletin_issue_compile(issue=issue, user=request.user)
    messages.success(request, _("已编入 %(count)s 篇稿件。") % {"count": len(added)})
    return redirect("publicity:bulletin_issue", pk=issue.pk)


def review_message(*, action_name: str, title: str) -> str:
    """What a review decision did, confirmed to the reviewer."""
    messages_by_action = {
        "approve": _("已采用《%(title)s》。"),
        "reject": _("已将《%(title)s》退回报送单位修改。"),
        "decline": _("已对《%(title)s》作出不予采用决定。"),
    }
    return messages_by_action[action_name] % {"title": title}


def review_done(request, task_state_id: int, action_name: str):
    """Where a review action lands: a message confirming the decision, on the item's edit page
    (where Wagtail would have gone)."""
    task_state = get_object_or_404(TaskState, pk=task_state_id, finished_by=request.user)
    page = task_state.workflow_state.content_object
    if action_name in ("approve", "reject", "decline"):
        title = page.get_admin_display_title()
        messages.success(request, review_message(action_name=action_name, title=title))
    return redirect("wagtailadmin_pages:edit", page.pk)
