"""The embedded default's broker: kombu's filesystem transport, made safe for concurrent use.

kombu's own transport creates a message file and then writes it, and its reader takes no
lock, so a worker could read a half-written (often empty) file and die on the JSON error,
losing the message (celery/kombu#1551). Here every file appears in a folder only by
``os.rename`` of a complete file, which is atomic on one filesystem:

- a message is written under ``.staging/`` and renamed into the queue folder;
- a consumer claims the oldest message by renaming it into its own ``.claimed/<host>-<pid>/``
  folder (one rename wins, so two consumers never take the same file), and deletes it only
  when the message is acknowledged, rejected or put back; a consumer that died holding
  claims has them put back in the queue, in their original order, by the next channel
  opened on the folder (acks are late, so a killed worker's task runs again);
- an unreadable file is moved aside to ``.corrupt/`` and logged, never raised;
- exchange tables (fanout bindings) are rewritten under a lock file and renamed into place.
"""

import contextlib
import logging
import os
import socket
import time
import uuid
from pathlib import Path
from queue import Empty

from kombu.exceptions import ChannelError
from kombu.transport import filesystem, virtual
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

logger = logging.getLogger(__name__)

STAGING = ".staging"
CLAIMED = ".claimed"
CORRUPT = ".corrupt"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write_atomically(folder: Path, name: str, data: bytes, staging: Path) -> None:
    staging.mkdir(parents=True, exist_ok=True)
    temporary = staging / f"{name}.{uuid.uuid4().hex}.tmp"
    with open(temporary, "wb") as f:
        f.write(data)
    os.rename(temporary, folder / name)


class Channel(filesystem.Channel):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._claims: dict[str, Path] = {}
        self._requeue_orphans()

    @property
    def _in(self) -> Path:
        return Path(self.data_folder_in)

    @property
    def _out(self) -> Path:
        return Path(self.data_folder_out)

    @property
    def _own_claims(self) -> Path:
        return self._in / CLAIMED / f"{socket.gethostname()}-{os.getpid()}"

    def _put(self, queue, payload, **kwargs):
        name = f"{time.time_ns():020d}_{uuid.uuid4().hex}.{queue}.msg"
        try:
            _write_atomically(self._out, name, str_to_bytes(dumps(payload)), self._out / STAGING)
        except OSError as exc:
            raise ChannelError(f"Cannot add message {name!r} to {self._out}") from exc

    def _get(self, queue):
        suffix = f"{queue}.msg"
        claims = self._own_claims
        for name in sorted(os.listdir(self._in)):
            if name.partition(".")[2] != suffix:
                continue
            claimed = claims / name
            try:
                os.rename(self._in / name, claimed)
            except FileNotFoundError:
                if not claims.is_dir():
                    claims.mkdir(parents=True, exist_ok=True)
                    return self._get(queue)
                continue  # another consumer took it first
            try:
                payload = loads(bytes_to_str(claimed.read_bytes()))
                tag = payload["properties"]["delivery_tag"]
            except (ValueError, KeyError, TypeError):
                self._set_aside(claimed)
                continue
            self._claims[tag] = claimed
            return payload
        raise Empty()

    def _set_aside(self, path: Path) -> None:
        corrupt = self._in / CORRUPT
        corrupt.mkdir(parents=True, exist_ok=True)
        os.rename(path, corrupt / path.name)
        logger.error("broker: unreadable message set aside in %s", corrupt / path.name)

    def _release(self, delivery_tag) -> None:
        claimed = self._claims.pop(delivery_tag, None)
        if claimed is not None:
            claimed.unlink(missing_ok=True)

    def basic_ack(self, delivery_tag, multiple=False):
        super().basic_ack(delivery_tag, multiple=multiple)
        self._release(delivery_tag)

    def basic_reject(self, delivery_tag, requeue=False):
        super().basic_reject(delivery_tag, requeue=requeue)
        self._release(delivery_tag)

    def _restore(self, message):
        # Put back (a requeue, or unacked at shutdown): the copy goes in before the claim goes.
        super()._restore(message)
        self._release(message.delivery_tag)

    def _requeue_orphans(self) -> None:
        root = self._in / CLAIMED
        if not root.is_dir():
            return
        host = socket.gethostname()
        for folder in root.iterdir():
            owner_host, _, pid = folder.name.rpartition("-")
            if owner_host != host or not pid.isdigit() or _pid_alive(int(pid)):
                continue
            for path in sorted(folder.iterdir()):
                try:
                    os.rename(path, self._in / path.name)
                except FileNotFoundError:
                    continue  # another channel put it back first
                logger.warning("broker: requeued %s, claimed by a consumer that stopped", path.name)
            with contextlib.suppress(OSError):
                folder.rmdir()

    # Exchange tables (fanout bindings): read-modify-write under a lock, renamed into place so
    # that get_table never reads a file being written.
    def _update_table(self, exchange, change) -> None:
        file = self._exchange_file(exchange)
        self.control_folder.mkdir(parents=True, exist_ok=True)
        with open(file.with_name(file.name + ".lock"), "wb") as lock_file:
            filesystem.lock(lock_file, filesystem.LOCK_EX)
            try:
                try:
                    table = [filesystem.exchange_queue_t(*q) for q in loads(file.read_text())]
                except (FileNotFoundError, ValueError):
                    table = []
                updated = change(table)
                if updated != table:
                    _write_atomically(
                        self.control_folder,
                        file.name,
                        str_to_bytes(dumps(updated)),
                        self.control_folder / STAGING,
                    )
            finally:
                filesystem.unlock(lock_file)

    def _queue_bind(self, exchange, routing_key, pattern, queue):
        binding = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        self._update_table(exchange, lambda table: table if binding in table else [binding, *table])

    def _delete(self, queue, exchange, routing_key, pattern, *args, **kwargs):
        virtual.Channel._delete(self, queue, exchange, routing_key, pattern, *args, **kwargs)
        binding = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        self._update_table(exchange, lambda table: [q for q in table if q != binding])


class Transport(filesystem.Transport):
    Channel = Channel
