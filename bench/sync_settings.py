"""Settings for bench/sync.py --backlog's regions: the test settings, with Wagtail's background jobs
(search and reference index) on the Celery workers as deployed, not run inside every save."""

from portal.settings.base import TASKS as DEPLOYED_TASKS
from portal.settings.test import *  # noqa: F403

TASKS = DEPLOYED_TASKS
