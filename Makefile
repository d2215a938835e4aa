SHELL := /bin/bash

.PHONY: run test lint bench

# README command 1: both regions on this machine, no services needed.
run:
	bash scripts/run.sh

# README command 2: installs and starts PostgreSQL, Redis, Elasticsearch, Chromium; runs every check.
test:
	bash scripts/test.sh

lint:
	.venv/bin/ruff check .

messages:
	.venv/bin/python manage.py makemessages -l en -i ".venv/*" -i "var/*" -i "tests/*" -i ".services/*" && .venv/bin/python manage.py compilemessages -i ".venv/*"
