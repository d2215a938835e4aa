SHELL := /bin/bash

.PHONY: run test lint lock messages bench-sync bench-search bench-broker bench-ocr

# README command 1: both regions on this machine, no services needed.
run:
	bash scripts/run.sh

# README command 2: installs and starts PostgreSQL, Redis, Elasticsearch, Chromium; runs every check.
test:
	bash scripts/test.sh

lint:
	.venv/bin/ruff check .

# Rewrite requirements/*.txt (hashed lock) after changing pyproject.toml's dependencies.
lock:
	[ -x .venv/bin/python ] || python3.11 -m venv .venv
	.venv/bin/python -m pip install -q "uv==0.13.9"
	.venv/bin/python scripts/lock.py

messages:
	.venv/bin/python manage.py makemessages -l en -i ".venv/*" -i "var/*" -i "tests/*" -i ".services/*" && .venv/bin/python manage.py compilemessages -i ".venv/*"

# Benchmarks print figures; they need the services `make test` starts (KEEP_SERVICES=1 make test).
BENCH_ENV = eval "$$(bash scripts/services.sh env)" && export DATABASE_URL REDIS_URL ELASTICSEARCH_URL=http://127.0.0.1:$${ES_PORT:-59200}

bench-sync:
	$(BENCH_ENV) && REDIS_URL=$${REDIS_URL%/0}/3 .venv/bin/python bench/sync.py

bench-search:
	$(BENCH_ENV) && .venv/bin/python bench/search.py

# The embedded broker under load; needs no services.
bench-broker:
	.venv/bin/python bench/broker.py
# OCR needs no services: Tesseract (chi_sim) and pdftoppm from `scripts/services.sh install`.
bench-ocr:
	.venv/bin/python bench/ocr.py
