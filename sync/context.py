"""The sync apply context: inside it, replicas may be written (and nothing is logged)."""

import contextlib
import contextvars

_applying = contextvars.ContextVar("sync_applying", default=False)
# The organisations a change names, read once while it is applied (checked, then assigned).
_organisations: contextvars.ContextVar = contextvars.ContextVar("sync_organisations", default=None)


def applying() -> bool:
    return _applying.get()


@contextlib.contextmanager
def apply_context():
    token, read = _applying.set(True), _organisations.set({})
    try:
        yield
    finally:
        _organisations.reset(read)
        _applying.reset(token)


def organisation_by_code(code: str):
    """The organisation with ``code``, or None; read once per change applied."""
    from portal.models import Organisation

    read = _organisations.get()
    if read is None:
        return Organisation.objects.filter(code=code).first()
    if code not in read:
        read[code] = Organisation.objects.filter(code=code).first()
    return read[code]
