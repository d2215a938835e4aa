"""What every kind shares: the context of a check, the refusal, and the patterns more than one kind uses."""

import re
from dataclasses import dataclass, field

from django.conf import settings

from ..errors import ChangeRefused

SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Wagtail's image file hash (sha1 of the file).
FILE_HASH = re.compile(r"^[0-9a-f]{40}$")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def max_file_bytes() -> int:
    return int(getattr(settings, "MATERIALS_MAX_UPLOAD_BYTES", 50 * 1024 * 1024))


def refuse(reason: str, where: str, detail: str):
    raise ChangeRefused(reason, f"{where}: {detail}")


@dataclass(frozen=True)
class Context:
    sender: str  # the partner region the change came from
    where: str = ""  # model.field, for the reason
    # What was neutralised rather than refused (HTML cleaned), for the log.
    notes: list = field(default_factory=list)

    def at(self, name) -> "Context":
        return Context(
            sender=self.sender, where=f"{self.where}.{name}" if self.where else str(name), notes=self.notes
        )


class Kind:
    """A field's kind: ``clean(value, model_field, context)`` returns what may be stored or refuses."""

    def clean(self, value, model_field, context: Context):
        raise NotImplementedError

