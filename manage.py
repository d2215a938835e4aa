#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    from django.core.management import execute_from_command_line

    from portal.configuration import configuration_errors_exit

    with configuration_errors_exit():
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
