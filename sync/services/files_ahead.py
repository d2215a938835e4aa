"""A feed page's files, downloaded from the partner while the changes before them are applied.

Applying a change waits on the database; fetching its file waits on the partner. Done one after the
other for every change, a backlog drains at the sum of both. Here one thread downloads the files the
page's new versions name, a few ahead of the apply, which takes each as it reaches it.

Nothing is trusted for being fetched ahead: a file is downloaded and checked by ``client.file_fetch``
(size cap, exact size, sha256), and the apply takes it only under the path and sha256 it computed
itself from the checked change. Anything else (a path the raw change named differently, a change
refused, a download that failed) is fetched in place as before, so an error is the one fetching it
now gives.
"""

import contextlib
import logging
import re
import uuid
from collections import OrderedDict, deque
from concurrent.futures import Future, ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass

from .. import client, registry
from ..errors import FileCheckFailed
from ..kinds.base import max_file_bytes
from ..models import ChangeLog

# How far the downloads run ahead of the apply: the files held at once (memory, then disk) stay small.
AHEAD_FILES = 8
AHEAD_BYTES = 64 * 1024 * 1024
_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")
_SHA256 = re.compile(r"[0-9a-f]{64}")

_current: ContextVar = ContextVar("sync_files_ahead", default=None)
logger = logging.getLogger("sync")


def file_path(*, spec, global_id, child, key) -> str:
    """Where the partner serves a child row's file (sync.views)."""
    return f"/sync/files/{spec.label}/{global_id}/{child.related_name}/{key}"


@dataclass(frozen=True)
class _Wanted:
    path: str
    sha256: str
    size: int


def _stored(spec, child, global_ids: set[str]) -> set[tuple[str, str, str]]:
    """(parent global id, key, sha256) of the files this region holds for these records already."""
    child_model = getattr(spec.model, child.related_name).rel.related_model
    parent_id = f"{child.parent_field}__global_id"
    rows = child_model.objects.filter(**{f"{parent_id}__in": global_ids}).values_list(
        parent_id, child.key[0], "sha256"
    )
    return {(str(gid), str(key), sha256) for gid, key, sha256 in rows}


def _file_rows(change) -> list[tuple]:
    """(spec, child, global id, item) of each child row with a file in a raw upsert change."""
    if not isinstance(change, dict) or change.get("op") != ChangeLog.Op.UPSERT:
        return []
    label, payload = change.get("model"), change.get("payload")
    spec = registry.spec_for_label(label) if isinstance(label, str) else None
    children = payload.get("children") if isinstance(payload, dict) else None
    if spec is None or not isinstance(children, dict):
        return []
    try:
        global_id = str(uuid.UUID(str(change.get("global_id"))))
    except ValueError:
        return []
    found = []
    for child in spec.children:
        rows = children.get(child.related_name) if child.file_field and len(child.key) == 1 else None
        for item in rows if isinstance(rows, list) else []:
            if isinstance(item, dict):
                found.append((spec, child, global_id, item))
    return found


def files_wanted(changes: list) -> list[_Wanted]:
    """The files a page's changes will fetch, in the page's order: those of versions not held here."""
    rows = [row for change in changes for row in _file_rows(change)]
    records: dict[tuple[str, str], tuple] = {}  # one read per kind of child: (spec, child, global ids)
    for spec, child, global_id, _item in rows:
        records.setdefault((spec.label, child.related_name), (spec, child, set()))[2].add(global_id)
    stored = set().union(*(_stored(spec, child, ids) for spec, child, ids in records.values()))
    wanted, seen = [], set()
    for spec, child, global_id, item in rows:
        key, file = item.get(child.key[0]), item.get("_file")
        if isinstance(key, bool) or not isinstance(key, int | str) or not _KEY.fullmatch(str(key)):
            continue
        if not isinstance(file, dict):
            continue
        sha256, size = file.get("sha256"), file.get("size")
        if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
            continue
        if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= max_file_bytes():
            continue  # a size the change's check refuses: nothing is downloaded for it
        path = file_path(spec=spec, global_id=global_id, child=child, key=key)
        if (global_id, str(key), sha256) in stored or (path, sha256) in seen:
            continue
        seen.add((path, sha256))
        wanted.append(_Wanted(path=path, sha256=sha256, size=size))
    return wanted


