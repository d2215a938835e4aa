from django.core.paginator import Paginator
from django.http import JsonResponse
from django.template.response import TemplateResponse

from .selectors import page_search


def search(request):
    query = request.GET.get("q", "").strip()[:200]
    results = list(page_search(query=query)) if query else []
    page = Paginator(results, 20).get_page(request.GET.get("page"))
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "query": query,
                "count": len(results),
                "results": [
                    {"title": p.title, "url": p.get_url(request), "type": p._meta.verbose_name}
                    for p in page.object_list
                ],
            },
            json_dumps_params={"ensure_ascii": False},
        )
    return TemplateResponse(request, "search/search.html", {"search_query": query, "search_results": page})
