"""Settings for the benchmark's server: the test settings with the benchmark's own index prefix."""

import os

from portal.settings.test import *  # noqa: F403

SEARCH_INDEX_PREFIX = os.environ["BENCH_SEARCH_INDEX_PREFIX"]
DEBUG = False
