"""Migrate the test settings' database once for a whole run of scripts/test.sh, and print its name.

Migrating costs tens of seconds of CPU; each pytest pass's test database (tests/conftest.py) and
each pair of live regions (tests/support/live.py) is a copy of this one instead.

    DATABASE_URL=... .venv/bin/python -m tests.support.migrate_template
"""

import os
from urllib.parse import urlsplit

from tests.support import clock
from tests.support.live import RUN_TEMPLATE, migrated_template

if __name__ == "__main__":
    os.environ.pop(RUN_TEMPLATE, None)
    clock.session_clock_start()  # what migrating stamps, it stamps at the suite's clock, as in a pass
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    print(urlsplit(migrated_template(os.environ["DATABASE_URL"], env)).path.lstrip("/"))
