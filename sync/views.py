"""Region-to-region endpoints. Every one of them is signed with the partner's key."""

import functools
import json
import logging

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import registry, selectors, streams
from .models import ChangeLog
from .signing import SignatureError, verify

logger = logging.getLogger("sync")


def signed(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            partner = verify(request)
        except SignatureError as error:
            return JsonResponse({"error": error.code, "detail": error.message}, status=error.status)
        return view(request, partner, *args, **kwargs)

    return csrf_exempt(wrapper)


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@require_GET
@signed
def changes(request, partner):
    page = selectors.changes_page(
        after=_int(request.GET.get("after"), 0), limit=_int(request.GET.get("limit"), selectors.PAGE_LIMIT)
    )
    return JsonResponse(page)


@require_GET
@signed
def manifest(request, partner):
    return JsonResponse({"records": selectors.manifest()})


@require_GET
@signed
def record(request, partner, label, global_id):
    spec = registry.spec_for_label(label)
    if spec is None:
        raise Http404
    instance = spec.model.objects.filter(global_id=global_id).first()
    row = ChangeLog(seq=0, global_id=global_id, model_label=label, version=getattr(instance, "version", 0))
    from django.utils import timezone

    row.created_at = timezone.now()
    return JsonResponse(selectors.change_entry(row, instance=instance))


@require_GET
@signed
def file(request, partner, label, global_id, related_name, key):
    stored = selectors.file_for(label=label, global_id=global_id, related_name=related_name, key=key)
    if not stored:
        return JsonResponse({"error": "not_found"}, status=404)
    return FileResponse(stored.open("rb"), content_type="application/octet-stream")


@require_GET
@signed
def image(request, partner, file_hash):
    found = streams.image_for_partner(file_hash)
    if found is None:
        return JsonResponse({"error": "not_found"}, status=404)
    # Wagtail's open_file() is a context manager; FileResponse closes the file it is given.
    return FileResponse(found.file.open("rb"), content_type="application/octet-stream")


@require_POST
@signed
def nudge(request, partner):
    from .tasks import pull_partner

    pull_partner.delay(partner.region)
    return JsonResponse({"queued": partner.region}, status=202)


@require_POST
@signed
def commands(request, partner):
    try:
        message = json.loads(request.body)
        name, payload = message["command"], message.get("payload") or {}
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "bad_request", "detail": "expected {command, payload}"}, status=400)
    command = registry.command(name)
    if command is None:
        return JsonResponse({"error": "unknown_command", "command": name}, status=400)
    try:
        reply = command.handle(payload, partner.region)
    except (KeyError, ValueError, TypeError, ObjectDoesNotExist, ValidationError) as error:
        logger.warning("sync: command %s from %s not understood: %r", name, partner.region, error)
        return JsonResponse({"error": "bad_payload", "command": name, "detail": str(error)[:200]}, status=400)
    logger.info("sync: command %s from %s: %s", name, partner.region, reply)
    return JsonResponse(reply)
