"""What research contributes to the search index (registered from apps.py)."""

from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

from search.sources import Source, url_of, year_of

from .models import Expert, Project


def _project(p) -> dict:
    return {
        "type": "project",
        "year": year_of(p.start_date or p.created_at),
        "url": url_of("research:project_detail", global_id=p.global_id),
        "published_at": p.created_at,
    }


def _expert(e) -> dict:
    return {
        "type": "expert",
        "people": [e.name],
        "url": url_of("research:expert_index") + "?" + urlencode({"q": e.name}),
    }


SOURCES = (
    Source(Project, _project, topics_field="topics", types={"project": _("研究课题")}),
    Source(Expert, _expert, types={"expert": _("专家")}),
)
