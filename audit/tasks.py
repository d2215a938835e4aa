from celery import shared_task

from .services import audit_prune


@shared_task(name="audit.prune", ignore_result=True)
def prune() -> int:
    """Daily, from beat: entries past the retention period (RETENTION_DAYS) go, and the prune is logged."""
    return audit_prune()
