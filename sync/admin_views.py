"""The Wagtail admin page for sync: status per partner, conflicts, requests to the partner, re-pull."""

import requests

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .errors import SyncError
from .models import Conflict, OutgoingCommand, QuarantinedChange, RefusedRequest
from .selectors import sync_status
from .services import conflicts

PERMISSION = "sync.view_partnercursor"


def _require(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


def status(request):
    _require(request)
    return render(
        request,
        "sync/admin/status.html",
        {
            "title": _("两地同步"),
            "partners": sync_status(),
            "commands": OutgoingCommand.objects.exclude(state=OutgoingCommand.State.DELIVERED)[:50],
            "conflicts": Conflict.objects.filter(resolved_at=None)[:100],
            "quarantine": QuarantinedChange.objects.filter(resolved_at=None)[:100],
            "refused": RefusedRequest.objects.all()[:20],
        },
    )


@require_POST
def repull(request, region):
    _require(request)
    from .signing import partner_for_region
    from .tasks import pull_partner

    if partner_for_region(region) is None:
        raise Http404
    pull_partner.delay(region)
    messages.success(request, _("已安排从%(region)s重新拉取。") % {"region": region})
    return redirect("sync_status")


@require_POST
def conflict_resolve(request, pk):
    _require(request)
    take_origin = request.POST.get("decision") == "take_origin"
    try:
        conflicts.conflict_resolve(conflict_id=pk, take_origin=take_origin, user=request.user)
    except (SyncError, requests.RequestException) as error:
        messages.error(request, _("未能处理这条冲突：%(error)s") % {"error": error})
    else:
        if take_origin:
            messages.success(request, _("已采用来源地区的当前版本。"))
        else:
            messages.success(request, _("已保留本地版本，这条冲突已处理。"))
    return redirect("sync_status")


@require_POST
def quarantine_retry(request, pk):
    _require(request)
    try:
        entry = conflicts.quarantine_retry(entry_id=pk, user=request.user)
    except QuarantinedChange.DoesNotExist:
        raise Http404 from None
    except (SyncError, requests.RequestException) as error:
        messages.error(request, _("未能重试：%(error)s") % {"error": error})
        return redirect("sync_status")
    if entry.resolved_at is None:
        messages.warning(
            request, _("仍未通过检查：%(reason)s") % {"reason": f"{entry.reason} {entry.detail}"}
        )
    else:
        messages.success(request, _("已重新获取并应用。"))
    return redirect("sync_status")
