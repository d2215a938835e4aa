"""One beat per region, enforced: the scheduler holds a Redis lock for as long as it runs.

A second beat for the same region (a scaled service, a forgotten container) stops at start
with a clear message instead of doubling every schedule.
"""

import logging
import socket
import uuid

from celery.beat import PersistentScheduler

from django.conf import settings

logger = logging.getLogger(__name__)

LOCK_SECONDS = 30


def beat_lock_key() -> str:
    return f"portal:{settings.PORTAL_REGION}:beat-lock"


class BeatAlreadyRunning(SystemExit):
    pass


class LockedScheduler(PersistentScheduler):
    """celery beat's own scheduler, started only while this process holds the region's lock."""

    def setup_schedule(self):
        import redis

        self._lock_client = redis.Redis.from_url(settings.REDIS_URL)
        self._lock_owner = f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"
        if not self._lock_client.set(beat_lock_key(), self._lock_owner, nx=True, ex=LOCK_SECONDS):
            holder = self._lock_client.get(beat_lock_key())
            message = (
                f"portal: another beat runs for {settings.PORTAL_REGION} "
                f"({holder.decode() if holder else 'unknown'}); this one stops"
            )
            logger.error(message)
            raise BeatAlreadyRunning(message)
        super().setup_schedule()

    def tick(self, *args, **kwargs):
        import redis

        try:
            held = self._hold_lock()
        except redis.ConnectionError as error:
            # Nothing can be sent while Redis is away; wait for it instead of dying with it.
            logger.warning("portal: beat cannot reach Redis (%s); waiting", error)
            return LOCK_SECONDS / 6
        if not held:
            message = f"portal: beat lost its lock for {settings.PORTAL_REGION}; stopping"
            logger.error(message)
            raise BeatAlreadyRunning(message)
        return min(super().tick(*args, **kwargs), LOCK_SECONDS / 3)

    def _hold_lock(self) -> bool:
        """Renew the lock (at most max_interval apart, below its lifetime), or take it again if a
        Redis restart lost it; False only when another beat holds it."""
        renewed = self._lock_client.eval(
            "if redis.call('get', KEYS[1]) == ARGV[1] then "
            "return redis.call('expire', KEYS[1], ARGV[2]) else return 0 end",
            1,
            beat_lock_key(),
            self._lock_owner,
            LOCK_SECONDS,
        )
        return bool(renewed) or bool(
            self._lock_client.set(beat_lock_key(), self._lock_owner, nx=True, ex=LOCK_SECONDS)
        )

    def close(self):
        client = getattr(self, "_lock_client", None)
        if client is not None:
            client.eval(
                "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end",
                1,
                beat_lock_key(),
                self._lock_owner,
            )
        super().close()
