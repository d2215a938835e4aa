"""The broker benchmark's task: append its id to a per-region file, one line per delivery."""

import os

from celery import shared_task

from django.conf import settings


@shared_task(name="bench.broker_record", ignore_result=True)
def broker_record(task_id: str, padding: str = "") -> None:
    path = settings.VAR_DIR / f"deliveries-{settings.PORTAL_REGION}.log"
    # One write of a short line with O_APPEND: lines from one process never interleave.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, f"{task_id}\n".encode())
    finally:
        os.close(fd)
