from celery import shared_task

from django.utils.module_loading import import_string


@shared_task(
    name="portal.run_django_task",
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def run_django_task(module_path: str, args: list, kwargs: dict):
    """Run a django-tasks task (Wagtail's own background jobs) on this worker."""
    return import_string(module_path).call(*args, **kwargs)


@shared_task(name="portal.ping", ignore_result=False)
def ping(payload: str) -> dict:
    """Round trip through broker, worker and result backend, used by health checks."""
    from django.conf import settings

    return {"region": settings.PORTAL_REGION, "echo": payload}
