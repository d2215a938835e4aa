"""The name of a bulletin issue, one rule for its page, its crumb, the archive, stories and the admin."""

from django.utils.html import format_html
from django.utils.translation import gettext

from portal.content_language import content_lang


def bulletin_issue_name(issue, *, year: bool = True, marked: bool = False) -> str:
    """重庆党史工作 2020年第3期 (总第198期): the masthead as printed (content, in Chinese) and the
    number in the reader's language ("Issue 3, 2020 (no. 198 overall)"). ``year=False`` where the
    year is already said (the archive's year heading). ``marked`` gives markup with the masthead in
    <span lang="zh-Hans"> for readers of English, as portal.content_language has it."""
    values = {"year": issue.year, "number": issue.number, "total": issue.total_number}
    number = (gettext("%(year)s年第%(number)s期") if year else gettext("第%(number)s期")) % values
    if issue.total_number:
        number = f"{number} {gettext('(总第%(total)s期)') % values}"
    if not marked:
        return f"{issue.title} {number}"
    lang = content_lang(issue.title)
    title = format_html('<span lang="{}">{}</span>', lang, issue.title) if lang else issue.title
    return format_html("{} {}", title, number)
