"""Run one ``sync_pull`` in a process of its own and print the peak of its address space (VmHWM, kB).

Run as ``python -m tests.support.scripts.sync_pull_peak`` with the region's environment.
"""

import django


def main():
    django.setup()
    from django.core.management import call_command

    try:
        call_command("sync_pull")
    finally:
        with open("/proc/self/status") as status:
            print("PEAK", next(line.split()[1] for line in status if line.startswith("VmHWM")), flush=True)


if __name__ == "__main__":
    main()
