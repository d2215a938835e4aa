"""Request ids and JSON logs: one id follows a request into the Celery tasks it queued."""

import contextvars
import json
import logging
import re
import uuid

REQUEST_ID_HEADER = "request_id"
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    return request_id_var.get()


class RequestIdMiddleware:
    """Takes the proxy's X-Request-ID (nginx's $request_id) or makes one, and answers with it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _VALID.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id_var.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for a log collector."""

    FIELDS = ("region", "task_id", "task_name")

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": None if getattr(record, "request_id", "-") == "-" else record.request_id,
        }
        for name in self.FIELDS:
            if getattr(record, name, None) is not None:
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def celery_connect(app) -> None:
    """Carry the request id in the message headers of tasks queued while a request runs."""
    from celery import signals

    @signals.before_task_publish.connect(weak=False)
    def add_request_id(headers=None, **kwargs):
        request_id = request_id_var.get()
        if request_id and headers is not None and REQUEST_ID_HEADER not in headers:
            headers[REQUEST_ID_HEADER] = request_id

    @signals.task_prerun.connect(weak=False)
    def take_request_id(task=None, **kwargs):
        request_id = getattr(task.request, REQUEST_ID_HEADER, None) if task else None
        task.request._portal_request_token = request_id_var.set(request_id)

    @signals.task_postrun.connect(weak=False)
    def drop_request_id(task=None, **kwargs):
        token = getattr(task.request, "_portal_request_token", None) if task else None
        if token is not None:
            try:
                request_id_var.reset(token)
            except ValueError:  # set in another context (a pool that switched threads)
                request_id_var.set(None)
