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


# A worker that takes only these queues (reading scans: minutes of CPU a file) runs at a lower CPU
# priority: on a machine shared with the web, sync and search, their work goes first.
BACKGROUND_QUEUES = (".extract",)
BACKGROUND_NICENESS = 10


@signals.celeryd_after_setup.connect(weak=False)
def _background_worker_yields(sender=None, instance=None, **kwargs):
    queues = set(instance.app.amqp.queues.consume_from or ())
    if queues and all(name.endswith(BACKGROUND_QUEUES) for name in queues):
        os.nice(BACKGROUND_NICENESS)
