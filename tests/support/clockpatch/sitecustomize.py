"""Python runs this at start-up in every process the test suite starts (see tests/support/clock.py)."""

import os

offset = os.environ.get("PORTAL_TEST_CLOCK_OFFSET")
if offset:
    import time

    try:
        import time_machine
    except ImportError:  # a Python outside the project's venv: it keeps the real clock
        time_machine = None
    if time_machine is not None:
        time_machine.travel(time.time() + float(offset), tick=True).start()
        # time-machine's clock starts ticking at the first reading, not at start(): read it now,
        # or each process would lag by however long it took to start.
        time.time()
