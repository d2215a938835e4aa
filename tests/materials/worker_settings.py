"""Settings for the Celery worker of test_extraction_worker.py: the test's media folder, no search index."""

import os

from portal.settings.test import *  # noqa: F403

MEDIA_ROOT = os.environ["TEST_MEDIA_ROOT"]
ELASTICSEARCH_URL = None
