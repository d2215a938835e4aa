"""Which language a piece of content is shown in, and how it is marked: one rule for every template.

Content is written in Chinese (editors' titles, bodies, organisation names); English readers meet
the English an editor wrote where there is one, else the Chinese, marked lang="zh-Hans" so that
browsers and screen readers read it as Chinese. Chinese readers see no marks: their page is
already lang="zh-Hans".
"""

from django.utils.translation import get_language

from portal.text import CJK

CONTENT_LANGUAGE = "zh-Hans"


def reader_reads_chinese() -> bool:
    return (get_language() or "zh").startswith("zh")


def _text(value) -> str:
    """The words of a value: a string, a rich text's source or a stream's raw data (never rendered)."""
    if isinstance(value, str):
        return value
    for raw in ("source", "raw_data"):
        if getattr(value, raw, None) is not None:
            return str(list(getattr(value, raw)) if raw == "raw_data" else getattr(value, raw))
    return "" if value is None else str(value)


def content_lang(value) -> str:
    """The lang mark ``value`` needs on this page: "zh-Hans" when it holds Chinese and the reader
    reads another language, else ""."""
    if reader_reads_chinese():
        return ""
    return CONTENT_LANGUAGE if CJK.search(_text(value)) else ""


def in_reader_language(record, field: str = "title") -> tuple[str, str]:
    """A record's ``field`` in the reader's language, and the lang mark it needs: for readers of
    English the English an editor wrote (``<field>_en``: a page's title_en, an organisation's or a
    section's name_en), else the Chinese, marked."""
    chinese = str(getattr(record, field, "") or "")
    if reader_reads_chinese():
        return chinese, ""
    english = getattr(record, f"{field}_en", "") or ""
    if english:
        return english, ""
    return chinese, CONTENT_LANGUAGE if chinese else ""


def organisation_name(organisation) -> str:
    """An organisation's name in the reader's language (``in_reader_language``); "" for none."""
    return in_reader_language(organisation, "name")[0] if organisation is not None else ""
