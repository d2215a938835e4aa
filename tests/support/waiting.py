"""The one way a test waits: poll a condition until it holds, or fail saying what never happened."""

import time


def wait_until(predicate, *, timeout: float, what, interval: float = 0.1):
    """Call ``predicate`` every ``interval`` seconds until it returns a true value, and return that.

    After ``timeout`` seconds, raise ``TimeoutError`` naming ``what`` (a string, or a callable
    returning one, for a message that reports the state at the time-out) and the last value seen.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            message = what() if callable(what) else what
            raise TimeoutError(f"{message} (waited {timeout:g}s; last seen: {value!r})")
        time.sleep(interval)
