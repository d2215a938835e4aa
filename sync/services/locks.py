"""One job of a kind per partner at a time, across processes."""

from contextlib import contextmanager

from django.db import connection


@contextmanager
def partner_exclusive(*, job: str, partner_region: str):
    """One pull, or one sender, per partner at a time across processes; yields False if another has it.

    The sender's order is the owner's order of requests; a second pull would only fetch pages twice.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    key = [7_320_002, f"{job}:{partner_region}"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))", key)
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", key)
