"""Chinese word segmentation for the database search fallback.

Neither SQLite FTS5 nor PostgreSQL splits Chinese into words, so indexed text
and queries are both cut by jieba (with the domain's names in user_dict.txt)
and joined with spaces before they reach Wagtail's database backend.
"""

import re
from functools import cache
from pathlib import Path

USER_DICT = Path(__file__).with_name("user_dict.txt")
_HAN = re.compile(r"[\u3400-\u9fff]")
_STRIP_TAGS = re.compile(r"<[^>]+>")
_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)


@cache
def _tokenizer():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    with USER_DICT.open("rb") as dictionary:
        tokenizer.load_userdict(dictionary)
    return tokenizer


def _words(text: str, *, for_search: bool) -> list[str]:
    text = _STRIP_TAGS.sub(" ", str(text or ""))
    if not _HAN.search(text):
        return [w for w in _PUNCTUATION.split(text) if w]
    cut = _tokenizer().cut_for_search if for_search else _tokenizer().cut
    return [w for w in (token.strip() for token in cut(text)) if w and not _PUNCTUATION.fullmatch(w)]


def segment_for_index(*texts) -> str:
    """All words (and overlapping sub-words) of the texts, space separated."""
    words: list[str] = []
    for text in texts:
        words.extend(_words(text, for_search=True))
    return " ".join(dict.fromkeys(words))


def segment_query(query: str) -> str:
    """The query cut into words, space separated, for an AND search."""
    return " ".join(_words(query, for_search=False))
