"""The request being served, so that model signals know who made a change and from where."""

from contextvars import ContextVar

current_request: ContextVar = ContextVar("audit_current_request", default=None)


def request_ip(request) -> str | None:
    # REMOTE_ADDR is the client: portal.proxy rewrites it only for a configured proxy.
    return (request.META.get("REMOTE_ADDR") or None) if request is not None else None
