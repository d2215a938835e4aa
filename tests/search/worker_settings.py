"""Settings for the Celery worker of test_worker.py: test settings with the test's index prefix."""

import os

from portal.settings.test import *  # noqa: F403

SEARCH_INDEX_PREFIX = os.environ["TEST_SEARCH_INDEX_PREFIX"]
SEARCH_INDEX_REFRESH = True
