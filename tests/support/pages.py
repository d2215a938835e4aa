"""Walking a paginated list as a reader does: by the links each page shows; the plan of a page."""

import html
import re

LINK = re.compile(r"<a\b[^>]*\brel=\"(?P<rel>prev|next)\"[^>]*\bhref=\"(?P<href>[^\"]*)\"")


def page_links(content: str) -> dict[str, str]:
    """{"prev": "?…", "next": "?…"} as the pagination include renders them (unescaped)."""
    return {found["rel"]: html.unescape(found["href"]) for found in LINK.finditer(content)}


def walk(client, path: str, *, context_name: str, start: str = "", rel: str = "next") -> list[list]:
    """Every page from ``path + start`` on, following ``rel`` links: the rows of each, in order."""
    pages, url = [], path + start
    for _ in range(1000):
        response = client.get(url)
        assert response.status_code == 200
        pages.append(list(response.context[context_name]))
        href = page_links(response.content.decode()).get(rel)
        if href is None:
            return pages
        assert href.startswith("?")
        url = path + href
    raise AssertionError(f"{path}: more than 1000 pages")


def explain_sorted_by_index(sql: str) -> str:
    """PostgreSQL's plan for ``sql``, as it would read a large table (see below)."""
    from django.db import connection

    with connection.cursor() as cursor:
        # A few dozen rows: the planner would rather read and sort them than use any index. With both
        # off, a plan that still sorts means no index gives the list's order from the cursor on.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan; RESET enable_sort")
    return plan
