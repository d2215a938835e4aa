"""scripts/supervise.py over a worker that always fails and a steady server with a child of its own.

``python -m tests.support.scripts.supervise_give_up LOG_FOLDER`` (from the repository root).
"""

import sys
from pathlib import Path

# The steady server and its child wait for a signal; the test finds them by this code.
IDLE = "import signal; signal.pause()"


def main(logs: Path) -> int:
    sys.path.insert(0, "scripts")
    import supervise

    supervise.BACKOFF = (0.1, 0.2, 0.3, 0.4)
    steady = f"import subprocess, sys; subprocess.Popen([sys.executable, '-c', {IDLE!r}]); {IDLE}"
    failing = [sys.executable, "-c", "raise SystemExit(3)"]
    services = [
        supervise.Service("failing worker", failing, {}, logs / "failing.log"),
        supervise.Service("steady web server", [sys.executable, "-c", steady], {}, logs / "steady.log"),
    ]
    supervise.become_subreaper()
    return supervise.Supervisor(services).run()


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
