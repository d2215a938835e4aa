"""The Wagtail admin page for sync: status per partner, conflicts, re-pull."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import Conflict, RefusedRequest
from .services import sync_status

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
            "conflicts": Conflict.objects.filter(resolved_at=None)[:100],
            "refused": RefusedRequest.objects.all()[:20],
        },
    )


@require_POST
def repull(request, region):
    _require(request)
    from .tasks import pull_partner

    pull_partner.delay(region)
    messages.success(request, _("已安排从%(region)s重新拉取。") % {"region": region})
    return redirect("sync_status")


@require_POST
def conflict_resolve(request, pk):
    _require(request)
    Conflict.objects.filter(pk=pk, resolved_at=None).update(resolved_at=timezone.now())
    messages.success(request, _("已标记为已处理。"))
    return redirect("sync_status")
