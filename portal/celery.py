import os

from celery import Celery, signals

from portal.configuration import configuration_errors_exit
from portal.observability import celery_connect

# Same default as wsgi.py: a process that names no settings gets production's checks.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
celery_connect(app)


@app.on_configure.connect
def _settings_loaded_or_one_line(sender, **kwargs):
    # Celery loads the settings lazily and would print a traceback; load them here first.
    from django.conf import settings

    with configuration_errors_exit():
        settings.INSTALLED_APPS  # noqa: B018 - reading a setting imports the settings module


@signals.task_prerun.connect(weak=False)
def _connections_checked(task=None, **kwargs):
    # As before each request: a connection past CONN_MAX_AGE or failing its health check is
    # replaced, one that works is kept (a task inside a test's transaction keeps its connection).
    if task is not None and not task.request.is_eager:
        from django.db import close_old_connections

        close_old_connections()
