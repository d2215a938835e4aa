"""The sync apply context: inside it, replicas may be written (and nothing is logged)."""

import contextlib
import contextvars

_applying = contextvars.ContextVar("sync_applying", default=False)


def applying() -> bool:
    return _applying.get()


@contextlib.contextmanager
def apply_context():
    token = _applying.set(True)
    try:
        yield
    finally:
        _applying.reset(token)
