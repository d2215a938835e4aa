"""A real clamd for tests, with signatures of our own (no download of the official databases)."""

import hashlib
import shutil
import socket
import subprocess
from pathlib import Path

from tests.conftest import free_port
from tests.support.waiting import wait_until

MARKER = b"CHUANYU-PORTAL-TEST-MALWARE-SIGNATURE"
# The industry's anti-virus test file, matched by its hash as the official databases match it;
# kept in two halves so that no scanner flags this source file.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def clamd_binary() -> str | None:
    return shutil.which("clamd") or ("/usr/sbin/clamd" if Path("/usr/sbin/clamd").exists() else None)


def clamd_start(root: Path) -> tuple[subprocess.Popen, str]:
    """Start clamd under root; returns the process and its host:port once it answers PING."""
    (root / "db").mkdir(parents=True)
    (root / "db" / "portal-test.ndb").write_text(f"Portal.Test.Signature:0:*:{MARKER.hex()}\n")
    (root / "db" / "portal-test.hdb").write_text(
        f"{hashlib.md5(EICAR).hexdigest()}:{len(EICAR)}:Portal.Test.EICAR\n"
    )
    port = free_port()
    config = root / "clamd.conf"
    config.write_text(
        f"DatabaseDirectory {root / 'db'}\nTCPSocket {port}\nTCPAddr 127.0.0.1\nForeground yes\n"
        f"LogFile {root / 'clamd.log'}\nPidFile {root / 'clamd.pid'}\nStreamMaxLength 60M\n"
    )
    process = subprocess.Popen(
        [clamd_binary(), "--config-file", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )

    def answers():
        if process.poll() is not None:
            raise RuntimeError(f"clamd exited: {log()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                connection.sendall(b"zPING\x00")
                return connection.recv(16).startswith(b"PONG")
        except OSError:
            return False

    def log():
        return (root / "clamd.log").read_text(errors="replace") if (root / "clamd.log").exists() else ""

    try:
        wait_until(answers, timeout=60, interval=0.2, what=lambda: f"clamd answering: {log()}")
    except BaseException:
        process.kill()
        raise
    return process, f"127.0.0.1:{port}"
