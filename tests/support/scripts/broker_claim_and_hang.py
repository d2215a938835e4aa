"""Claim one message of the filesystem broker, print it, and hang until killed (never acknowledging it).

``python -m tests.support.scripts.broker_claim_and_hang BROKER_FOLDER CONTROL_FOLDER``
"""

import signal
import sys

from kombu import Connection


def main(data_folder: str, control_folder: str):
    options = {
        "data_folder_in": data_folder,
        "data_folder_out": data_folder,
        "control_folder": control_folder,
    }
    with Connection("filesystem://", transport="portal.broker:Transport", transport_options=options) as conn:
        message = conn.SimpleQueue("sichuan.killed").get(timeout=10)
        print(message.payload, flush=True)
        signal.pause()


if __name__ == "__main__":
    main(*sys.argv[1:3])