def _discard(future: Future) -> None:
    """A download nobody takes: its temporary file is closed once it is done."""

    def close(done: Future) -> None:
        if not done.cancelled() and done.exception() is None:
            done.result().close()

    future.cancel()
    future.add_done_callback(close)


class FilesAhead:
    """Downloads ``wanted`` in order, at most AHEAD_FILES and AHEAD_BYTES ahead of what was taken."""

    def __init__(self, partner, wanted: list[_Wanted], *, executor: ThreadPoolExecutor):
        self.partner = partner
        self.pending = deque(wanted)
        self.running: OrderedDict[tuple[str, str], tuple[Future, int]] = OrderedDict()
        self.executor = executor
        self._top_up()

    def _top_up(self) -> None:
        ahead = sum(size for _future, size in self.running.values())
        while self.pending and len(self.running) < AHEAD_FILES:
            wanted = self.pending[0]
            if self.running and ahead + wanted.size > AHEAD_BYTES:
                break
            self.pending.popleft()
            future = self.executor.submit(
                client.file_fetch, self.partner, wanted.path, sha256=wanted.sha256, size=wanted.size
            )
            self.running[(wanted.path, wanted.sha256)] = (future, wanted.size)
            ahead += wanted.size

    def fetch(self, path: str, *, sha256: str, size: int | None):
        """The checked temporary file of ``path``: downloaded already, or fetched now."""
        key = (path, sha256)
        taken = None
        if key in self.running:
            # Files before it that were not taken belong to changes the apply passed over.
            while True:
                earlier, (future, expected) = self.running.popitem(last=False)
                if earlier == key:
                    taken = future if expected == size else _discard(future)
                    break
                _discard(future)
        elif any((wanted.path, wanted.sha256) == key for wanted in self.pending):
            while self.running:
                _discard(self.running.popitem(last=False)[1][0])
            while (self.pending[0].path, self.pending[0].sha256) != key:
                self.pending.popleft()
            self.pending.popleft()
        if taken is None:
            # Fetched in place first: the apply waits for this file, not for those after it.
            try:
                return client.file_fetch(self.partner, path, sha256=sha256, size=size)
            finally:
                self._top_up()
        self._top_up()
        handle = None
        try:
            handle = taken.result()
        except FileCheckFailed as refused:
            if refused.reason != "file_unavailable":
                raise  # its bytes failed the check, attempts included: the refusal fetching it now gives
            logger.info("sync: %s was not served ahead (%s); asking again", path, refused)
        except Exception as error:  # noqa: BLE001 - the partner or the network: fetched again in place
            logger.info("sync: %s fetched ahead failed (%s); fetching it again", path, error)
        finally:
            if handle is None:
                _discard(taken)  # interrupted while waiting: its file is closed once it arrives
        if handle is not None:
            return handle
        return client.file_fetch(self.partner, path, sha256=sha256, size=size)

    def close(self) -> None:
        self.pending.clear()
        while self.running:
            _discard(self.running.popitem(last=False)[1][0])


def files_executor(partner) -> ThreadPoolExecutor:
    """The one thread a pull downloads ahead in, page after page (over one kept-alive connection)."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"sync-files-{partner.region}")


@contextlib.contextmanager
def files_ahead(partner, changes: list, *, executor: ThreadPoolExecutor):
    """While a page is applied: its files are downloaded ahead (``file_fetch`` takes them)."""
    ahead = FilesAhead(partner, files_wanted(changes), executor=executor)
    token = _current.set(ahead)
    try:
        yield ahead
    finally:
        _current.reset(token)
        ahead.close()


def file_fetch(partner, path: str, *, sha256: str, size: int | None):
    """``client.file_fetch``, served from the downloads ahead when the page being applied has them."""
    ahead = _current.get()
    if ahead is None or ahead.partner.region != partner.region:
        return client.file_fetch(partner, path, sha256=sha256, size=size)
    return ahead.fetch(path, sha256=sha256, size=size)
