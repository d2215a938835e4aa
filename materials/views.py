from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from portal.models import AccessLevel
from portal.pagination import keyset_page

from .filters import MaterialFilters
from .selectors import material_file_get, material_get, material_list
from .services import download_log_record

PAGE_SIZE = 20


@require_GET
def material_index(request):
    filters = MaterialFilters(request.GET or None, user=request.user)
    materials = material_list(user=request.user, filters=filters)
    query = filters.query_string()
    page = keyset_page(request, materials, page_size=PAGE_SIZE, query=query)
    return render(
        request,
        "materials/material_index.html",
        {"filter_bar": filters.bar(), "page_obj": page, "materials": page.object_list, "query": query},
    )


@require_GET
def material_detail(request, global_id):
    material = material_get(user=request.user, global_id=global_id)
    if material is None:
        # Not found and not allowed look the same: existence is not disclosed.
        raise Http404
    files = list(material.files.select_related("uploaded_by").order_by("-version"))
    return render(
        request,
        "materials/material.html",
        {
            "material": material,
            "breadcrumb_title": material.title,
            "files": files,
            "current_file": files[0] if files else None,
            "topics": material.topics.order_by("kind", "name"),
        },
    )


@require_GET
def material_download(request, global_id, version=None):
    record = material_file_get(user=request.user, global_id=global_id, version=version)
    if record is None:
        raise Http404
    # ?inline=1 opens a PDF in the browser's viewer, so that a search hit's #page=3 lands on its page.
    inline = request.GET.get("inline") == "1" and record.content_type.split(";")[0] == "application/pdf"
    accel_prefix = settings.PRIVATE_FILES_ACCEL_PREFIX
    if accel_prefix:
        # nginx sends the file from its internal location once this view has checked access.
        if not record.file.storage.exists(record.file.name):
            raise Http404
        response = HttpResponse(content_type=record.content_type)
        response["X-Accel-Redirect"] = accel_prefix + quote(record.file.name)
        response["Content-Disposition"] = content_disposition_header(not inline, record.original_name)
    else:
        try:
            handle = record.file.open("rb")
        except FileNotFoundError as error:
            # A replicated record whose file has not been fetched from its origin yet.
            raise Http404 from error
        response = FileResponse(
            handle,
            as_attachment=not inline,
            filename=record.original_name,
            content_type=record.content_type,
        )
    if record.material.access_level != AccessLevel.PUBLIC:
        download_log_record(user=request.user, material_file=record)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = (
        "public, max-age=300" if record.material.access_level == AccessLevel.PUBLIC else "private, no-store"
    )
    return response
