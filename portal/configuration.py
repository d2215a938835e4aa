"""A configuration error is one line, whichever entry point meets it (manage.py, wsgi, celery)."""

import sys
from contextlib import contextmanager

from django.core.exceptions import ImproperlyConfigured


def configuration_error_line(error: ImproperlyConfigured) -> str:
    return f"portal: configuration error: {error}"


@contextmanager
def configuration_errors_exit():
    try:
        yield
    except ImproperlyConfigured as error:
        sys.exit(configuration_error_line(error))
