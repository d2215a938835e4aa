"""Python runs this at start-up in every process the test suite starts (see tests/support/clock.py)."""

import os

offset = os.environ.get("PORTAL_TEST_CLOCK_OFFSET")
if offset:
    import time

    import time_machine

    time_machine.travel(time.time() + float(offset), tick=True).start()
