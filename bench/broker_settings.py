"""Settings for the broker benchmark: the embedded default's, with a transport that may be swapped.

BENCH_BROKER_TRANSPORT=kombu.transport.filesystem:Transport runs the same load on kombu's own
filesystem transport, to compare.
"""

import os

from portal.settings.dev import *  # noqa: F403
from portal.settings.dev import CELERY_BROKER_TRANSPORT

CELERY_BROKER_TRANSPORT = os.environ.get("BENCH_BROKER_TRANSPORT") or CELERY_BROKER_TRANSPORT
