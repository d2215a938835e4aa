"""The test clock: every test runs at a fixed instant, never at the day it happens to run.

The suite's clock starts at ``PORTAL_TEST_NOW`` (ISO 8601; default ``DEFAULT_NOW``) and ticks
from there; each unit test starts at exactly that instant. ``session_clock_start`` (with
``clockpatch/sitecustomize.py``) moves every process the tests start by the same offset, so a
site, its workers and beat agree on the time (celery drops a task whose expiry has passed).

The test command runs the tests marked ``clock`` again with the clock moved to a new year's
eve and a leap day, so a test that only passes on some days fails there.
"""

import datetime
import os
import time
from pathlib import Path

import time_machine

DEFAULT_NOW = "2026-06-15T02:00:00+00:00"  # a Monday, 10:00 in Asia/Shanghai
OFFSET_VARIABLE = "PORTAL_TEST_CLOCK_OFFSET"
PATCH_DIR = Path(__file__).resolve().parent / "clockpatch"


def test_now() -> datetime.datetime:
    value = os.environ.get("PORTAL_TEST_NOW") or DEFAULT_NOW
    moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"PORTAL_TEST_NOW must name its zone (e.g. 2027-12-31T23:30:00Z), not {value!r}")
    return moment


def session_clock_start() -> time_machine.travel:
    """Move this process's clock and hand the same move to every process it starts."""
    moment = test_now()
    os.environ[OFFSET_VARIABLE] = repr(moment.timestamp() - time.time())
    paths = [str(PATCH_DIR), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    traveller = time_machine.travel(moment, tick=True)
    traveller.start()
    time.time()  # the clock ticks from its first reading (see clockpatch/sitecustomize.py)
    return traveller
