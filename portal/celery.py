import os

from celery import Celery

from portal.observability import celery_connect

# Same default as wsgi.py: a process that names no settings gets production's checks.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
celery_connect(app)
