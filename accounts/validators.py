import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CHARACTER_CLASSES = (
    re.compile(r"[a-z]"),
    re.compile(r"[A-Z]"),
    re.compile(r"[0-9]"),
    re.compile(r"[^a-zA-Z0-9]"),
)


class CharacterClassesValidator:
    """At least ``minimum`` of four classes: lower case, upper case, digits, other characters."""

    def __init__(self, minimum: int = 3):
        self.minimum = minimum

    def validate(self, password, user=None):
        present = sum(1 for pattern in CHARACTER_CLASSES if pattern.search(password))
        if present < self.minimum:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _("密码须包含小写字母、大写字母、数字和其他字符中的至少 %(minimum)d 类。") % {
            "minimum": self.minimum
        }
