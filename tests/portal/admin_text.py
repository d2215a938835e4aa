"""What a person reads on an admin page: text, placeholders and titles, and the UI strings that
Wagtail's scripts show (wagtailConfig STRINGS, labels in JSON data-* attributes)."""

import contextlib
import json
import re
from html.parser import HTMLParser

# Words that stay as they are in a Chinese interface: formats, acronyms, product names.
ALLOWED = {
    "PDF", "CSV", "XLSX", "ID", "URL", "API", "OCR", "HTML", "JPEG", "JPG", "PNG", "GIF", "SVG", "WEBP",
    "AVIF", "RSS", "ICS", "KB", "MB", "GB", "px", "Wagtail", "JavaScript", "Email", "ICP", "QR",
    "English",  # the English option of the language menus, named in its own language
    # Keys on the keyboard, as printed on it.
    "Ctrl", "Alt", "Shift", "Esc", "Enter", "Tab", "Cmd", "Option", "Backspace", "Delete", "Space",
}
HUMAN_KEYS = {"label", "placeholder", "title", "text", "heading", "helpText", "help_text", "description"}
# Addresses, file names, usernames and code-like tokens are data, not interface words.
DATA_TOKEN = re.compile(r"\S*[/@_.:=#\\]\S*|\S*\w-\w\S*|\S*\d\S*|%\([a-z_]+\)[sd]|\{[a-z_]*\}")
# Two letters or more: single letters are keys (Ctrl + b) or sort orders (A -> Z).
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.skip = 0
        self.json_script = False
        self.option_value = None
        self.sr_only = None  # the tag of a hidden or screen-reader-only element being read

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "option" and attrs.get("value"):
            self.option_value = attrs["value"]
        hidden = "hidden" in attrs or "w-sr-only" in (attrs.get("class") or "").split()
        if hidden and self.sr_only is None:
            self.sr_only = tag
        if tag in ("script", "style"):
            self.skip += 1
            self.json_script = tag == "script" and attrs.get("type") == "application/json"
        for name, value in attrs.items():
            if not value:
                continue
            if name in ("placeholder", "title", "alt"):
                self.texts.append(value)
            elif name.startswith("data-") and value[:1] in "{[":
                with contextlib.suppress(ValueError):
                    self.texts.extend(_human_strings(json.loads(value)))

    def handle_endtag(self, tag):
        if tag == self.sr_only:
            self.sr_only = None
        if tag in ("script", "style") and self.skip:
            self.skip -= 1
            self.json_script = False

    def handle_data(self, data):
        if self.option_value is not None:
            # A choice shown as its own value (a time zone such as "Cuba") is data, not interface text.
            option, self.option_value = self.option_value, None
            if data.strip() == option:
                return
        if not self.skip and not self.sr_only:
            self.texts.append(data)
        elif self.json_script:
            try:
                config = json.loads(data)
            except ValueError:
                return
            if isinstance(config, dict) and isinstance(config.get("STRINGS"), dict):
                self.texts.extend(_human_strings(config["STRINGS"], "text"))
            else:
                self.texts.extend(_human_strings(config))


def _human_strings(value, key=None):
    if isinstance(value, dict):
        for k, v in value.items():
            # Under STRINGS ("text") every string is one the admin shows.
            yield from _human_strings(v, "text" if key == "text" else k)
    elif isinstance(value, list):
        for v in value:
            yield from _human_strings(v, key)
    elif isinstance(value, str) and key in HUMAN_KEYS:
        yield value


def visible_texts(html: str) -> list[str]:
    reader = _Reader()
    reader.feed(html)
    return [" ".join(text.split()) for text in reader.texts if text.strip()]


def english_words(html: str, *, allowed=frozenset()) -> list[str]:
    """Each visible text holding an English word that is not an allowed token, with that word."""
    found = []
    for text in visible_texts(html):
        words = [w for w in WORD.findall(DATA_TOKEN.sub(" ", text)) if w not in ALLOWED and w not in allowed]
        if words:
            found.append(f"{words[0]!r} in {text[:120]!r}")
    return found
